"""Splitting a message into the questions it asks."""

from __future__ import annotations

import pytest
from spacy.language import Language

from bot.nlp.clauses import question_clauses


@pytest.fixture(scope="module")
def clauses(nlp: Language):
    return lambda text: [span.text for span in question_clauses(nlp(text.lower()))]


def test_two_questions_joined_by_and(clauses) -> None:
    assert clauses("what causes them and does my calcium pill matter?") == [
        "what causes them",
        "does my calcium pill matter?",
    ]


def test_statements_are_dropped(clauses) -> None:
    assert clauses("I had a mammogram. Are they cancer?") == ["are they cancer?"]
    assert clauses("My doctor called me back. I am scared.") == []


@pytest.mark.parametrize(
    "text",
    [
        "are they cancer?",
        "what is a stereotactic biopsy",
        "are they cancer and dangerous?",
        "tell me about macrocalcifications",
    ],
)
def test_single_question(clauses, text: str) -> None:
    assert clauses(text) == [text.lower()]


def test_questions_split_at_question_marks(clauses) -> None:
    found = clauses("What are microcalcifications? Do they need a biopsy?")
    assert found == ["what are microcalcifications?", "do they need a biopsy?"]


def test_joiner_then_question_word_splits_without_punctuation(clauses) -> None:
    assert clauses("what are macros and what are micros") == ["what are macros", "what are micros"]
    assert clauses("what are macros also what are micros") == ["what are macros", "what are micros"]


def test_leading_filler_does_not_hide_a_question(clauses) -> None:
    assert clauses("I got my results. so what does benign mean") == ["so what does benign mean"]


def test_one_word_parts_are_not_questions(clauses) -> None:
    assert clauses("why?") == []
    assert clauses("") == []
