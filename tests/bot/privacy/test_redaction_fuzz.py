"""Fuzzing the redaction: any text is handled, and identifiers in any surroundings disappear."""

from __future__ import annotations

import datetime as dt
import string
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.privacy.redaction import Redactor

pytestmark = pytest.mark.fuzz

digits = st.integers(min_value=0, max_value=9).map(str)


def number(length: int, first: str = string.digits) -> st.SearchStrategy[str]:
    return st.tuples(st.sampled_from(first), st.lists(digits, min_size=length - 1,
                                                      max_size=length - 1)).map(
        lambda parts: parts[0] + "".join(parts[1])
    )


word = st.text(alphabet=string.ascii_lowercase + string.digits, min_size=1, max_size=8)
emails = st.tuples(
    st.lists(word, min_size=1, max_size=3).map(".".join),
    st.lists(st.text(alphabet=string.ascii_lowercase, min_size=2, max_size=8), min_size=1,
             max_size=2).map(".".join),
    st.sampled_from(["com", "org", "net", "co.uk", "example"]),
).map(lambda parts: f"{parts[0]}@{parts[1]}.{parts[2]}")
phones = st.tuples(number(3, "23456789"), number(3), number(4), st.sampled_from([
    "({}) {}-{}", "{}-{}-{}", "{}.{}.{}", "{}{}{}", "+1 {} {} {}", "1-{}-{}-{}", "({}){}-{}",
])).map(lambda parts: parts[3].format(*parts[:3]))
births = st.tuples(
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31)),
    st.sampled_from([
        ("DOB", "{d:%m/%d/%Y}"), ("dob:", "{d.month}/{d.day}/{d:%y}"),
        ("born on", "{d:%B} {d.day}, {d.year}"), ("date of birth", "{d:%Y-%m-%d}"),
        ("birthday", "{d.day} {d:%B} {d.year}"), ("DOB", "{d:%d.%m.%Y}"),
    ]),
).map(lambda parts: (parts[1][0], parts[1][1].format(d=parts[0])))
records = st.tuples(st.sampled_from(["MRN", "MRN:", "MRN#", "medical record number",
                                     "patient ID", "chart number"]),
                    st.integers(min_value=5, max_value=10).flatmap(number))
filler = st.text(alphabet=string.ascii_letters + " ,.?!'", max_size=40)


@pytest.fixture(scope="module")
def redactor() -> Redactor:
    return Redactor()


@given(st.text(max_size=300))
def test_any_text_is_handled(redactor: Redactor, text: str) -> None:
    redacted = redactor.redact(text)
    assert isinstance(redacted, str)
    found = redactor.find(text)
    assert all(0 <= r.start < r.end <= len(text) for r in found)
    assert all(a.end <= b.start for a, b in pairwise(found))


@given(filler, st.one_of(emails, phones), filler)
def test_emails_and_phones_disappear(redactor: Redactor, before: str, pii: str, after: str
                                     ) -> None:
    redacted = redactor.redact(f"{before} {pii} {after}")
    assert pii not in redacted
    assert "[email]" in redacted or "[phone]" in redacted


@given(filler, births, filler)
def test_dates_of_birth_disappear(redactor: Redactor, before: str, birth: tuple[str, str],
                                  after: str) -> None:
    cue, date = birth
    redacted = redactor.redact(f"{before} {cue} {date} {after}")
    assert date not in redacted
    assert f"{cue} [date of birth]" in redacted


@given(filler, records, filler)
def test_record_numbers_disappear(redactor: Redactor, before: str, record: tuple[str, str],
                                  after: str) -> None:
    cue, digits_typed = record
    redacted = redactor.redact(f"{before} {cue} {digits_typed} {after}")
    assert digits_typed not in redacted
    assert "[record number]" in redacted
