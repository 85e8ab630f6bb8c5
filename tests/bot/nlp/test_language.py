"""Language identification: plain English and Spanish are sure; too little text is not."""

from __future__ import annotations

import pytest

from bot.nlp.language import ENGLISH, SPANISH, has_spanish_sentence, identify, surely_spanish


@pytest.mark.parametrize(("text", "language"), [
    ("are these white spots on my mammogram cancer?", ENGLISH),
    ("do I need a biopsy for microcalcifications", ENGLISH),
    ("¿qué son las calcificaciones en la mamografía?", SPANISH),
    ("me dijeron q tengo calsificaciones, es cancer??", SPANISH),
])
def test_a_full_sentence_is_identified_surely(text: str, language: str) -> None:
    found = identify(text)
    assert found.language == language and found.sure


@pytest.mark.parametrize("text", ["2", "", "👍", "ok"])
def test_too_little_text_is_not_sure(text: str) -> None:
    assert not identify(text).sure


@pytest.mark.parametrize(
    ("text", "spanish"),
    [
        ("¿Es normal el bruising después de la biopsia? ¿Puedo usar un ice pack?", True),
        ("What does it mean cuando las calcificaciones son suspicious?", True),
        ("thx", False),
        ("stereotactic biospy", False),
        ("no, it is a biopsy, not a mammogram", False),
        ("my son had a biopsy en route to the clinic", False),
    ],
)
def test_a_spanish_sentence_is_told_by_its_function_words(text: str, spanish: bool) -> None:
    assert has_spanish_sentence(text) is spanish


@pytest.mark.parametrize(
    ("text", "spanish"),
    [
        ("calcificaciones grandes q son", True),
        ("muchas gracias por todo, me sirvió", True),
        # Too short to be beyond doubt, or English that lingua leans Spanish on.
        ("stereotactic biospy", False),
        ("thnx a lot", False),
        ("is this a real nurse or a program", False),
    ],
)
def test_only_a_few_words_read_as_spanish_beyond_doubt_are_surely_spanish(
    text: str, spanish: bool
) -> None:
    assert surely_spanish(text) is spanish
