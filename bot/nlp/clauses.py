"""Splits a message into the questions it asks, so "what causes them and does calcium matter?"
gets two answers."""

from __future__ import annotations

from spacy.tokens import Doc, Span

QUESTION_WORDS = frozenset(
    (
        "what whats why how when where who which do does did is are can could should will "
        "would may might am was were has have must tell explain"
    ).split()
)
JOINERS = frozenset({"and", "also", "plus", "&"})
ENDINGS = frozenset({"?", "!", ".", ";"})
LEADING_FILLERS = JOINERS | {"so", "but", "then"}


def question_clauses(doc: Doc) -> list[Span]:
    """The parts of the text that ask something, in order; statements are left out."""
    parts: list[Span] = []
    start = 0
    for token in doc:
        ends_here = token.text in ENDINGS
        joins_next = (
            token.lower_ in JOINERS
            and token.i + 1 < len(doc)
            and doc[token.i + 1].lower_ in QUESTION_WORDS
        )
        if ends_here or joins_next:
            parts.append(doc[start : token.i + 1] if ends_here else doc[start : token.i])
            start = token.i + 1
    if start < len(doc):
        parts.append(doc[start:])
    return [part for part in parts if _asks(part)]


def _asks(part: Span) -> bool:
    words = [token for token in part if token.is_alpha]
    if len(words) < 2:
        return False
    first = next((t for t in words if t.lower_ not in LEADING_FILLERS), words[0])
    return part[-1].text == "?" or first.lower_ in QUESTION_WORDS
