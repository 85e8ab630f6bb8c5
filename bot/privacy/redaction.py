"""Replaces e-mail addresses, phone numbers, dates of birth and record numbers in patient text.

The patterns are spaCy Matcher token patterns in patterns.yml, matched over a blank English
tokenizer (the same tokenizer the project's pipeline uses; nothing else of it is needed, and a
blank one needs no build step). Redaction keeps the rest of the text as typed, so the message
still reads as a question and the emergency rules still see "I took all my pills".
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

import spacy
import yaml
from spacy.language import Language
from spacy.matcher import Matcher

PATTERNS_FILE = Path(__file__).with_name("patterns.yml")


@dataclass(frozen=True)
class Redaction:
    """One identifier found in a text: its kind and where it is (character offsets)."""

    label: str
    start: int
    end: int


def _flatten(patterns: list[Any]) -> list[list[dict[str, Any]]]:
    """A rule's patterns, where an entry may also be a named group of patterns (a YAML alias)."""
    flat: list[list[dict[str, Any]]] = []
    for pattern in patterns:
        if pattern and all(isinstance(item, list) for item in pattern):
            flat.extend(pattern)
        else:
            flat.append(pattern)
    return flat


class Redactor:
    """Finds identifiers with the rules of patterns.yml and replaces them with placeholders."""

    def __init__(self, nlp: Language | None = None, path: Path = PATTERNS_FILE) -> None:
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        self._nlp = nlp or spacy.blank("en")
        self.placeholders: dict[str, str] = dict(spec["placeholders"])
        self._matcher = Matcher(self._nlp.vocab, validate=True)
        self._labels: list[str] = []
        for index, rule in enumerate(spec["rules"]):
            label = rule["label"]
            if label not in self.placeholders:
                raise ValueError(f"{path}: rule {index} has no placeholder for {label!r}")
            self._labels.append(label)
            patterns = _flatten(rule["patterns"])
            joiner = [rule["joiner"]] if rule.get("joiner") else []
            for context in rule.get("context") or [[]]:
                prefix = context + joiner if context else []
                # The key says which rule matched and how many pattern tokens are context.
                self._matcher.add(f"{index}:{len(prefix)}", [prefix + p for p in patterns])

    def find(self, text: str) -> list[Redaction]:
        """The identifiers in the text, in order, without overlaps."""
        doc = self._nlp.make_doc(text)
        candidates = []
        # spaCy's type stub knows only the 3-tuples; with_alignments adds the alignment.
        matches = cast(list[Any], self._matcher(doc, with_alignments=True))
        for match_id, start, end, alignment in matches:
            rule, kept = (int(part) for part in doc.vocab.strings[match_id].split(":"))
            first = start + next(i for i, token in enumerate(alignment) if token >= kept)
            candidates.append((rule, first - end, first, end))
        taken: set[int] = set()
        found = []
        for rule, _, first, end in sorted(candidates):
            if taken.isdisjoint(range(first, end)):
                taken.update(range(first, end))
                span = doc[first:end]
                found.append(Redaction(self._labels[rule], span.start_char, span.end_char))
        return sorted(found, key=lambda redaction: redaction.start)

    def redact(self, text: str) -> str:
        """The text with every identifier replaced by its placeholder, e.g. "[phone]"."""
        if not text:
            return text
        parts, position = [], 0
        for redaction in self.find(text):
            parts += [text[position:redaction.start], self.placeholders[redaction.label]]
            position = redaction.end
        return "".join(parts) + text[position:]


@lru_cache(maxsize=1)
def redactor() -> Redactor:
    """The process-wide redactor, built once."""
    return Redactor()


def redact(text: str) -> str:
    """Redacts with the process-wide redactor."""
    return redactor().redact(text)
