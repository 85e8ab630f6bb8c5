"""Conversations stored the way the Rasa server stores them: Rasa's own events in the project's
SQLite tracker store, each turn's insights row written by the recorder."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.contract import ANSWER_ID_FIELD, FEEDBACK_SLOT
from bot.insights import recorder
from bot.rasa_patches.observability import latest_turn
from bot.tracker_store import SQLiteTrackerStore

DOMAIN = Domain.from_path("domain.yml")


class Conversations:
    """Adds patient messages and replies to a real store, as the Rasa server would."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.store = SQLiteTrackerStore(DOMAIN, db=str(path))
        self.engine: sa.engine.Engine = self.store.engine

    def turn(self, sender: str, text: str, *replies: dict[str, Any], channel: str = "rest",
             language: str | None = "en", at: float | None = None) -> None:
        tracker = asyncio.run(self.store.retrieve(sender)) or DialogueStateTracker(sender, [])
        at = time.time() if at is None else at
        parse = {"intent": {"name": "x", "confidence": 1.0}, "text": text}
        if language:
            parse["language"] = language
        tracker.update(UserUttered(text, parse["intent"], parse_data=parse,
                                   input_channel=channel, timestamp=at))
        for custom in replies:
            tracker.update(BotUttered("reply", data={"custom": custom}, timestamp=at + 0.01))
        asyncio.run(self.store.save(tracker))
        turn = latest_turn(tracker)
        assert turn is not None
        recorder.record(self.store, turn)

    def vote(self, sender: str, answer_id: str, topic: str, value: str) -> None:
        tracker = asyncio.run(self.store.retrieve(sender))
        assert tracker is not None
        tracker.update(SlotSet(FEEDBACK_SLOT, {ANSWER_ID_FIELD: answer_id, "topic": topic,
                                               "language": "en", "value": value}))
        asyncio.run(self.store.save(tracker))


@pytest.fixture()
def conversations(tmp_path: Path) -> Iterator[Conversations]:
    yield Conversations(tmp_path / "trackers.db")
