"""Which language a patient writes in, English or Spanish, by lingua (a maintained, offline
identifier that does well on short texts) rather than word lists of our own.

A short message ("ok", "2", "gracias") often cannot tell; `Identified.sure` says when the
identifier's confidence is high enough to switch a conversation's language. Measured on patient
messages by `make eval` (tools/eval/languages.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

from bot.contract import ENGLISH, SPANISH

CODES = {Language.ENGLISH: ENGLISH, Language.SPANISH: SPANISH}
# Below this, a message keeps the conversation's language.
SURE = 0.9


@dataclass(frozen=True)
class Identified:
    language: str
    confidence: float

    @property
    def sure(self) -> bool:
        return self.confidence >= SURE


@cache
def detector() -> LanguageDetector:
    """English and Spanish models only, loaded once per process. Low accuracy mode (trigrams
    only) keeps the server lean (about 11 MB against 76); the server asks it only about
    messages its English screen has already found not to be English."""
    return (LanguageDetectorBuilder.from_languages(*CODES)
            .with_preloaded_language_models().with_low_accuracy_mode().build())


def identify(text: str) -> Identified:
    """The more likely of English and Spanish, with lingua's confidence in it; English with no
    confidence when the text has no letters at all."""
    values = detector().compute_language_confidence_values(text)
    best = max(values, key=lambda value: value.value, default=None)
    if best is None or best.value == 0.0:
        return Identified(ENGLISH, 0.0)
    return Identified(CODES[best.language], best.value)
