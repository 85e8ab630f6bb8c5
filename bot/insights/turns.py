"""One patient message and what the assistant did with it, read from Rasa's events.

The Prometheus counters (bot/metrics.py) and the insights row of each message
(bot/insights/store.py) both come from `summarise`, run on the tracker a turn built, so the two
never disagree on what counts as a fallback or which language a message was in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from bot.contract import (
    ANSWER_ID_FIELD,
    EMERGENCY,
    FALLBACK,
    LANGUAGE_KEY,
    NOT_COVERED,
    OUT_OF_SCOPE,
    TOPIC_FIELD,
)

# The behaviours that mean "the assistant could not answer this": an editor's to-do list.
UNANSWERED = (FALLBACK, NOT_COVERED, OUT_OF_SCOPE)
UNKNOWN = "unknown"


@dataclass(slots=True)
class Turn:
    """A patient message (its text as stored, so already redacted) and the replies' topics.
    The field order is that of bot/insights/store.py's TURN_COLUMNS."""

    time: float
    sender: str
    channel: str
    text: str
    language: str = UNKNOWN
    topics: list[str] = field(default_factory=list)
    answers: list[str] = field(default_factory=list)
    emergency: str | None = None
    safety_line: str | None = None
    fallback_reason: str | None = None

    @property
    def reason(self) -> str | None:
        """Why the message went unanswered (fallback, not_covered, out_of_scope), if it did."""
        return next((topic for topic in self.topics if topic in UNANSWERED), None)

    @property
    def outcome(self) -> str:
        """The reason with its detail ("fallback:unclear", "emergency:overdose"), or ""."""
        if self.reason == FALLBACK:
            return f"{FALLBACK}:{self.fallback_reason}"
        if self.reason:
            return self.reason
        return f"{EMERGENCY}:{self.emergency}" if self.emergency else ""


def _new_turn(user_event: Mapping[str, Any], sender: str) -> Turn:
    """The turn a stored `user` event starts (the dict Rasa stores for it)."""
    parse_data = user_event.get("parse_data") or {}
    told = parse_data.get(LANGUAGE_KEY)
    return Turn(
        time=float(user_event.get("timestamp") or 0.0),
        sender=sender,
        channel=str(user_event.get("input_channel") or UNKNOWN),
        text=str(user_event.get("text") or ""),
        language=told if isinstance(told, str) else UNKNOWN,
    )


def _add_reply(turn: Turn, custom: Any) -> None:
    """Adds what one bot message's `custom` says: its topic, language, emergency, answer id."""
    if not isinstance(custom, Mapping):
        return
    topic = custom.get(TOPIC_FIELD)
    if isinstance(topic, str):
        turn.topics.append(topic)
        if topic == EMERGENCY and turn.emergency is None:
            turn.emergency = str(custom.get("kind") or UNKNOWN)
        if topic == FALLBACK and turn.fallback_reason is None:
            turn.fallback_reason = str(custom.get("reason") or UNKNOWN)
    language = custom.get(LANGUAGE_KEY)
    if isinstance(language, str):
        # The reply's language is the one the assistant settled on for the message.
        turn.language = language
    if isinstance(custom.get("safety"), str):
        turn.safety_line = custom["safety"]
    if isinstance(custom.get(ANSWER_ID_FIELD), str):
        turn.answers.append(custom[ANSWER_ID_FIELD])


def summarise(user_event: Mapping[str, Any], sender: str, replies: Iterable[Any]) -> Turn:
    """The turn of a user event and the `custom` payloads of the bot messages that followed."""
    turn = _new_turn(user_event, sender)
    for custom in replies:
        _add_reply(turn, custom)
    return turn
