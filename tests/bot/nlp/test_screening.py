"""Input the classifier should not guess at: empty, wordless, overlong, non-English."""

from __future__ import annotations

import pytest
from spacy.language import Language

from bot.nlp.screening import (
    EMPTY,
    MAX_CHARS,
    NO_WORDS,
    NON_ENGLISH,
    TOO_LONG,
    InputScreen,
)


@pytest.fixture(scope="module")
def issue(nlp: Language):
    screen = InputScreen(nlp)
    # As in production: the text as typed, the doc from the lowercased text.
    return lambda text: screen.issue(text, nlp(text.lower()))


@pytest.mark.parametrize("text", ["", " ", "   \n\t  "])
def test_empty(issue, text: str) -> None:
    assert issue(text) == EMPTY


@pytest.mark.parametrize("text", ["😀", "😀😀 👍", "??? !!!", "123 456", "🙏🏽🙏🏽"])
def test_no_words(issue, text: str) -> None:
    assert issue(text) == NO_WORDS


def test_control_characters_only(issue) -> None:
    assert issue("\x01\x02") in {NO_WORDS, EMPTY}


def test_too_long(issue) -> None:
    question = "what are breast calcifications and are they cancer? "
    long_text = question * (MAX_CHARS // len(question) + 1)
    assert len(long_text) > MAX_CHARS
    assert issue(long_text) == TOO_LONG


def test_exactly_max_chars_is_not_too_long(issue) -> None:
    question = "what are breast calcifications and are they cancer? "
    text = (question * (MAX_CHARS // len(question) + 1))[:MAX_CHARS]
    assert len(text) == MAX_CHARS
    assert issue(text) is None


def test_too_long_is_checked_after_words(issue) -> None:
    assert issue("😀" * (MAX_CHARS + 1)) == NO_WORDS


@pytest.mark.parametrize(
    "text",
    [
        "¿Qué son las calcificaciones en el seno?",
        "¿Son cancerosas las calcificaciones?",
        "¿Necesito una biopsia?",
        "Qu'est-ce que les calcifications mammaires?",
        "Est-ce que j'ai besoin d'une biopsie?",
        "Sind die Verkalkungen Krebs?",
        "Brauche ich eine Biopsie?",
        "Was bedeuten die weißen Punkte auf meiner Mammographie?",
        "Was sind Verkalkungen in der Brust?",
        "乳房钙化是什么？",
        "乳房钙化是癌症吗",
        "Что такое кальцинаты?",
    ],
)
def test_non_english(issue, text: str) -> None:
    assert issue(text) == NON_ENGLISH


@pytest.mark.parametrize(
    "text",
    [
        "wat r these white spot",
        "do i need a biospy",
        "are calcifacations cancr?",
        "What are calcifications?",
        "WHY DO I HAVE CALCIUM DEPOSITS",
        "<p>What are <b>calcifications</b> on a mammogram?</p>",
        "<div><span>does a biopsy hurt?</span></div>",
        "hi",
        "biospy?",
    ],
)
def test_english_passes(issue, text: str) -> None:
    assert issue(text) is None


def test_english_words_come_from_the_lemma_tables(nlp: Language) -> None:
    screen = InputScreen(nlp)
    assert screen.is_english_word("breast")
    assert screen.is_english_word("Mammograms")  # a form in the lookup table
    assert screen.is_english_word("the")  # a stop word
    assert not screen.is_english_word("verkalkungen")
    assert not screen.is_english_word("calcificaciones")
