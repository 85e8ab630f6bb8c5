"""Fuzzing the REST request parser: any body is a message or a PayloadError, nothing else."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.channels.payload import MAX_SENDER_CHARS, PayloadError, clean_text, parse_message

pytestmark = pytest.mark.fuzz

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)
message_shaped = st.fixed_dictionaries(
    {}, optional={"sender": json_values, "message": json_values, "metadata": json_values}
)


def parses_or_refuses(body: bytes) -> None:
    try:
        incoming = parse_message(body)
    except PayloadError as error:
        assert str(error)
    else:
        assert incoming.sender and len(incoming.sender) <= MAX_SENDER_CHARS
        assert isinstance(incoming.text, str)


@given(st.binary(max_size=400))
def test_any_bytes(body: bytes) -> None:
    parses_or_refuses(body)


@given(json_values)
def test_any_json(value: object) -> None:
    parses_or_refuses(json.dumps(value).encode())


@given(message_shaped, st.sampled_from(["utf-8", "utf-16", "utf-32"]))
def test_any_json_object_with_the_message_keys(payload: dict, encoding: str) -> None:
    parses_or_refuses(json.dumps(payload, ensure_ascii=False).encode(encoding, "surrogatepass"))


senders = st.text(min_size=1, max_size=100).filter(lambda sender: clean_text(sender).strip())
metadata = st.none() | st.dictionaries(st.text(), json_values, max_size=4)


@given(senders, st.text(max_size=500), metadata)
def test_valid_messages_round_trip(sender: str, message: str, meta: dict | None) -> None:
    body = {"sender": sender, "message": message, "metadata": meta}
    parsed = parse_message(json.dumps(body).encode())
    assert parsed.sender == clean_text(sender).strip()
    assert parsed.text == clean_text(message)
    assert parsed.metadata == meta
    again = {"sender": parsed.sender, "message": parsed.text, "metadata": parsed.metadata}
    assert parse_message(json.dumps(again).encode()) == parsed


@given(st.text())
def test_cleaning_is_stable(text: str) -> None:
    assert clean_text(clean_text(text)) == clean_text(text)


@given(st.text(alphabet=st.sampled_from("ae \x00\x07\u200b\u0301\u0308")))
def test_cleaning_is_stable_around_removed_characters(text: str) -> None:
    assert clean_text(clean_text(text)) == clean_text(text)
