"""Spots input the classifier should not guess at: empty, wordless, overlong or non-English text."""

from __future__ import annotations

import unicodedata

from spacy.language import Language
from spacy.pipeline import Lemmatizer
from spacy.tokens import Doc

# Longer messages are asked to be shortened rather than guessed at (emergencies still match).
MAX_CHARS = 2000
# Below this share of known English words (with at least two words), a message is not English.
MIN_ENGLISH_SHARE = 0.5

EMPTY = "empty"
NO_WORDS = "no_words"
TOO_LONG = "too_long"
NON_ENGLISH = "non_english"


class InputScreen:
    """Knows English words through the lemma tables of spacy-lookups-data and the stop words."""

    def __init__(self, nlp: Language) -> None:
        lemmatizer = nlp.get_pipe("lemmatizer")
        if not isinstance(lemmatizer, Lemmatizer):
            raise TypeError("the pipeline's lemmatizer is not spaCy's lookup Lemmatizer")
        table = lemmatizer.lookups.get_table("lemma_lookup")
        self._forms = table
        self._lemmas = frozenset(table.values())
        self._stop_words = nlp.Defaults.stop_words

    def is_english_word(self, word: str) -> bool:
        word = word.lower()
        return word in self._forms or word in self._lemmas or word in self._stop_words

    def issue(self, text: str, doc: Doc | None) -> str | None:
        """The reason this text cannot be answered as a question, or None when it can."""
        if not text or not text.strip():
            return EMPTY
        words = [token for token in doc or () if token.is_alpha]
        if not words:
            return NO_WORDS
        if len(text) > MAX_CHARS:
            return TOO_LONG
        if not self._looks_english(words):
            return NON_ENGLISH
        return None

    def _looks_english(self, words: list) -> bool:
        letters = [char for token in words for char in token.text]
        latin = sum(1 for char in letters if "LATIN" in unicodedata.name(char, ""))
        if latin < len(letters) / 2:
            return False
        # Words of one or two letters ("in", "la", "de") are shared by too many languages to count.
        telling = [token for token in words if len(token.text) > 2 or token.ent_type_]
        if len(telling) < 2:
            return True
        known = sum(1 for token in telling if token.ent_type_ or self.is_english_word(token.text))
        return known / len(telling) >= MIN_ENGLISH_SHARE
