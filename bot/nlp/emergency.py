"""Finds emergencies and crisis language with spaCy rules, so that no classifier can miss them."""

from __future__ import annotations

from pathlib import Path

import yaml
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc

EMERGENCY_FILE = Path(__file__).with_name("emergency.yml")
SELF_HARM = "self_harm"


class EmergencyDetector:
    """Matches the phrasings in emergency.yml; self-harm wins over every other kind."""

    def __init__(self, nlp: Language, path: Path = EMERGENCY_FILE) -> None:
        kinds = yaml.safe_load(path.read_text(encoding="utf-8"))["kinds"]
        self._kinds = list(kinds)
        self._phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
        self._patterns = Matcher(nlp.vocab)
        self._all_of: dict[str, list[str]] = {}
        for kind, rules in kinds.items():
            if rules.get("phrases"):
                self._phrases.add(kind, list(nlp.tokenizer.pipe(rules["phrases"])))
            if rules.get("patterns"):
                self._patterns.add(kind, rules["patterns"])
            for index, group in enumerate(rules.get("all_of", [])):
                key = f"{kind}:{index}"
                self._phrases.add(key, list(nlp.tokenizer.pipe(group)))
                self._all_of.setdefault(kind, []).append(key)

    def detect(self, doc: Doc) -> str | None:
        """The kind of emergency the text describes, or None."""
        found = {
            doc.vocab.strings[match_id]
            for matcher in (self._phrases, self._patterns)
            for match_id, _, _ in matcher(doc)
        }
        for kind, groups in self._all_of.items():
            if all(group in found for group in groups):
                found.add(kind)
        if SELF_HARM in found:
            return SELF_HARM
        return next((kind for kind in self._kinds if kind in found), None)
