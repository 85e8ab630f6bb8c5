"""Loads and checks the vetted answers, so that a bad edit fails at start-up, not in a chat."""

from __future__ import annotations

import copy
import datetime as dt
import string
from dataclasses import dataclass, fields
from functools import cache
from pathlib import Path
from typing import Any, Collection, Mapping

import yaml

from bot.content.statements import statements
from bot.contract import BEHAVIOURS, ENGLISH, PROVIDER_BEHAVIOURS, SPANISH
from bot.settings import ClinicSettings

__all__ = ["BEHAVIOURS", "PROVIDER_BEHAVIOURS", "content"]

ANSWERS_FILE = Path(__file__).with_name("answers.yml")
# Each other language's edition: the same ids and placeholders, its own texts and source.
EDITION_FILES = {SPANISH: ANSWERS_FILE.with_name("answers.es.yml")}
LANGUAGES = (ENGLISH, *EDITION_FILES)



class ContentError(ValueError):
    """The answers file breaks one of its rules."""


SPANISH_MONTHS = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
                  "septiembre", "octubre", "noviembre", "diciembre")


def date_text(day: dt.date, language: str) -> str:
    """A date as patients read it: 'March 11, 2023', '11 de marzo de 2023'."""
    if language == SPANISH:
        return f"{day.day} de {SPANISH_MONTHS[day.month - 1]} de {day.year}"
    return f"{day:%B} {day.day}, {day.year}"


@dataclass(frozen=True)
class Source:
    publisher: str
    title: str
    url: str
    reviewed: dt.date
    # The line under an answer that names the source, for channels that show plain text, and
    # the short label of a link, for channels that can style one; from the answers file's
    # `citation` templates, in the answer's language.
    citation: str
    short_citation: str

    def as_payload(self) -> dict[str, str]:
        return {
            "publisher": self.publisher,
            "title": self.title,
            "url": self.url,
            "reviewed": self.reviewed.isoformat(),
            "citation": self.citation,
            "label": self.short_citation,
        }

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> Source:
        """The source that `as_payload` described, as read back from a message's `custom`."""
        return cls(
            publisher=payload["publisher"],
            title=payload["title"],
            url=payload["url"],
            reviewed=dt.date.fromisoformat(payload["reviewed"]),
            citation=payload["citation"],
            short_citation=payload["label"],
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
    language: str
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
    raw: Mapping[str, Any], allowed_placeholders: set[str], statement_ids: Collection[str],
    language: str = ENGLISH,
) -> Content:
    """Builds the content from the parsed YAML, raising ContentError on any broken rule."""
    templates = raw.get("citation") or {}
    line = _text(templates.get("line"), "citation.line")
    label = _text(templates.get("label"), "citation.label")
    sources = {}
    for key, value in (raw.get("sources") or {}).items():
        fields_ = {
            "publisher": _text(value.get("publisher"), f"sources.{key}.publisher"),
            "title": _text(value.get("title"), f"sources.{key}.title"),
            "url": _text(value.get("url"), f"sources.{key}.url"),
        }
        reviewed = _date(value.get("reviewed"), f"sources.{key}.reviewed")
        try:
            filled = {**fields_, "reviewed": date_text(reviewed, language)}
            citation, short = line.format(**filled), label.format(**filled)
        except (KeyError, IndexError) as error:
            raise ContentError(f"citation: unknown placeholder {error}") from error
        sources[key] = Source(**fields_, reviewed=reviewed, citation=citation,
                              short_citation=short)
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
        language=language,
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


def localise(base: Mapping[str, Any], edition: Mapping[str, Any]) -> dict[str, Any]:
    """An edition in another language laid over the English file's structure: its provider
    line, source, questions, answers, cited statements and behaviour texts; the related topics
    and suggestions stay those of the English file. Ids, variants and placeholders must match."""
    merged = copy.deepcopy(dict(base))
    merged["provider_line"] = edition.get("provider_line")
    merged["sources"] = edition.get("sources")
    merged["citation"] = edition.get("citation")
    topics, behaviours = edition.get("topics") or {}, edition.get("behaviours") or {}
    if set(topics) != set(base["topics"]):
        raise ContentError(f"edition topics differ: {sorted(set(topics) ^ set(base['topics']))}")
    for topic_id, entry in merged["topics"].items():
        for key in ("question", "answer", "statements"):
            entry[key] = (topics[topic_id] or {}).get(key)
    if set(behaviours) != set(base["behaviours"]):
        raise ContentError("edition behaviours differ: "
                           f"{sorted(set(behaviours) ^ set(base['behaviours']))}")
    for name, variants in merged["behaviours"].items():
        texts = {key for key in variants if key != "suggestions"}
        if set(behaviours[name] or {}) != texts:
            raise ContentError(f"behaviours.{name}: the edition's variants differ")
        for key in texts:
            translated = behaviours[name][key]
            if _placeholders(str(translated)) != _placeholders(str(variants[key])):
                raise ContentError(f"behaviours.{name}.{key}: placeholders differ from English")
            variants[key] = translated
    return merged


def load_edition(language: str, path: Path | None = None) -> Content:
    """The content in `language`, checked like the English and against it; Spanish answers may
    cite only the statements that the Spanish edition of the article makes."""
    allowed = {field.name for field in fields(ClinicSettings)}
    base = yaml.safe_load(ANSWERS_FILE.read_text(encoding="utf-8"))
    edition = yaml.safe_load((path or EDITION_FILES[language]).read_text(encoding="utf-8"))
    return parse_content(localise(base, edition), allowed, statements().in_edition(language),
                         language)


@cache
def content(language: str = ENGLISH) -> Content:
    """The process-wide content in a language, read once at start-up."""
    return load_content() if language == ENGLISH else load_edition(language)
