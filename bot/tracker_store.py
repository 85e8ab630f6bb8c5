"""The default conversation store: Rasa's SQL tracker store on SQLite, without re-reading what
it just wrote.

Rasa loads a conversation from the database at every message and, when saving, first counts
the rows already stored. Both are usually known in memory: the tracker this process saved last
time is the tracker the next message needs, and its length is the number of rows stored. This
store keeps recently saved conversations in memory and hands each one out once (the next save
puts it back), so a conversation whose handling failed half way is read again from the database.
Before handing one out it reads the conversation's highest row id (one indexed look-up, far
cheaper than reading and rebuilding every event): if another Rasa process sharing the file has
written since, the id differs and the conversation is read fresh. Several processes (Sanic
workers with a Redis lock store) can therefore share one database.

Rows are written exactly as Rasa writes them, in one multi-row insert through SQLAlchemy Core
rather than one ORM object per event: the ORM's bookkeeping cost more than the database did.

The file is in WAL mode with `synchronous=NORMAL` by default: a commit then waits for no disk
flush, which (measured by `make bench`) more than doubles how many messages a server answers,
because a flush blocks the whole event loop. Nothing is lost when Rasa crashes; a power cut can
lose the last second or so of messages. Set `synchronous: FULL` under `tracker_store` in
endpoints.yml to flush at every commit instead. Production uses PostgreSQL (docs/deploy.md).
"""

from __future__ import annotations

import json
from collections import OrderedDict
from dataclasses import dataclass
from itertools import islice
from typing import Any, Callable

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

# SQLite's `synchronous` settings that keep the database intact after a crash, in WAL mode.
SYNCHRONOUS_MODES = ("NORMAL", "FULL")


@dataclass
class _Saved:
    tracker: DialogueStateTracker
    length: int
    last_row_id: int | None


class SQLiteTrackerStore(SQLTrackerStore):
    engine: sa.engine.Engine
    def __init__(
        self,
        domain: Domain | None = None,
        db: str = "var/trackers.db",
        event_broker: EventBroker | None = None,
        cached_conversations: int = 32,
        synchronous: str = "NORMAL",
        **kwargs: Any,
    ) -> None:
        super().__init__(
            domain=domain, dialect="sqlite", db=db, event_broker=event_broker, **kwargs
        )
        # An event broker diffs against a fresh read from the database, so it gets no cache.
        # 32: more than the conversations one worker serves at once under `make bench`'s 32 at
        # once; a cached ten-message conversation holds about 160 KB, so 1000 had let each
        # worker grow by up to 160 MB, and 32 instead of 1000 left the whole server 16 MB
        # smaller after the bench's load. A conversation that fell out is read from the file.
        self._capacity = 0 if event_broker is not None else int(cached_conversations)
        self._cache: OrderedDict[str, _Saved] = OrderedDict()
        self._stored: dict[str, int] = {}
        if synchronous.upper() not in SYNCHRONOUS_MODES:
            raise ValueError(f"synchronous must be one of {SYNCHRONOUS_MODES}, not {synchronous!r}")
        # SQLAlchemy 1.4 opens a new SQLite connection for every use of a file database; a few
        # kept open save that cost (a tenth of a message's) on every read and write.
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(url, poolclass=sa.pool.QueuePool, pool_size=2)
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        sa.event.listen(self.engine, "connect", _synchronous(synchronous.upper()))
        with self.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA journal_mode=WAL")  # kept in the file
        table = self.SQLEvent.__table__
        self._insert = table.insert()
        self._last_row_id = sa.select(sa.func.max(table.c.id)).where(
            table.c.sender_id == sa.bindparam("sender_id")
        )

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        saved = self._cache.pop(sender_id, None)
        if saved is not None and len(saved.tracker.events) == saved.length:
            with self.engine.connect() as connection:
                last_row_id = connection.execute(
                    self._last_row_id, {"sender_id": sender_id}
                ).scalar()
            if last_row_id == saved.last_row_id:
                self._stored[sender_id] = saved.length
                return saved.tracker
        tracker = await super().retrieve(sender_id)
        self._remember_stored(sender_id, len(tracker.events) if tracker is not None else 0)
        return tracker

    def _remember_stored(self, sender_id: str, rows: int) -> None:
        """Notes how many rows the conversation has, for the save that follows under the same
        conversation lock (Rasa retrieves before it saves; a new conversation has none)."""
        if len(self._stored) > 2 * self._capacity:
            self._stored.clear()  # reads never followed by a save (API look-ups)
        self._stored[sender_id] = rows

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self.stream_events(tracker)
        stored = self._stored.pop(tracker.sender_id, None)
        if stored is None or stored > len(tracker.events):
            # Unknown here: count what Rasa would read back (the events of the last session).
            saved = await super().retrieve(tracker.sender_id)
            stored = len(saved.events) if saved is not None else 0
        new_events = list(islice(tracker.events, stored, None))
        with self.engine.begin() as connection:
            if new_events:
                connection.execute(self._insert, [_row(tracker.sender_id, e) for e in new_events])
            last_row_id = connection.execute(
                self._last_row_id, {"sender_id": tracker.sender_id}
            ).scalar()
        # Rasa saves a new conversation once when it creates it and again after the turn.
        self._remember_stored(tracker.sender_id, len(tracker.events))
        # A new session changes which events a fresh read returns: read it fresh next time.
        if self._capacity and not any(isinstance(e, SessionStarted) for e in new_events):
            self._cache[tracker.sender_id] = _Saved(tracker, len(tracker.events), last_row_id)
            self._cache.move_to_end(tracker.sender_id)
            while len(self._cache) > self._capacity:
                self._cache.popitem(last=False)


def _synchronous(mode: str) -> Callable[[Any, Any], None]:
    """Sets `synchronous` on each new connection (SQLite keeps it per connection)."""

    def configure(connection: Any, _: Any) -> None:
        connection.execute(f"PRAGMA synchronous={mode}")

    return configure


def _row(sender_id: str, event: Event) -> dict[str, Any]:
    """The events table row Rasa's SQL store writes for an event."""
    data = event.as_dict()
    return {
        "sender_id": sender_id,
        "type_name": event.type_name,
        "timestamp": data.get("timestamp"),
        "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
        "action_name": data.get("name"),
        "data": json.dumps(data),
    }
