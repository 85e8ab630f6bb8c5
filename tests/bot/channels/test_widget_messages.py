"""What the widget sends over socket.io, and each bot message as the one event it gets back."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.replies import Reply
from bot.channels.payload import MAX_MESSAGE_CHARS, MAX_SENDER_CHARS, PayloadError
from bot.channels.widget_messages import read_user_message, session_id_from, widget_message
from bot.content import content


def replies(build: Reply) -> list[dict]:
    """The bot messages a real Reply sends, as Rasa hands them to an output channel."""
    dispatcher = CollectingDispatcher()
    build.send(dispatcher)
    return [{key: value for key, value in m.items() if value} for m in dispatcher.messages]


# --- incoming --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"session_id": "abc123"}, "abc123"),
        ({"session_id": "  abc\x00123 "}, "abc123"),
        ({"session_id": None}, None),
        ({"session_id": ""}, None),
        ({"session_id": 42}, None),
        ({"session_id": "x" * (MAX_SENDER_CHARS + 1)}, None),
        ({}, None),
        (None, None),
        ("abc123", None),
        (["abc123"], None),
    ],
)
def test_session_id_is_taken_only_when_usable(data: object, expected: str | None) -> None:
    assert session_id_from(data) == expected


def test_message_with_session_persistence_speaks_for_the_session() -> None:
    incoming = read_user_message({"message": "hi", "session_id": "s-1"}, "sid-1", True)
    assert (incoming.sender, incoming.text, incoming.metadata) == ("s-1", "hi", None)


def test_message_without_session_persistence_speaks_for_the_socket() -> None:
    assert read_user_message({"message": "hi"}, "sid-1", False).sender == "sid-1"


@pytest.mark.parametrize(
    "text",
    [
        "x" * 10_000,
        "are these white spots cancer? 😟🩺",
        "<img src=x onerror=alert(1)><b>bold</b>",
        "",
    ],
)
def test_message_text_is_passed_on_as_typed(text: str) -> None:
    assert read_user_message({"message": text, "session_id": "s"}, "sid", True).text == text


def test_control_characters_are_removed() -> None:
    assert read_user_message({"message": "a\x00b", "session_id": "s"}, "sid", True).text == "ab"


def test_metadata_may_be_an_object_or_its_json() -> None:
    for metadata in ({"page": "/faq"}, '{"page": "/faq"}'):
        data = {"message": "hi", "session_id": "s", "metadata": metadata}
        assert read_user_message(data, "sid", True).metadata == {"page": "/faq"}


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (None, "JSON object"),
        ("hello", "JSON object"),
        ([1, 2], "JSON object"),
        (42, "JSON object"),
        ({"session_id": "s"}, '"message"'),
        ({"message": 7, "session_id": "s"}, '"message"'),
        ({"message": "x" * (MAX_MESSAGE_CHARS + 1), "session_id": "s"}, "at most"),
        ({"message": "hi"}, "session_request"),
        ({"message": "hi", "session_id": ["s"]}, "session_request"),
        ({"message": "hi", "session_id": "s", "metadata": "not json"}, '"metadata"'),
        ({"message": "hi", "session_id": "s", "metadata": [1]}, '"metadata"'),
    ],
)
def test_unreadable_events_are_refused_with_a_reason(data: object, reason: str) -> None:
    with pytest.raises(PayloadError, match=reason):
        read_user_message(data, "sid", True)


# --- outgoing --------------------------------------------------------------------------


def test_medical_answer_is_one_rasa_shaped_event_with_its_citation_and_a_source_link() -> None:
    topic = content().topics["causes"]
    [message] = replies(Reply().answer("causes"))

    shaped = widget_message(message)

    # Rasa's own socket.io shape: text and quick_replies, everything else under metadata.
    assert set(shaped) == {"text", "quick_replies", "metadata"}
    assert shaped["text"] == message["text"]
    assert topic.source.citation in shaped["text"].split("\n")
    link = {"text": topic.source.short_citation, "url": topic.source.url}
    assert shaped["metadata"]["source_link"] == link
    # The widget draws the lines: the citation is a link, not the plain line with its URL.
    assert shaped["metadata"]["lines"] == [
        {"text": topic.answer}, {"link": link}, {"text": content().provider_line}]
    assert shaped["metadata"]["custom"] == message["custom"]
    assert shaped["metadata"]["custom"]["topic"] == "causes"
    assert [reply["title"] for reply in shaped["quick_replies"]] == [
        content().topics[related].question for related in topic.related
    ]
    assert [reply["payload"] for reply in shaped["quick_replies"]] == [
        f"/{related}" for related in topic.related
    ]


def test_each_answer_of_a_two_question_turn_keeps_its_own_source_and_topic() -> None:
    shaped = [widget_message(m) for m in replies(Reply().answer("causes").answer("biopsy_when"))]
    assert [m["metadata"]["custom"]["topic"] for m in shaped] == ["causes", "biopsy_when"]
    for message in shaped:
        link = message["metadata"]["source_link"]
        assert {"link": link} in message["metadata"]["lines"]
        assert link["url"] in message["text"]


def test_behaviour_reply_keeps_its_text_and_has_no_source_link() -> None:
    [message] = replies(Reply().behaviour("greeting"))
    shaped = widget_message(message)
    assert shaped["text"] == message["text"]
    assert "source_link" not in shaped["metadata"]
    assert shaped["metadata"]["custom"]["topic"] == "greeting"
    assert shaped["metadata"]["lines"] == [{"text": message["text"]}]
    assert len(shaped["quick_replies"]) == len(content().suggestions("greeting"))


@pytest.mark.parametrize(
    "message",
    [
        {},
        {"text": None, "custom": "not a dict"},
        {"custom": {"topic": "causes", "source": {"publisher": "x"}}},
        {"custom": {"topic": "causes", "source": {"publisher": "p", "title": "t", "url": "u",
                                                  "reviewed": "not a date"}}},
        {"text": "hi", "buttons": [None, {"title": 1, "payload": "/x"}, {"title": "ok"}]},
    ],
)
def test_odd_bot_messages_still_make_one_well_formed_event(message: dict) -> None:
    shaped = widget_message(message)
    assert isinstance(shaped["text"], str)
    assert "quick_replies" not in shaped
    assert "source_link" not in shaped.get("metadata", {})


def test_other_kinds_of_bot_message_are_passed_on() -> None:
    shaped = widget_message({"image": "https://example.org/a.png"})
    assert shaped["image"] == "https://example.org/a.png"
