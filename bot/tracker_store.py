"""The default conversation store: Rasa's SQL tracker store on SQLite, without re-reading what
it just wrote.

Rasa loads a conversation from the database at every message and, when saving, first counts
the rows already stored. Both are usually known in memory: the tracker this process saved last
time is the tracker the next message needs, and its length is the number of rows stored. This
store keeps recently saved conversations in memory and hands each one out once (the next save
puts it back), so a conversation whose handling failed half way is read again from the database.
Before handing one out it counts the conversation's rows (one indexed query, far cheaper than
reading and rebuilding every event): if another Rasa process sharing the file has written since,
the count differs and the conversation is read fresh. Several processes (Sanic workers with a
Redis lock store) can therefore share one database. Rows are written exactly as Rasa writes them.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from itertools import islice
from typing import Any

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY


class SQLiteTrackerStore(SQLTrackerStore):
    def __init__(
        self,
        domain: Domain | None = None,
        db: str = "var/trackers.db",
        event_broker: EventBroker | None = None,
        cached_conversations: int = 1000,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            domain=domain, dialect="sqlite", db=db, event_broker=event_broker, **kwargs
        )
        # An event broker diffs against a fresh read from the database, so it gets no cache.
        self._capacity = 0 if event_broker is not None else int(cached_conversations)
        self._cache: OrderedDict[str, tuple[DialogueStateTracker, int]] = OrderedDict()
        self._stored: dict[str, int] = {}

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        cached = self._cache.pop(sender_id, None)
        if cached is not None and cached[1] == len(cached[0].events) == self._rows(sender_id):
            self._stored[sender_id] = cached[1]
            return cached[0]
        tracker = await super().retrieve(sender_id)
        if tracker is not None:
            if len(self._stored) > 2 * self._capacity:
                self._stored.clear()  # reads never followed by a save (API look-ups)
            self._stored[sender_id] = len(tracker.events)
        return tracker

    def _rows(self, sender_id: str) -> int:
        """Rows stored for the conversation's current session, as Rasa's own save counts them."""
        with self.session_scope() as session:
            return self._event_query(session, sender_id, fetch_events_from_all_sessions=False
                                     ).count()

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self.stream_events(tracker)
        stored = self._stored.pop(tracker.sender_id, None)
        with self.session_scope() as session:
            if stored is None or stored > len(tracker.events):
                new_events = list(self._additional_events(session, tracker))
            else:
                new_events = list(islice(tracker.events, stored, None))
            for event in new_events:
                data = event.as_dict()
                session.add(
                    self.SQLEvent(
                        sender_id=tracker.sender_id,
                        type_name=event.type_name,
                        timestamp=data.get("timestamp"),
                        intent_name=data.get("parse_data", {}).get("intent", {}).get(
                            INTENT_NAME_KEY
                        ),
                        action_name=data.get("name"),
                        data=json.dumps(data),
                    )
                )
            session.commit()
        # A new session changes which events a fresh read returns: read it fresh next time.
        if self._capacity and not any(isinstance(e, SessionStarted) for e in new_events):
            self._cache[tracker.sender_id] = (tracker, len(tracker.events))
            self._cache.move_to_end(tracker.sender_id)
            while len(self._cache) > self._capacity:
                self._cache.popitem(last=False)
