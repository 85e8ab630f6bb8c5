"""The vocabulary's concepts (vocabulary.yml, and vocabulary.es.yml for Spanish), read without
loading spaCy."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import yaml

from bot.contract import ENGLISH, SPANISH

VOCABULARY_FILE = Path(__file__).with_name("vocabulary.yml")
# Each other language's phrases for the same concept ids; label, topic and generic come from
# the English file alone.
EDITION_FILES = {SPANISH: VOCABULARY_FILE.with_name("vocabulary.es.yml")}


@dataclass(frozen=True)
class Concept:
    id: str
    label: str
    topic: str
    phrases: tuple[str, ...]
    # A generic concept says what a question is about (calcifications, a mammogram), not
    # what it asks, so it never picks the general fact for a personal question.
    generic: bool = False


def fold(text: str) -> str:
    """Lower case without accents: Spanish is read as patients type it on a phone."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return unicodedata.normalize(
        "NFC", "".join(char for char in decomposed if not unicodedata.combining(char))
    )


def _entries(path: Path) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["concepts"]


@cache
def concepts(language: str = ENGLISH) -> tuple[Concept, ...]:
    """The concepts in file order, which is the order that breaks ties."""
    english = tuple(
        Concept(
            id=entry["id"],
            label=entry["label"],
            topic=entry["topic"],
            phrases=tuple(str(phrase).lower() for phrase in entry["phrases"]),
            generic=bool(entry.get("generic", False)),
        )
        for entry in _entries(VOCABULARY_FILE)
    )
    if language == ENGLISH:
        return english
    by_id = {concept.id: concept for concept in english}
    return tuple(
        replace(by_id[entry["id"]], phrases=tuple(fold(str(p)) for p in entry["phrases"]))
        for entry in _entries(EDITION_FILES[language])
    )
