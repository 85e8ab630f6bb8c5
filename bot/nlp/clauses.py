"""Reads a message as a patient writes it: which parts ask something, and whether she asks
about her own result.

A forum-style message tells a story and asks one or two things inside it. The sentences
(spaCy's sentencizer) that ask are found by their question mark, their first word, or an
indirect cue ("I wonder", "anyone know"); a sentence that asks two things ("what causes them and
does calcium matter?") is split at the joiner. Whether she asks about herself comes from the
patterns of personal.yml (personal.es.yml for Spanish).
"""

from __future__ import annotations

from pathlib import Path

import yaml
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

from bot.contract import ENGLISH, SPANISH

PERSONAL_FILE = Path(__file__).with_name("personal.yml")
PERSONAL_FILES = {ENGLISH: PERSONAL_FILE, SPANISH: PERSONAL_FILE.with_name("personal.es.yml")}

QUESTION_WORDS = frozenset(
    (
        "what whats why how when where who which do does did is are can could should will "
        "would may might am was were has have must tell explain"
    ).split()
)
# Words that make a statement a question: "I wonder if", "anyone know whether".
INDIRECT_CUES = frozenset(
    "wonder wondering wondered curious whether anyone anybody someone somebody explain "
    "understand confused".split()
)
JOINERS = frozenset({"and", "also", "plus", "&"})
ENDINGS = frozenset({"?", "!", ".", ";"})
LEADING_FILLERS = JOINERS | {"so", "but", "then", "ok", "okay", "also", "and", "quick", "q"}


def question_clauses(text: Doc | Span) -> list[Span]:
    """The parts of the text that ask something, in order; statements are left out."""
    doc = text.doc if isinstance(text, Span) else text
    begin, stop = (text.start, text.end) if isinstance(text, Span) else (0, len(doc))
    parts: list[Span] = []
    start = begin
    for token in doc[begin:stop]:
        ends_here = token.text in ENDINGS
        joins_next = (
            token.lower_ in JOINERS
            and token.i + 1 < stop
            and doc[token.i + 1].lower_ in QUESTION_WORDS
        )
        if ends_here or joins_next:
            parts.append(doc[start : token.i + 1] if ends_here else doc[start : token.i])
            start = token.i + 1
    if start < stop:
        parts.append(doc[start:stop])
    return [part for part in parts if _asks(part)]


def question_sentences(doc: Doc) -> list[Span]:
    """The sentences that ask something, directly or indirectly."""
    return [sentence for sentence in doc.sents if _asks(sentence) or _asks_indirectly(sentence)]


def _asks(part: Span) -> bool:
    words = [token for token in part if token.is_alpha]
    if len(words) < 2:
        return False
    first = next((t for t in words if t.lower_ not in LEADING_FILLERS), words[0])
    return part[-1].text == "?" or first.lower_ in QUESTION_WORDS


def _asks_indirectly(part: Span) -> bool:
    return sum(token.is_alpha for token in part) >= 3 and any(
        token.lower_ in INDIRECT_CUES for token in part
    )


class PersonalReader:
    """Tells a question about her own result from a general one."""

    def __init__(self, vocab: Vocab, path: Path = PERSONAL_FILE) -> None:
        rules = yaml.safe_load(path.read_text(encoding="utf-8"))
        self._matchers = {}
        for key in ("own_question", "own_result", "about_this"):
            matcher = Matcher(vocab)
            matcher.add(key, rules[key])
            self._matchers[key] = matcher

    def _found(self, key: str, span: Doc | Span) -> bool:
        return bool(self._matchers[key](span))

    def asks_about_herself(self, doc: Doc, questions: list[Span]) -> bool:
        """True when a question is about her own result or whether she has cancer."""
        asked = questions or [doc[:]]
        if any(self._found("own_question", question) for question in asked):
            return True
        return self._found("own_result", doc) and any(
            self._found("about_this", question) for question in asked
        )
