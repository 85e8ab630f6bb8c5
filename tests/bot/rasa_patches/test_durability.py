"""When the conversation store fails, the turn stops instead of answering from memory."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_patches import durability

ROOT = Path(__file__).resolve().parents[3]
DOMAIN = Domain.load(str(ROOT / "domain.yml"))


class DownStore(InMemoryTrackerStore):
    """A store whose database has gone away."""

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        raise ConnectionError("database is down")

    async def retrieve_full_tracker(self, sender_id: str) -> DialogueStateTracker | None:
        raise ConnectionError("database is down")

    async def save(self, tracker: DialogueStateTracker) -> None:
        raise ConnectionError("database is down")


@pytest.fixture()
def store(patched_rasa: None) -> FailSafeTrackerStore:
    return FailSafeTrackerStore(DownStore(DOMAIN))


def test_a_failed_read_stops_the_turn(store: FailSafeTrackerStore) -> None:
    with pytest.raises(durability.TrackerStoreUnavailableError):
        asyncio.run(store.retrieve("p"))
    with pytest.raises(durability.TrackerStoreUnavailableError):
        asyncio.run(store.retrieve_full_tracker("p"))


def test_a_failed_save_is_not_kept_in_memory_instead(store: FailSafeTrackerStore) -> None:
    tracker = DialogueStateTracker("p", DOMAIN.slots)
    with pytest.raises(durability.TrackerStoreUnavailableError):
        asyncio.run(store.save(tracker))
    assert asyncio.run(store.fallback_tracker_store.retrieve("p")) is None


def test_a_working_store_is_used_as_before(patched_rasa: None) -> None:
    store = FailSafeTrackerStore(InMemoryTrackerStore(DOMAIN))
    asyncio.run(store.save(DialogueStateTracker("p", DOMAIN.slots)))
    assert asyncio.run(store.retrieve("p")).sender_id == "p"
