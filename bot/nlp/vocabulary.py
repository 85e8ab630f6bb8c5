"""The vocabulary's concepts (vocabulary.yml), read without loading spaCy."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

VOCABULARY_FILE = Path(__file__).with_name("vocabulary.yml")


@dataclass(frozen=True)
class Concept:
    id: str
    label: str
    topic: str
    phrases: tuple[str, ...]
    # A generic concept says what a question is about (calcifications, a mammogram), not
    # what it asks, so it never picks the general fact for a personal question.
    generic: bool = False


@lru_cache(maxsize=1)
def concepts() -> tuple[Concept, ...]:
    """The concepts in file order, which is the order that breaks ties."""
    raw = yaml.safe_load(VOCABULARY_FILE.read_text(encoding="utf-8"))
    return tuple(
        Concept(
            id=entry["id"],
            label=entry["label"],
            topic=entry["topic"],
            phrases=tuple(str(phrase).lower() for phrase in entry["phrases"]),
            generic=bool(entry.get("generic", False)),
        )
        for entry in raw["concepts"]
    )
