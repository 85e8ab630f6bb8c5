"""Which language a patient writes in, English or Spanish, by lingua (a maintained, offline
identifier that does well on short texts) rather than word lists of our own.

A short message ("ok", "2", "gracias") often cannot tell; `Identified.sure` says when the
identifier's confidence is high enough to mark a message English. On a word or two it can be
sure and wrong ("thx" comes out Spanish), so Spanish also needs Spanish function words
(`has_spanish_sentence`, from spaCy's stop-word lists) or the Spanish model's reading (the
topic classifier). Measured on patient messages by `make eval` (tools/eval/languages.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from lingua import Language, LanguageDetector, LanguageDetectorBuilder
from spacy.lang.en.stop_words import STOP_WORDS as ENGLISH_STOP_WORDS
from spacy.lang.es.stop_words import STOP_WORDS as SPANISH_STOP_WORDS

from bot.contract import ENGLISH, SPANISH
from bot.nlp.vocabulary import fold

CODES = {Language.ENGLISH: ENGLISH, Language.SPANISH: SPANISH}
# Below this, a message keeps the conversation's language.
SURE = 0.9
# A message of this many words that lingua reads as Spanish with at least this confidence is
# Spanish even when its English reading finds the same topic ("microcalcificaciones q son"); no
# English message of the evaluation sets or the training data reaches it (lingua in low accuracy
# mode is sure and wrong at 0.99 on "thnx a lot").
SURELY, SURELY_WORDS = 0.999, 3
# spaCy's Spanish stop words that are not English ones ("el", "las", "con", not "me", "a"),
# without accents as they are compared; a sentence of Spanish has a few, a word of slang none.
SPANISH_ONLY_STOP_WORDS = frozenset(fold(word) for word in SPANISH_STOP_WORDS) - ENGLISH_STOP_WORDS
_WORD = re.compile(r"[^\W\d_]+")


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
    only) keeps the server lean (about 11 MB against 76)."""
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


def surely_spanish(text: str, identified: Identified | None = None) -> bool:
    """True for a message of a few words that lingua reads as Spanish beyond doubt;
    `identified`, when the text was identified already."""
    if len(_WORD.findall(text)) < SURELY_WORDS:
        return False
    identified = identified or identify(text)
    return identified.language == SPANISH and identified.confidence >= SURELY


def has_spanish_sentence(text: str, leaning: str | None = None) -> bool:
    """True when the text has three Spanish function words, or two and the identifier leans
    Spanish (`leaning`, when it was asked already): "Si son benign calcifications, ¿solo
    necesito el yearly mammogram?" is Spanish with English words in it; "thx" and
    "stereotactic biospy" are not, whatever lingua says."""
    words = _WORD.findall(fold(text))
    spanish = sum(word in SPANISH_ONLY_STOP_WORDS for word in words)
    return spanish >= 3 or (spanish == 2 and (leaning or identify(text).language) == SPANISH)
