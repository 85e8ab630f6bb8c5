"""Every patient message is counted for Prometheus, and recorded for the insights page once its
conversation is stored; the Rasa server serves /metrics."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
import rasa.core.run
import sqlalchemy as sa
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot import metrics
from bot.insights.store import TURNS
from bot.rasa_patches import observability
from bot.tracker_store import SQLiteTrackerStore

DOMAIN = Domain.from_path("domain.yml")


class Processor:
    """Stands in for MessageProcessor around the wrapped methods: its store is the real one."""

    def __init__(self, store: SQLiteTrackerStore) -> None:
        self.tracker_store = store
        self.tracker = DialogueStateTracker("ana", DOMAIN.slots)


async def add_message(self: Processor, message: UserMessage,
                      tracker: DialogueStateTracker) -> None:
    tracker.update(UserUttered(message.text, parse_data={"language": "en"},
                               input_channel=message.input_channel))


def handler(fail: bool) -> Any:
    """A turn as MessageProcessor.handle_message runs it: log the message, reply, store."""
    remembered = observability._remembering(add_message)

    async def handle_message(self: Processor, message: UserMessage) -> list:
        tracker = self.tracker
        await remembered(self, message, tracker)
        tracker.update(BotUttered("It depends.", data={"custom": {
            "topic": "not_covered", "language": "en"}}))
        if fail:
            raise RuntimeError("the conversation store is down")
        return []

    return observability._counting(handle_message)


def counted(channel: str) -> float:
    return metrics.MESSAGES.labels(channel, "en")._value.get()


def fallbacks() -> float:
    return metrics.FALLBACKS.labels("not_covered")._value.get()


def recorded(store: SQLiteTrackerStore) -> list[tuple[str, str, str]]:
    with store.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(
            sa.select(TURNS.c.sender_id, TURNS.c.topics, TURNS.c.text))]


def test_a_stored_turn_is_counted_and_recorded(tmp_path: Path) -> None:
    store = SQLiteTrackerStore(DOMAIN, db=str(tmp_path / "t.db"))
    before, before_fallbacks = counted("rest"), fallbacks()
    message = UserMessage("how is it treated?", CollectingOutputChannel(), "ana",
                          input_channel="rest")
    asyncio.run(handler(fail=False)(Processor(store), message))
    assert counted("rest") == before + 1
    assert fallbacks() == before_fallbacks + 1
    assert recorded(store) == [("ana", "not_covered", "how is it treated?")]


def test_a_failed_turn_is_counted_but_not_recorded(tmp_path: Path) -> None:
    store = SQLiteTrackerStore(DOMAIN, db=str(tmp_path / "t.db"))
    before = counted("socketio")
    message = UserMessage("how is it treated?", CollectingOutputChannel(), "ana",
                          input_channel="socketio")
    with pytest.raises(RuntimeError):
        asyncio.run(handler(fail=True)(Processor(store), message))
    assert counted("socketio") == before + 1
    assert not sa.inspect(store.engine).has_table(TURNS.name) or recorded(store) == []


def test_the_latest_turn_is_read_from_the_tracker() -> None:
    tracker = DialogueStateTracker("ana", DOMAIN.slots)
    tracker.update(UserUttered("first", input_channel="rest"))
    tracker.update(BotUttered("a", data={"custom": {"topic": "greeting"}}))
    tracker.update(UserUttered("second", input_channel="rest"))
    tracker.update(BotUttered("b", data={"custom": {"topic": "causes", "language": "es"}}))
    tracker.update(BotUttered("c", data={"custom": {"topic": "emergency", "kind": "bleeding"}}))
    turn = observability.latest_turn(tracker)
    assert turn is not None
    assert (turn.text, turn.topics, turn.emergency, turn.language) == (
        "second", ["causes", "emergency"], "bleeding", "es")
    assert observability.latest_turn(DialogueStateTracker("empty", [])) is None


def test_the_rasa_server_serves_metrics(patched_rasa: None) -> None:
    app = rasa.core.run.configure_app(enable_api=False, conversation_id="observability-test")
    assert "metrics" in {route.path.strip("/") for route in app.router.routes}
    response = asyncio.run(observability.serve_metrics(None))  # type: ignore[arg-type]
    body = response.body.decode()
    assert response.content_type.startswith("text/plain")
    assert "# TYPE calcifications_messages_total counter" in body
    assert "calcifications_action_runs" not in body
