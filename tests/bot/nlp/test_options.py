"""A reply of only one digit from 1 to 9 is read as picking an offered topic."""

from __future__ import annotations

import pytest

from bot.nlp.options import MAX_OPTIONS, option_number


@pytest.mark.parametrize(("text", "number"), [("1", 1), ("2", 2), (" 9 ", 9), ("3\n", 3)])
def test_one_digit_is_an_option(text: str, number: int) -> None:
    assert option_number(text) == number


@pytest.mark.parametrize(
    "text", ["", " ", "0", "10", "12", "2.5", "-1", "2 please", "option 2", "²", "٢", "two"]
)
def test_anything_else_is_not(text: str) -> None:
    assert option_number(text) is None


def test_every_listed_option_can_be_answered_with_one_digit() -> None:
    assert option_number(str(MAX_OPTIONS)) == MAX_OPTIONS
    assert option_number(str(MAX_OPTIONS + 1)) is None
