"""`make purge`: conversations idle past the retention period leave the real SQLite store."""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import time
from pathlib import Path

import pytest
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.privacy import retention
from bot.tracker_store import SQLiteTrackerStore

ROOT = Path(__file__).resolve().parents[3]
DAY = 86_400
NOW = time.time()


def conversation(sender: str, *days_ago: float) -> DialogueStateTracker:
    """A conversation with one user message and one bot reply at each of the given ages."""
    events = []
    for age in days_ago:
        at = NOW - age * DAY
        events += [
            UserUttered("hello", {"name": "greeting", "confidence": 1.0}, timestamp=at),
            ActionExecuted("action_small_talk", timestamp=at + 1),
            BotUttered("Hi!", timestamp=at + 2),
        ]
    return DialogueStateTracker.from_events(sender, events)


@pytest.fixture()
def store(tmp_path: Path) -> SQLiteTrackerStore:
    """A real store holding conversations last active 400, 100, 31 and 29 days ago and today;
    the one active today began 200 days ago."""
    store = SQLiteTrackerStore(db=str(tmp_path / "trackers.db"))
    for tracker in [
        conversation("a-year-ago", 400),
        conversation("100-days-ago", 100),
        conversation("31-days-ago", 35, 31),
        conversation("29-days-ago", 29),
        conversation("today", 200, 0),
    ]:
        asyncio.run(store.save(tracker))
    return store


def senders(store: SQLiteTrackerStore) -> set[str]:
    return set(asyncio.run(store.keys()))


def test_conversations_idle_past_the_period_are_deleted(store: SQLiteTrackerStore) -> None:
    result = retention.purge(store.engine, days=30, now=NOW)
    assert result == retention.PurgeResult(conversations=3, events=12)
    assert senders(store) == {"29-days-ago", "today"}


def test_a_conversation_still_going_keeps_all_its_history(store: SQLiteTrackerStore) -> None:
    retention.purge(store.engine, days=30, now=NOW)
    fresh = SQLiteTrackerStore(db=store.engine.url.database)
    kept = asyncio.run(fresh.retrieve_full_tracker("today"))
    assert [e.text for e in kept.events if isinstance(e, UserUttered)] == ["hello", "hello"]


def test_dry_run_counts_and_deletes_nothing(store: SQLiteTrackerStore) -> None:
    before = senders(store)
    assert retention.purge(store.engine, days=90, now=NOW, dry_run=True) == (
        retention.PurgeResult(conversations=2, events=6)
    )
    assert senders(store) == before


def test_a_purge_with_nothing_to_do_removes_nothing(store: SQLiteTrackerStore) -> None:
    assert retention.purge(store.engine, days=1000, now=NOW) == retention.PurgeResult(0, 0)
    assert len(senders(store)) == 5


def test_retention_default_is_90_days_unless_configured() -> None:
    assert retention.retention_days({}) == 90
    assert retention.retention_days({"RETENTION_DAYS": "30"}) == 30


@pytest.mark.parametrize("value", ["0", "-3", "soon", "1.5"])
def test_nonsense_periods_are_refused(value: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError, match="at least 1"):
        retention.positive_days(value)


def test_make_purge_uses_the_tracker_store_rasa_uses(store: SQLiteTrackerStore) -> None:
    env = {**os.environ, "TRACKER_DB": store.engine.url.database}
    env.pop("MAKEFLAGS", None)
    done = subprocess.run(
        ["make", "--no-print-directory", "-s", "purge", "DAYS=30"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Removed 3 conversations (12 events)" in done.stdout
    assert senders(store) == {"29-days-ago", "today"}


def test_a_database_url_can_stand_in_for_endpoints_yml(
    store: SQLiteTrackerStore, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RETENTION_DAYS", "90")
    assert retention.main(["--db-url", f"sqlite:///{store.engine.url.database}"]) == 0
    assert "Removed 2 conversations (6 events)" in capsys.readouterr().out
    assert senders(store) == {"31-days-ago", "29-days-ago", "today"}
