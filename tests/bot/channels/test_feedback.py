"""A vote is kept in the conversation it names, once per answer, and starts no turn."""

from __future__ import annotations

import asyncio

import pytest
from rasa.core.agent import Agent
from rasa.core.lock_store import InMemoryLockStore
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot import metrics
from bot.channels.feedback import Vote, VoteRefusedError, read_vote, record_vote
from bot.channels.payload import PayloadError
from bot.contract import ANSWER_ID_FIELD, FEEDBACK_SLOT

DOMAIN = Domain.from_path("domain.yml")


@pytest.fixture()
def agent() -> Agent:
    store = InMemoryTrackerStore(DOMAIN)
    tracker = DialogueStateTracker("ana", DOMAIN.slots)
    tracker.update(UserUttered("do I need a biopsy?"))
    tracker.update(BotUttered("An answer.", data={"custom": {
        "topic": "biopsy_when", "language": "es", ANSWER_ID_FIELD: "a1"}}))
    tracker.update(BotUttered("No id here.", data={"custom": {"topic": "greeting"}}))
    asyncio.run(store.save(tracker))
    return Agent(domain=DOMAIN, tracker_store=store, lock_store=InMemoryLockStore())


def stored_events(agent: Agent) -> list:
    tracker = asyncio.run(agent.tracker_store.retrieve("ana"))
    return list(tracker.events)


def votes_counted(topic: str, value: str) -> float:
    return metrics.FEEDBACK.labels(topic, "es", value)._value.get()


def test_a_vote_is_stored_with_the_answers_topic_and_language(agent: Agent) -> None:
    before = stored_events(agent)
    counted = votes_counted("biopsy_when", "not_helpful")
    recorded = asyncio.run(record_vote(agent, Vote("ana", "a1", "not_helpful")))
    assert recorded == {ANSWER_ID_FIELD: "a1", "topic": "biopsy_when", "language": "es",
                        "value": "not_helpful"}
    after = stored_events(agent)
    assert after[:len(before)] == before
    (added,) = after[len(before):]
    assert isinstance(added, SlotSet) and added.key == FEEDBACK_SLOT
    assert added.value == recorded
    assert votes_counted("biopsy_when", "not_helpful") == counted + 1


def test_one_vote_per_answer(agent: Agent) -> None:
    asyncio.run(record_vote(agent, Vote("ana", "a1", "helpful")))
    with pytest.raises(VoteRefusedError) as refused:
        asyncio.run(record_vote(agent, Vote("ana", "a1", "not_helpful")))
    assert refused.value.status == 409


@pytest.mark.parametrize(("sender", "answer_id"), [("ana", "nope"), ("nobody", "a1")])
def test_an_answer_not_in_the_conversation_takes_no_vote(agent: Agent, sender: str,
                                                         answer_id: str) -> None:
    before = stored_events(agent)
    with pytest.raises(VoteRefusedError) as refused:
        asyncio.run(record_vote(agent, Vote(sender, answer_id, "helpful")))
    assert refused.value.status == 404
    assert stored_events(agent) == before


@pytest.mark.parametrize("payload", [{}, {"answer_id": "a1"}, {"answer_id": "a1", "value": "meh"},
                                     {"answer_id": 5, "value": "helpful"},
                                     {"answer_id": "x" * 65, "value": "helpful"}])
def test_a_malformed_vote_is_refused_with_a_reason(payload: dict) -> None:
    with pytest.raises(PayloadError):
        read_vote(payload, "ana")


def test_a_well_formed_vote_is_read() -> None:
    assert read_vote({"answer_id": "a1", "value": "helpful"}, "ana") == Vote("ana", "a1",
                                                                             "helpful")


class BrokenStore(InMemoryTrackerStore):
    """A conversation store that cannot write (a database that went away)."""

    async def save(self, tracker: DialogueStateTracker) -> None:
        raise ConnectionError("the database went away")


def test_a_store_that_cannot_write_gets_a_clear_503(agent: Agent, patched_rasa: None) -> None:
    """As the servers run (durability patch: a failed save raises, nothing falls back)."""
    broken = BrokenStore(DOMAIN)
    broken.store = agent.tracker_store._tracker_store.store  # type: ignore[attr-defined]
    failing = Agent(domain=DOMAIN, tracker_store=broken, lock_store=InMemoryLockStore())
    with pytest.raises(VoteRefusedError) as refused:
        asyncio.run(record_vote(failing, Vote("ana", "a1", "helpful")))
    assert refused.value.status == 503
