"""Parsing and cleaning what a client posts to the REST channel."""

from __future__ import annotations

import json

import pytest

from bot.channels.payload import (
    MAX_MESSAGE_CHARS,
    MAX_SENDER_CHARS,
    IncomingMessage,
    PayloadError,
    clean_text,
    parse_message,
)


def body(**fields) -> bytes:
    return json.dumps(fields).encode("utf-8")


def test_valid_body() -> None:
    parsed = parse_message(body(sender="patient-1", message="What are calcifications?"))
    assert parsed == IncomingMessage(sender="patient-1", text="What are calcifications?")


def test_valid_body_with_metadata() -> None:
    parsed = parse_message(body(sender="p", message="hi", metadata={"lang": "en"}))
    assert parsed.metadata == {"lang": "en"}
    assert parse_message(body(sender="p", message="hi", metadata=None)).metadata is None


def test_sender_is_trimmed_and_empty_message_is_allowed() -> None:
    parsed = parse_message(body(sender="  patient-1 \n", message=""))
    assert parsed.sender == "patient-1"
    assert parsed.text == ""


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"not json",
        b"{'sender': 'p'}",
        b'{"sender": "p", "message": "hi"',
        b'{"sender": "\xff"}',
    ],
)
def test_invalid_json(raw: bytes) -> None:
    with pytest.raises(PayloadError, match="JSON"):
        parse_message(raw)


@pytest.mark.parametrize("raw", [b"[]", b'["p", "hi"]', b'"hi"', b"42", b"null"])
def test_non_object_json(raw: bytes) -> None:
    with pytest.raises(PayloadError, match="object"):
        parse_message(raw)


@pytest.mark.parametrize(
    "fields",
    [
        {"message": "hi"},
        {"sender": "", "message": "hi"},
        {"sender": "   ", "message": "hi"},
        {"sender": "\x00\x01", "message": "hi"},
        {"sender": None, "message": "hi"},
        {"sender": 42, "message": "hi"},
        {"sender": ["p"], "message": "hi"},
    ],
)
def test_bad_sender(fields: dict) -> None:
    with pytest.raises(PayloadError, match="sender"):
        parse_message(body(**fields))


def test_sender_length() -> None:
    assert parse_message(body(sender="s" * MAX_SENDER_CHARS, message="hi")).sender
    with pytest.raises(PayloadError, match="sender"):
        parse_message(body(sender="s" * (MAX_SENDER_CHARS + 1), message="hi"))


@pytest.mark.parametrize("message", [None, 42, ["hi"], {"text": "hi"}, True])
def test_non_string_message(message) -> None:
    with pytest.raises(PayloadError, match="message"):
        parse_message(body(sender="p", message=message))


def test_missing_message() -> None:
    with pytest.raises(PayloadError, match="message"):
        parse_message(body(sender="p"))


def test_message_length() -> None:
    assert len(parse_message(body(sender="p", message="a" * MAX_MESSAGE_CHARS)).text) == (
        MAX_MESSAGE_CHARS
    )
    with pytest.raises(PayloadError, match="message"):
        parse_message(body(sender="p", message="a" * (MAX_MESSAGE_CHARS + 1)))


@pytest.mark.parametrize("metadata", [[], "x", 1, ["a"], True])
def test_non_object_metadata(metadata) -> None:
    with pytest.raises(PayloadError, match="metadata"):
        parse_message(body(sender="p", message="hi", metadata=metadata))


def test_control_characters_are_stripped_but_newlines_and_tabs_kept() -> None:
    parsed = parse_message(body(sender="p\x07", message="are\x1b they\u200b\ncancer?\tok\x7f"))
    assert parsed.sender == "p"
    assert parsed.text == "are they\ncancer?\tok"


def test_nul_byte_is_removed() -> None:
    parsed = parse_message(body(sender="p", message="bio\x00psy"))
    assert "\x00" not in parsed.text
    assert parsed.text == "biopsy"


def test_clean_text_normalises_to_nfc() -> None:
    assert clean_text("cafe\u0301") == "caf\u00e9"
    assert clean_text("ok\r\nthen") == "ok\nthen"
    assert clean_text("¿Qué? 乳房 😀") == "¿Qué? 乳房 😀"
