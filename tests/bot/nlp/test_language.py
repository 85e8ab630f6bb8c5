"""Language identification: plain English and Spanish are sure; too little text is not."""

from __future__ import annotations

import pytest

from bot.nlp.language import ENGLISH, SPANISH, identify


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
