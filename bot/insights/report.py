"""The figures of the insights page and the rows of its export, from one period's turns."""

from __future__ import annotations

import hashlib
import hmac
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Iterator

from bot.contract import HELPFUL, NOT_HELPFUL
from bot.insights.store import SECONDS_PER_DAY, Counts, Period
from bot.insights.turns import UNANSWERED

EXPORT_COLUMNS = ("time", "conversation", "channel", "language", "topic", "reason", "text",
                  "feedback")


def day_of(timestamp: float) -> str:
    """The UTC date of a timestamp (the page counts days in UTC)."""
    return datetime.fromtimestamp(timestamp, tz=timezone.utc).date().isoformat()


def conversation_id(sender: str, key: str) -> str:
    """A keyed hash of the sender id: rows of one conversation group together, and nobody
    without the key can tell which sender (a phone number, a chat id) it was."""
    return hmac.new(key.encode(), sender.encode(), hashlib.sha256).hexdigest()[:16]


@dataclass
class Unanswered:
    """A message the assistant could not answer, as stored, and how often it was sent."""

    text: str
    reason: str
    count: int


@dataclass
class Report:
    days: int
    since: float
    until: float
    messages: int = 0
    conversations: int = 0
    per_day: list[tuple[str, int, int]] = field(default_factory=list)  # day, conversations, msgs
    channels: Counter[str] = field(default_factory=Counter)
    languages: Counter[str] = field(default_factory=Counter)
    topics: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)
    unanswered: list[Unanswered] = field(default_factory=list)
    emergencies: Counter[str] = field(default_factory=Counter)
    safety_lines: Counter[str] = field(default_factory=Counter)
    feedback: dict[str, Counter[str]] = field(default_factory=dict)  # topic -> value -> votes

    def rate(self, reason: str) -> float:
        return self.reasons[reason] / self.messages if self.messages else 0.0


def build_report(counts: Counts, since: float, until: float, days: int) -> Report:
    """The page's figures from the database's counts."""
    by = counts.by
    report = Report(days=days, since=since, until=until, messages=counts.messages,
                    conversations=counts.conversations)
    report.per_day = [(day_of(day * SECONDS_PER_DAY), conversations, messages)
                      for day, conversations, messages in counts.per_day]
    report.channels = Counter({str(key): n for key, n in by["channel"].items()})
    report.languages = Counter({str(key): n for key, n in by["language"].items()})
    for topics, n in by["topics"].items():
        for topic in (topics or "").split():
            report.topics[topic] += n
    report.reasons = Counter({reason: 0 for reason in UNANSWERED})
    report.reasons.update({str(key): n for key, n in by["reason"].items() if key})
    report.emergencies = Counter({str(key): n for key, n in by["emergency"].items() if key})
    report.safety_lines = Counter({str(key): n for key, n in by["safety_line"].items() if key})
    unanswered: Counter[tuple[str, str]] = Counter()
    shown: dict[tuple[str, str], str] = {}
    for text, reason in counts.unanswered:
        key = (" ".join(text.split()).casefold(), reason)
        unanswered[key] += 1
        shown.setdefault(key, text)
    report.unanswered = [Unanswered(shown[key], key[1], n) for key, n in unanswered.most_common()]
    for vote in counts.votes:
        report.feedback.setdefault(vote.topic, Counter({HELPFUL: 0, NOT_HELPFUL: 0}))
        report.feedback[vote.topic][vote.value] += 1
    return report


def spreadsheet_safe(text: str) -> str:
    """Text a spreadsheet will not run as a formula ("=HYPERLINK(...)" typed by anyone)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def export_rows(period: Period, key: str) -> Iterator[list[str]]:
    """One row per patient message, oldest first, with the votes on its answers."""
    votes = {vote.answer_id: vote.value for vote in period.votes}
    for turn in period.turns:
        given = [votes[answer] for answer in turn.answers if answer in votes]
        yield [
            datetime.fromtimestamp(turn.time, tz=timezone.utc).isoformat(timespec="seconds"),
            conversation_id(turn.sender, key),
            turn.channel,
            turn.language,
            " ".join(turn.topics),
            turn.outcome,
            spreadsheet_safe(turn.text),
            " ".join(given),
        ]
