"""The Spanish spelling key: one key for the ways a word is spelt by ear, and no more."""

from __future__ import annotations

import pytest

from bot.nlp.spanish import spanish_pipeline
from bot.nlp.spelling import spelling_key


@pytest.mark.parametrize(
    ("typed", "listed"),
    [
        ("pexo", "pecho"),  # x for ch
        ("pesho", "pecho"),  # a spoken sh for ch
        ("braso", "brazo"),  # s for z
        ("dolol", "dolor"),  # l for r at the end of a syllable
        ("fuelte", "fuerte"),
        ("pastiyas", "pastillas"),  # y for ll
        ("voca", "boca"),  # v for b
        ("abla", "habla"),  # silent h
        ("cabesa", "cabeza"),
        ("reconose", "reconoce"),  # s for a soft c
        ("kiero", "quiero"),  # k for qu
        ("emerjencia", "emergencia"),  # j for a soft g
        ("rresponde", "responde"),  # a doubled letter
        ("desmayó", "desmayo"),  # no accents
        ("voi", "voy"),  # i for a final y
        ("m", "me"),  # texting shorthand
        ("toy", "estoy"),
        ("dsps", "después"),
    ],
)
def test_spellings_by_ear_share_the_listed_words_key(typed: str, listed: str) -> None:
    assert spelling_key(typed) == spelling_key(listed)


@pytest.mark.parametrize(
    ("one", "other"),
    # an English "push" read by the Spanish rules is no "pus"
    [("pecho", "pelo"), ("sangre", "sangra"), ("guerra", "jera"), ("mano", "mono"),
     ("push", "pus")],
)
def test_different_words_keep_different_keys(one: str, other: str) -> None:
    assert spelling_key(one) != spelling_key(other)


def test_numbers_and_punctuation_are_kept() -> None:
    assert [spelling_key(word) for word in ("39.5", "¿", "911")] == ["39.5", "¿", "911"]


def test_the_spanish_pipeline_sets_the_key_as_norm() -> None:
    doc = spanish_pipeline()("me duele el pexo")
    listed = ("me", "duele", "el", "pecho")
    assert [token.norm_ for token in doc] == [spelling_key(word) for word in listed]
