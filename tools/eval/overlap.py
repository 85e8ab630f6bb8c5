"""Finds evaluation items that are also training examples, word for word or nearly.

A held-out question that the model was trained on measures memory, not understanding. Two
texts count as the same when their words, lower-cased, without accents and punctuation, are
equal ("qué" and "que" are one word, as a patient typing on a phone writes them), or
when their word sets overlap by at least NEAR (Jaccard) and both have MIN_WORDS words or more.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

NEAR = 0.8
MIN_WORDS = 4
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")


def words(text: str) -> tuple[str, ...]:
    folded = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(char for char in folded if not unicodedata.combining(char))
    return tuple(_WORD.findall(plain))


@dataclass(frozen=True)
class Overlap:
    evaluation: str
    training: str
    similarity: float


def _prefix(bag: frozenset[str], rank: Counter[str]) -> list[str]:
    """The rarest words of a bag: two bags as near as NEAR share at least one of them
    (prefix filtering), so only texts that do are compared."""
    keep = len(bag) - math.ceil(NEAR * len(bag)) + 1
    return sorted(bag, key=lambda word: (rank[word], word))[:keep]


def overlaps(evaluation: Iterable[str], training: Sequence[str]) -> list[Overlap]:
    """Each evaluation text paired with the first training text it repeats, if any."""
    evaluation = list(evaluation)
    train = [(text, words(text), frozenset(words(text))) for text in training]
    exact: dict[tuple[str, ...], str] = {}
    for text, tokens, _ in train:
        exact.setdefault(tokens, text)
    rank = Counter(word for text in (*evaluation, *training) for word in frozenset(words(text)))
    index: dict[str, list[int]] = defaultdict(list)
    for position, (_, _, bag) in enumerate(train):
        if len(bag) >= MIN_WORDS:
            for word in _prefix(bag, rank):
                index[word].append(position)
    found: list[Overlap] = []
    for text in evaluation:
        tokens = words(text)
        if tokens in exact:
            found.append(Overlap(text, exact[tokens], 1.0))
            continue
        bag = frozenset(tokens)
        if len(bag) < MIN_WORDS:
            continue
        candidates = sorted({position for word in _prefix(bag, rank) for position in index[word]})
        for position in candidates:
            other, _, other_bag = train[position]
            similarity = len(bag & other_bag) / len(bag | other_bag)
            if similarity >= NEAR:
                found.append(Overlap(text, other, similarity))
                break
    return found
