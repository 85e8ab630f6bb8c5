"""Loads and checks the vetted answers, so that a bad edit fails at start-up, not in a chat."""

from __future__ import annotations

import datetime as dt
import string
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path
from typing import Any, Collection, Mapping

import yaml

from bot.content.statements import statements
from bot.contract import BEHAVIOURS, PROVIDER_BEHAVIOURS
from bot.settings import ClinicSettings

__all__ = ["BEHAVIOURS", "PROVIDER_BEHAVIOURS", "content"]

ANSWERS_FILE = Path(__file__).with_name("answers.yml")



class ContentError(ValueError):
    """The answers file breaks one of its rules."""


@dataclass(frozen=True)
class Source:
    publisher: str
    title: str
    url: str
    reviewed: dt.date

    @property
    def reviewed_text(self) -> str:
        """The review date as patients read it, e.g. 'March 11, 2023'."""
        return f"{self.reviewed:%B} {self.reviewed.day}, {self.reviewed.year}"

    @property
    def citation(self) -> str:
        """The line under an answer that names its source, for channels that show plain text."""
        return (
            f'Source: {self.publisher}, "{self.title}" '
            f"(reviewed {self.reviewed_text}): {self.url}"
        )

    @property
    def short_citation(self) -> str:
        """The source as a small link label, for channels that can style a link."""
        return f"Source: {self.publisher}, reviewed {self.reviewed_text}"

    def as_payload(self) -> dict[str, str]:
        return {
            "publisher": self.publisher,
            "title": self.title,
            "url": self.url,
            "reviewed": self.reviewed.isoformat(),
        }

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> Source:
        """The source that `as_payload` described, as read back from a message's `custom`."""
        return cls(
            publisher=payload["publisher"],
            title=payload["title"],
            url=payload["url"],
            reviewed=dt.date.fromisoformat(payload["reviewed"]),
        )


@dataclass(frozen=True)
class Topic:
    id: str
    question: str
    answer: str
    source: Source
    # The source's key in answers.yml (statements.yml names its stored article by it).
    source_key: str
    # Ids of the source statements the answer rests on (statements.yml).
    statements: tuple[str, ...]
    related: tuple[str, ...]


@dataclass(frozen=True)
class Content:
    provider_line: str
    topics: Mapping[str, Topic]
    behaviours: Mapping[str, Mapping[str, Any]]

    def behaviour_text(self, behaviour: str, variant: str = "text") -> str:
        return self.behaviours[behaviour][variant]

    def suggestions(self, behaviour: str) -> tuple[str, ...]:
        return tuple(self.behaviours[behaviour].get("suggestions", ()))

    def needs_provider_line(self, topic_id: str) -> bool:
        """Medical answers and every decline, fallback or emergency reply recommend a provider."""
        return topic_id in self.topics or topic_id in PROVIDER_BEHAVIOURS


def _date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as error:
        raise ContentError(f"{where}: {value!r} is not a YYYY-MM-DD date") from error


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ContentError(f"{where}: text is missing")
    return " ".join(value.split())


def _statements(value: Any, where: str, known: Collection[str]) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise ContentError(f"{where}: name the source statements the answer rests on")
    unknown = [item for item in value if item not in known]
    if unknown:
        raise ContentError(f"{where}: no such statements in statements.yml: {unknown}")
    return tuple(value)


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def parse_content(
    raw: Mapping[str, Any], allowed_placeholders: set[str], statement_ids: Collection[str]
) -> Content:
    """Builds the content from the parsed YAML, raising ContentError on any broken rule."""
    sources = {
        key: Source(
            publisher=_text(value.get("publisher"), f"sources.{key}.publisher"),
            title=_text(value.get("title"), f"sources.{key}.title"),
            url=_text(value.get("url"), f"sources.{key}.url"),
            reviewed=_date(value.get("reviewed"), f"sources.{key}.reviewed"),
        )
        for key, value in (raw.get("sources") or {}).items()
    }
    topics: dict[str, Topic] = {}
    for topic_id, entry in (raw.get("topics") or {}).items():
        where = f"topics.{topic_id}"
        if entry.get("source") not in sources:
            raise ContentError(f"{where}: unknown source {entry.get('source')!r}")
        topics[topic_id] = Topic(
            id=topic_id,
            question=_text(entry.get("question"), f"{where}.question"),
            answer=_text(entry.get("answer"), f"{where}.answer"),
            source=sources[entry["source"]],
            source_key=entry["source"],
            statements=_statements(entry.get("statements"), f"{where}.statements",
                                   statement_ids),
            related=tuple(entry.get("related") or ()),
        )
    behaviours = raw.get("behaviours") or {}
    content = Content(
        provider_line=_text(raw.get("provider_line"), "provider_line"),
        topics=topics,
        behaviours={
            name: {
                key: value if isinstance(value, list) else _text(value, f"behaviours.{name}.{key}")
                for key, value in variants.items()
            }
            for name, variants in behaviours.items()
        },
    )
    _check_references(content, allowed_placeholders)
    return content


def _check_references(content: Content, allowed_placeholders: set[str]) -> None:
    if not content.topics:
        raise ContentError("no topics")
    clash = set(content.topics) & set(BEHAVIOURS)
    if clash:
        raise ContentError(f"topic ids clash with behaviour ids: {sorted(clash)}")
    missing = [name for name in BEHAVIOURS if name not in content.behaviours]
    if missing:
        raise ContentError(f"behaviours missing: {missing}")
    for topic in content.topics.values():
        if not 2 <= len(topic.related) <= 3:
            raise ContentError(f"topics.{topic.id}.related: name 2 or 3 topics")
        for related in topic.related:
            if related not in content.topics or related == topic.id:
                raise ContentError(f"topics.{topic.id}.related: bad topic {related!r}")
        if _placeholders(topic.answer):
            raise ContentError(f"topics.{topic.id}.answer: medical answers take no placeholders")
    for name, variants in content.behaviours.items():
        for key, value in variants.items():
            if key == "suggestions":
                strangers = [t for t in value if t not in content.topics]
                if strangers:
                    raise ContentError(f"behaviours.{name}.suggestions: unknown {strangers}")
                continue
            unknown = _placeholders(value) - allowed_placeholders - {"fact"}
            if unknown:
                raise ContentError(f"behaviours.{name}.{key}: unknown placeholders {unknown}")


def load_content(path: Path = ANSWERS_FILE) -> Content:
    """Reads and checks an answers file against the clinic settings and the statements."""
    allowed = {field.name for field in fields(ClinicSettings)}
    return parse_content(yaml.safe_load(path.read_text(encoding="utf-8")), allowed,
                         statements().by_id)


@lru_cache(maxsize=1)
def content() -> Content:
    """The process-wide content, read once at start-up."""
    return load_content()
