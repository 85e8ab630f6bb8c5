"""Emergencies and crisis language in Spanish, found by the same detector as in English, with
Spanish rules (emergency.es.yml, context.es.yml) on spaCy's Spanish tokenizer.

Rasa's pipeline reads English; every message that the input screen finds is not English is read
again here, whatever the language identifier says, so a Spanish-speaking patient in danger gets
the emergency number and the crisis line in Spanish from her first message.
"""

from __future__ import annotations

from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from bot.nlp.emergency import EmergencyDetector, Finding, RuleReading
from bot.nlp.spelling import spelling_key

SPANISH_EMERGENCY_FILE = Path(__file__).with_name("emergency.es.yml")
SPANISH_CONTEXT_FILE = Path(__file__).with_name("context.es.yml")
OPENING_MARKS = frozenset("¿¡")


@Language.component("opening_marks")
def opening_marks(doc: Doc) -> Doc:
    """Starts a sentence at its opening "¿" or "¡". spaCy's sentencizer keeps punctuation with the
    sentence before, so "Es el lunes. ¿Debo ir a urgencias?" would put "¿" in the first sentence
    and cut the question's context rules ("¿debo") off from their sentence."""
    for token in doc[1:-1]:
        following = doc[token.i + 1]
        if token.text in OPENING_MARKS and following.is_sent_start:
            token.is_sent_start = True
            following.is_sent_start = False
    return doc


def spanish_pipeline() -> Language:
    """spaCy's Spanish tokenizer and sentence splitter, and the spelling key as NORM; the rules
    list inflected forms, so no lemmas are needed."""
    nlp = spacy.blank("es")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("opening_marks")
    nlp.add_pipe("spelling_key")
    return nlp


class SpanishSafety:
    def __init__(self) -> None:
        self._nlp = spanish_pipeline()
        self._detector = EmergencyDetector(self._nlp, SPANISH_EMERGENCY_FILE, SPANISH_CONTEXT_FILE,
                                           key=spelling_key)
        self._last: tuple[str, RuleReading] | None = None

    def detect(self, text: str) -> Finding | None:
        """The most serious emergency the Spanish text describes, or None."""
        return self.read(text).finding

    def read(self, text: str) -> RuleReading:
        """The Spanish rules' whole reading of the text (whether it holds words of their
        targets, whatever they mean in it, tells that the Spanish reading of an emergency is the
        one to trust). The rule layer may ask about one message more than once: the last text's
        reading is kept, so that it is parsed once."""
        if self._last is None or self._last[0] != text:
            self._last = (text, self._detector.read(self._nlp(text.lower())))
        return self._last[1]
