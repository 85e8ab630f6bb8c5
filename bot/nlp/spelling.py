"""A spelling key for Spanish words: the same key for the ways one word is spelt by ear.

Patients type Spanish as they say it: "pexo" and "pecho", "braso" and "brazo", "dolol" and
"dolor", "pastiyas" and "pastillas", "voca" and "boca", "abla" and "habla". Spanish spelling maps
sound to letters almost one to one, so a few rewrites give every such spelling one key: no
accents, b for v, y for ll, k for a hard c or qu, s for a soft c or z, j for a soft g, no silent
h, ch for a texted x or a spoken sh ("musho", "pesho"), one letter for a doubled one, and one
sign for r and l at the end of a syllable (Caribbean "puelta" for "puerta"); texting shorthand
("m", "q", "d", "toy") is read as its word first. The safety rules match on this key
(token.norm_), so one listed spelling covers the others. No maintained library gives such a key
for Spanish (the phonetic libraries on PyPI are built for English names, or unmaintained); this
is the well-known rewrite set of Spanish phonetic matching, kept short.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

from bot.nlp.vocabulary import fold

# Applied in order, each to the result of the one before.
_RULES = (
    (r"ch|sh|(?<=\w)x|^x(?=[aeiou])", "C"),
    (r"ll", "y"),
    (r"qu(?=[ei])|q", "k"),
    (r"c(?=[ei])|z", "s"),
    (r"c", "k"),
    (r"gu(?=[ei])", "G"),
    (r"g(?=[ei])", "j"),
    (r"G", "g"),
    (r"h", ""),
    (r"v", "b"),
    (r"(.)\1+", r"\1"),
    (r"(?<=[aeiou])y$", "i"),
    (r"[rl](?=[^aeiouy]|$)", "R"),
)
REWRITES = tuple((re.compile(pattern), replacement) for pattern, replacement in _RULES)
# Texting shorthand, read as the word it stands for before the rewrites ("m acabo d desmayar",
# "toy mareada", "dsps d la biopsia").
SHORTHAND = {"m": "me", "q": "que", "k": "que", "d": "de", "x": "por", "xq": "porque",
             "pq": "porque", "toy": "estoy", "ta": "esta", "tmb": "tambien", "tb": "tambien",
             "dsps": "despues", "bn": "bien"}


def spelling_key(word: str) -> str:
    """The key of one lower-case word; anything but letters is kept as it is."""
    plain = fold(word)
    if not plain.isalpha():
        return plain
    plain = SHORTHAND.get(plain, plain)
    for pattern, replacement in REWRITES:
        plain = pattern.sub(replacement, plain)
    return plain or word


@Language.component("spelling_key")
def set_spelling_key(doc: Doc) -> Doc:
    """Sets each token's NORM to its spelling key."""
    for token in doc:
        token.norm_ = spelling_key(token.lower_)
    return doc
