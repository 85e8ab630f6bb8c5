"""Clinical review: which answers a clinician has signed, and whether each still reads exactly
as it did when signed.

An answer's fingerprint covers all that a reviewer checks: the question, the answer, the source
and the statements it cites (for a behaviour with medical advice, every one of its texts). A
record in reviews.yml keeps the fingerprint and the text that was signed, so any later edit
makes the answer unreviewed again and the review tool can show what changed. The servers log
the answers still to review at start-up and, with REQUIRE_REVIEWED_CONTENT=1, refuse to start.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping

import yaml

from bot.content import LANGUAGES, Content, content
from bot.contract import AFTERCARE, EMERGENCY, ENGLISH

logger = logging.getLogger(__name__)

REVIEWS_FILE = Path(__file__).with_name("reviews.yml")
REQUIRE_ENV = "REQUIRE_REVIEWED_CONTENT"
# Behaviours whose text is medical advice a clinician signs: what to do in an emergency, and
# which signs after a biopsy need urgent care. The others are conversation.
REVIEWED_BEHAVIOURS = (EMERGENCY, AFTERCARE)


def review_key(language: str, item_id: str) -> str:
    """How records and the state name an answer: 'causes', or 'es:causes' for the Spanish."""
    return item_id if language == ENGLISH else f"{language}:{item_id}"


class UnreviewedContentError(RuntimeError):
    """REQUIRE_REVIEWED_CONTENT is set and some answers are not reviewed."""


@dataclass(frozen=True)
class Item:
    """One answer as a reviewer signs it."""

    id: str
    language: str
    text: str
    # The source's key in answers.yml and its URL; empty for the clinic's own advice.
    source: str
    source_url: str
    statements: tuple[str, ...]

    @property
    def key(self) -> str:
        return review_key(self.language, self.id)

    @property
    def fingerprint(self) -> str:
        canonical = json.dumps({"text": self.text, "source": self.source_url,
                                "statements": list(self.statements)}, sort_keys=True)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Record:
    reviewer: str
    credential: str
    date: dt.date
    fingerprint: str
    text: str


@dataclass(frozen=True)
class ReviewState:
    reviewed: tuple[str, ...]
    # Signed once, edited since: the record's fingerprint no longer matches.
    changed: tuple[str, ...]
    unreviewed: tuple[str, ...]

    @property
    def pending(self) -> tuple[str, ...]:
        return self.changed + self.unreviewed

    def summary(self) -> dict[str, Any]:
        """What the health endpoints report."""
        return {"reviewed": len(self.reviewed), "changed": list(self.changed),
                "unreviewed": list(self.unreviewed), "required": review_required()}


def review_items(answers: Content) -> list[Item]:
    """Every answer a clinician signs: each medical topic and the behaviours with advice."""
    items = [
        Item(topic.id, answers.language, f"{topic.question}\n{topic.answer}", topic.source_key,
             topic.source.url, topic.statements)
        for topic in answers.topics.values()
    ]
    for name in REVIEWED_BEHAVIOURS:
        texts = answers.behaviours[name]
        text = "\n".join(f"{key}: {texts[key]}" for key in sorted(texts) if key != "suggestions")
        items.append(Item(name, answers.language, text, "", "", ()))
    return items


def all_items() -> list[Item]:
    """The answers of every language the assistant serves."""
    return [item for language in LANGUAGES for item in review_items(content(language))]


def load_reviews(path: Path = REVIEWS_FILE) -> dict[str, Record]:
    """Every record, named as Item.key names the answer it signs."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {
        review_key(language, item_id): Record(
            reviewer=str(record["reviewer"]), credential=str(record["credential"]),
            date=dt.date.fromisoformat(str(record["date"])),
            fingerprint=str(record["fingerprint"]), text=str(record["text"]))
        for language, records in (raw.get("reviews") or {}).items()
        for item_id, record in (records or {}).items()
    }


def review_state(items: Iterable[Item], records: Mapping[str, Record]) -> ReviewState:
    reviewed, changed, unreviewed = [], [], []
    for item in items:
        record = records.get(item.key)
        if record is None:
            unreviewed.append(item.key)
        elif record.fingerprint != item.fingerprint:
            changed.append(item.key)
        else:
            reviewed.append(item.key)
    return ReviewState(tuple(reviewed), tuple(changed), tuple(unreviewed))


@lru_cache(maxsize=1)
def current_state() -> ReviewState:
    """The state of the answers this process serves, as read when it started."""
    return review_state(all_items(), load_reviews())


def health() -> dict[str, Any]:
    """The body of the servers' health routes."""
    return {"status": "ok", "content_review": current_state().summary()}


def sign(items: Iterable[Item], reviewer: str, credential: str, path: Path = REVIEWS_FILE,
         today: dt.date | None = None) -> None:
    """Writes a record for each item, keeping the file's header comment and other records."""
    if not reviewer.strip() or not credential.strip():
        raise ValueError("a review needs the reviewer's name and credential")
    text = path.read_text(encoding="utf-8")
    header = "".join(line for line in text.splitlines(keepends=True) if line.startswith("#"))
    raw = yaml.safe_load(text) or {}
    reviews = raw.setdefault("reviews", {})
    for item in items:
        reviews[item.language] = records = reviews.get(item.language) or {}
        records[item.id] = {"reviewer": reviewer.strip(), "credential": credential.strip(),
                            "date": (today or dt.date.today()).isoformat(),
                            "fingerprint": item.fingerprint, "text": item.text}
    path.write_text(header + yaml.safe_dump(raw, sort_keys=True, allow_unicode=True, width=100),
                    encoding="utf-8")


def review_required() -> bool:
    return os.environ.get(REQUIRE_ENV, "").strip().lower() in {"1", "true", "yes"}


def check_at_start_up(server: str) -> ReviewState:
    """Logs the answers still to review; refuses to start when reviews are required."""
    state = current_state()
    if not state.pending:
        logger.info("%s: all %d answers are clinically reviewed.", server, len(state.reviewed))
        return state
    names = ", ".join(state.pending)
    if review_required():
        raise UnreviewedContentError(
            f"{server} will not start: {REQUIRE_ENV}=1 and these answers are not clinically "
            f"reviewed: {names}. Run `make review`, or unset {REQUIRE_ENV}.")
    logger.warning("%s: %d answers are not clinically reviewed (%s); run `make review`. Set "
                   "%s=1 in production to refuse to start with unreviewed answers.",
                   server, len(state.pending), names, REQUIRE_ENV)
    return state
