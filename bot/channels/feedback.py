"""A patient's vote on an answer ("Helpful" / "Not helpful"), kept in her conversation.

The vote is a SlotSet of the `feedback` slot added to the stored conversation under the
conversation's lock: it lives and is purged with the messages, the insights page reads it from
the same store, and it starts no turn (no NLU, no action, no reply), so the conversation goes
on as if nothing happened. An answer takes one vote; the vote names the answer by the
`answer_id` its `custom` carries (actions/replies.py), and takes its topic and language from
that answer, never from the client.

REST: POST /webhooks/rest/feedback {"sender": str, "answer_id": str, "value": "helpful" |
"not_helpful"}. Socket.io: the event `feedback` with {"session_id", "answer_id", "value"}.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Mapping

from rasa.core.agent import Agent
from rasa.shared.core.events import BotUttered, SlotSet

from bot import metrics
from bot.channels.payload import PayloadError, clean_text
from bot.contract import ANSWER_ID_FIELD, FEEDBACK_SLOT, LANGUAGE_KEY, TOPIC_FIELD, VOTES

logger = logging.getLogger(__name__)

MAX_ANSWER_ID_CHARS = 64


class VoteRefusedError(ValueError):
    """The vote cannot be kept; `status` is the HTTP status that says why."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


@dataclass(frozen=True)
class Vote:
    sender: str
    answer_id: str
    value: str


def read_vote(payload: Mapping[str, Any], sender: str) -> Vote:
    """The vote in a client's payload, for the conversation `sender`."""
    answer_id = payload.get(ANSWER_ID_FIELD)
    if not isinstance(answer_id, str) or not 0 < len(answer_id) <= MAX_ANSWER_ID_CHARS:
        raise PayloadError(
            f'"{ANSWER_ID_FIELD}" must be the answer\'s id, a string of at most '
            f"{MAX_ANSWER_ID_CHARS} characters.")
    value = payload.get("value")
    if value not in VOTES:
        raise PayloadError(f'"value" must be one of {", ".join(VOTES)}.')
    return Vote(sender=sender, answer_id=clean_text(answer_id), value=value)


def _answer(events: Any, answer_id: str) -> Mapping[str, Any] | None:
    for event in events:
        if isinstance(event, BotUttered):
            custom = event.data.get("custom")
            if isinstance(custom, dict) and custom.get(ANSWER_ID_FIELD) == answer_id:
                return custom
    return None


def _voted(events: Any, answer_id: str) -> bool:
    return any(
        isinstance(event, SlotSet) and event.key == FEEDBACK_SLOT
        and isinstance(event.value, dict) and event.value.get(ANSWER_ID_FIELD) == answer_id
        for event in events
    )


async def record_vote(agent: Agent, vote: Vote) -> dict[str, str]:
    """Adds the vote to the conversation; what was recorded (answer id, topic, language,
    value). Raises VoteRefusedError for an unknown answer (404) or a second vote on it (409)."""
    if agent.tracker_store is None or agent.lock_store is None:
        raise VoteRefusedError(503, "The assistant is not ready yet.")
    try:
        recorded = await _store_vote(agent, vote)
    except VoteRefusedError:
        raise
    except Exception as error:  # noqa: BLE001 - the client hears why, the log has the rest
        logger.exception("A vote could not be stored.")
        raise VoteRefusedError(503, "The vote could not be stored now; please try again.") \
            from error
    metrics.FEEDBACK.labels(recorded[TOPIC_FIELD], recorded[LANGUAGE_KEY], vote.value).inc()
    logger.info("Vote %s on an answer about %s.", vote.value, recorded[TOPIC_FIELD])
    return recorded


async def _store_vote(agent: Agent, vote: Vote) -> dict[str, str]:
    async with agent.lock_store.lock(vote.sender):
        tracker = await agent.tracker_store.retrieve(vote.sender)
        answer = _answer(tracker.events, vote.answer_id) if tracker is not None else None
        if tracker is None or answer is None:
            raise VoteRefusedError(404, "No such answer in this conversation.")
        if _voted(tracker.events, vote.answer_id):
            raise VoteRefusedError(409, "This answer already has a vote.")
        recorded = {
            ANSWER_ID_FIELD: vote.answer_id,
            TOPIC_FIELD: str(answer.get(TOPIC_FIELD)),
            LANGUAGE_KEY: str(answer.get(LANGUAGE_KEY)),
            "value": vote.value,
        }
        tracker.update(SlotSet(FEEDBACK_SLOT, recorded))
        await agent.tracker_store.save(tracker)
    return recorded
