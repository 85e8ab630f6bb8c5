"""The SQLite store writes exactly what Rasa's SQL store writes, and never hands out stale state."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.tracker_store import SQLiteTrackerStore

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = Domain.load(str(ROOT / "domain.yml"))


def turn(topic: str, timestamp: float) -> list[Event]:
    parse = {"intent": {"name": topic, "confidence": 0.9}, "entities": [], "text": topic}
    return [
        UserUttered(topic, parse["intent"], [], parse, timestamp=timestamp),
        ActionExecuted("action_answer", timestamp=timestamp + 0.1),
        BotUttered(f"about {topic}", {"custom": {"topic": topic}}, timestamp=timestamp + 0.2),
        SlotSet("last_topic", topic, timestamp=timestamp + 0.3),
        ActionExecuted("action_listen", timestamp=timestamp + 0.4),
    ]


def converse(store: SQLTrackerStore, sender: str, turns: list[list[Event]]) -> None:
    async def run() -> None:
        tracker = await store.retrieve(sender)
        if tracker is None:
            tracker = DialogueStateTracker(sender, DOMAIN.slots)
            for event in (SessionStarted(timestamp=1.0), ActionExecuted("action_listen",
                                                                           timestamp=1.1)):
                tracker.update(event)
        for index, events in enumerate(turns):
            if index:
                tracker = await store.retrieve(sender)
            for event in events:
                tracker.update(event)
            await store.save(tracker)

    asyncio.run(run())


def rows(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as connection:
        return connection.execute(
            "SELECT sender_id, type_name, timestamp, intent_name, action_name, data "
            "FROM events ORDER BY id"
        ).fetchall()


def test_rows_are_exactly_those_rasa_writes(tmp_path: Path) -> None:
    turns = [turn(topic, 10.0 * i) for i, topic in enumerate(["causes", "are_they_cancer",
                                                             "biopsy_when"], start=1)]
    converse(SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "rasa.db")), "p", turns)
    converse(SQLiteTrackerStore(DOMAIN, db=str(tmp_path / "ours.db")), "p", turns)
    assert rows(tmp_path / "ours.db") == rows(tmp_path / "rasa.db")
    assert len(rows(tmp_path / "ours.db")) == 2 + 5 * 3


def test_saved_tracker_is_handed_out_once(tmp_path: Path) -> None:
    store = SQLiteTrackerStore(DOMAIN, db=str(tmp_path / "t.db"))
    converse(store, "p", [turn("causes", 10.0)])

    async def run() -> None:
        first = await store.retrieve("p")
        second = await store.retrieve("p")
        assert first is not second
        assert list(first.events) == list(second.events)

    asyncio.run(run())


def test_unsaved_changes_are_never_handed_out(tmp_path: Path) -> None:
    store = SQLiteTrackerStore(DOMAIN, db=str(tmp_path / "t.db"))
    converse(store, "p", [turn("causes", 10.0)])

    async def run() -> None:
        tracker = await store.retrieve("p")
        stored = len(tracker.events)
        for event in turn("biopsy_when", 20.0):  # handling fails before the save
            tracker.update(event)
        await store.save(tracker)
        again = await store.retrieve("p")
        for event in turn("stereotactic_biopsy", 30.0):
            again.update(event)  # and this time nothing is saved
        fresh = await store.retrieve("p")
        assert len(fresh.events) == stored + 5
        assert fresh.get_slot("last_topic") == "biopsy_when"

    asyncio.run(run())


def test_a_new_session_reads_like_rasa(tmp_path: Path) -> None:
    restart = [SessionStarted(timestamp=50.0), ActionExecuted("action_listen", timestamp=50.1)]
    turns = [turn("causes", 10.0), restart + turn("benign_followup", 60.0)]
    rasa_store = SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "rasa.db"))
    ours = SQLiteTrackerStore(DOMAIN, db=str(tmp_path / "ours.db"))
    converse(rasa_store, "p", turns)
    converse(ours, "p", turns)

    async def events(store: SQLTrackerStore) -> list[dict]:
        tracker = await store.retrieve("p")
        return [event.as_dict() for event in tracker.events]

    assert asyncio.run(events(ours)) == asyncio.run(events(rasa_store))
    assert rows(tmp_path / "ours.db") == rows(tmp_path / "rasa.db")


@pytest.mark.parametrize("capacity", [0, 1])
def test_cache_capacity_is_respected(tmp_path: Path, capacity: int) -> None:
    store = SQLiteTrackerStore(DOMAIN, db=str(tmp_path / "t.db"), cached_conversations=capacity)
    for sender in ("a", "b", "c"):
        converse(store, sender, [turn("causes", 10.0), turn("biopsy_when", 20.0)])
    assert len(store._cache) == capacity


def test_a_write_by_another_process_is_never_missed(tmp_path: Path) -> None:
    """Two Sanic workers share the file: each reads what the other wrote, not its own cache."""
    db = str(tmp_path / "shared.db")
    first, second = SQLiteTrackerStore(DOMAIN, db=db), SQLiteTrackerStore(DOMAIN, db=db)
    converse(first, "p", [turn("causes", 10.0), turn("macrocalcifications", 15.0)])
    assert "p" in first._cache
    converse(second, "p", [turn("biopsy_when", 20.0)])

    async def run() -> None:
        tracker = await first.retrieve("p")
        assert tracker.get_slot("last_topic") == "biopsy_when"
        for event in turn("stereotactic_biopsy", 30.0):
            tracker.update(event)
        await first.save(tracker)

    asyncio.run(run())
    topics = [row[3] for row in rows(tmp_path / "shared.db") if row[1] == "user"]
    assert topics == ["causes", "macrocalcifications", "biopsy_when", "stereotactic_biopsy"]


@pytest.mark.parametrize(("setting", "level"), [("NORMAL", 1), ("full", 2)])
def test_wal_with_the_configured_flush(tmp_path: Path, setting: str, level: int) -> None:
    store = SQLiteTrackerStore(DOMAIN, db=str(tmp_path / "t.db"), synchronous=setting)
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == level


def test_a_setting_that_could_corrupt_the_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="synchronous"):
        SQLiteTrackerStore(DOMAIN, db=str(tmp_path / "t.db"), synchronous="OFF")
