"""Reads the held-out questions, the training examples and the topic contract.

The topic list comes from the answers file and bot.content.BEHAVIOURS, never from a copy here,
so a new topic is evaluated without touching this tool.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tools.stack import ROOT

HELDOUT = ROOT / "tests" / "eval" / "heldout.yml"
TRAINING_DIR = ROOT / "data" / "nlu"

# Rasa's inline entity markup: [text](entity), [text]{"entity": ...} and [text](entity:value).
_ENTITY_MARKUP = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


class EvalDataError(ValueError):
    """The held-out or training files do not fit the topic contract."""


@dataclass(frozen=True)
class Example:
    """One NLU example: its text, its intent and any other acceptable intents."""

    text: str
    intent: str
    also: tuple[str, ...] = ()

    @property
    def acceptable(self) -> frozenset[str]:
        return frozenset((self.intent, *self.also))


def plain_text(text: str) -> str:
    """The words of an example without Rasa's entity markup."""
    return _ENTITY_MARKUP.sub(r"\1", text).strip()


def parse_nlu(document: Mapping[str, Any]) -> list[Example]:
    """Examples of a Rasa NLU YAML document, in either form Rasa accepts: an `examples: |` block
    of "- text" lines, or a list of {text, metadata} entries (metadata.also = alternates)."""
    examples: list[Example] = []
    for block in document.get("nlu") or []:
        intent = block.get("intent")
        if not intent:
            continue  # synonyms, regexes and lookups are not examples
        raw = block.get("examples") or []
        if isinstance(raw, str):
            for line in raw.splitlines():
                line = line.strip()
                if line.startswith("- "):
                    examples.append(Example(plain_text(line[2:]), intent))
            continue
        for entry in raw:
            also = tuple(((entry.get("metadata") or {}).get("also")) or ())
            examples.append(Example(plain_text(str(entry["text"])), intent, also))
    return [example for example in examples if example.text]


def load_nlu(paths: Iterable[Path]) -> list[Example]:
    """Examples of several NLU files, in file order."""
    examples: list[Example] = []
    for path in paths:
        examples.extend(parse_nlu(yaml.safe_load(path.read_text(encoding="utf-8")) or {}))
    return examples


def load_heldout(path: Path = HELDOUT) -> list[Example]:
    return load_nlu([path])


def load_training(folder: Path = TRAINING_DIR) -> list[Example]:
    return load_nlu(sorted(folder.glob("*.yml")))


def topic_contract() -> list[str]:
    """Medical topic ids in answers-file order, then the behaviours."""
    from bot.content import BEHAVIOURS, content

    return [*content().topics, *BEHAVIOURS]


def check_heldout(examples: Iterable[Example], contract: Iterable[str]) -> None:
    """Every expected and alternate topic must be a contract id, or the scores mean nothing."""
    known = set(contract)
    unknown = sorted({t for example in examples for t in example.acceptable} - known)
    if unknown:
        raise EvalDataError(f"held-out topics outside the contract: {unknown}")
