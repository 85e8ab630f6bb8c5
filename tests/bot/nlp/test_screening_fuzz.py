"""Fuzzing the input screen and the emergency rules with any text a patient can send."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from spacy.language import Language

from bot.nlp.emergency import EMERGENCY_FILE, EmergencyDetector
from bot.nlp.screening import EMPTY, MAX_CHARS, NO_WORDS, NON_ENGLISH, TOO_LONG, InputScreen

pytestmark = pytest.mark.fuzz

ISSUES = {None, EMPTY, NO_WORDS, TOO_LONG, NON_ENGLISH}
KINDS = {None, *yaml.safe_load(EMERGENCY_FILE.read_text(encoding="utf-8"))["kinds"]}
# Mostly text a keyboard produces, with some of everything else.
texts = st.text(max_size=300) | st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=300
)


@pytest.fixture(scope="module")
def rules(nlp: Language) -> tuple[Language, InputScreen, EmergencyDetector]:
    return nlp, InputScreen(nlp), EmergencyDetector(nlp)


@given(text=texts)
def test_any_text_gets_a_known_verdict(
    rules: tuple[Language, InputScreen, EmergencyDetector], text: str
) -> None:
    nlp, screen, detector = rules
    doc = nlp(text)
    assert screen.issue(text, doc) in ISSUES
    assert screen.issue(text, None) in ISSUES
    assert detector.detect(doc) in KINDS


@given(st.text(alphabet=" \t\n\r\u00a0\u2003", max_size=50))
def test_blank_text_is_empty(rules: tuple[Language, InputScreen, EmergencyDetector],
                             text: str) -> None:
    nlp, screen, _ = rules
    assert screen.issue(text, nlp(text)) == EMPTY


@given(st.lists(st.sampled_from(["what", "are", "breast", "calcifications", "biopsy"]),
                min_size=1, max_size=12))
def test_overlong_questions_are_too_long(
    rules: tuple[Language, InputScreen, EmergencyDetector], words: list[str]
) -> None:
    nlp, screen, _ = rules
    question = " ".join(words) + "? "
    text = question * (MAX_CHARS // len(question) + 1)
    assert len(text) > MAX_CHARS
    assert screen.issue(text, nlp(text)) == TOO_LONG
