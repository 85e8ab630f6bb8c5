"""How replies look per channel: numbered topics, splitting within limits, styled or plain links."""

from __future__ import annotations

import re
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.replies import Reply
from bot.channels.formatting import (
    FACEBOOK,
    SLACK,
    SMS,
    TELEGRAM,
    WHATSAPP,
    ChannelStyle,
    Outgoing,
    TurnFormatter,
)
from bot.content import content
from bot.contract import SPANISH
from bot.nlp.options import MAX_OPTIONS, option_number

ALL_STYLES = [SMS, WHATSAPP, FACEBOOK, TELEGRAM, SLACK]
PLAIN = [SMS, WHATSAPP, FACEBOOK]
STYLED = [TELEGRAM, SLACK]


def sent(reply: Reply) -> list[dict[str, Any]]:
    """The messages the action server returns for a reply, as Rasa hands them to a channel."""
    dispatcher = CollectingDispatcher()
    reply.send(dispatcher)
    return [{"text": m["text"], "buttons": m["buttons"], "custom": m["custom"]}
            for m in dispatcher.messages]


def formatted(style: ChannelStyle, messages: list[dict[str, Any]]) -> list[Outgoing]:
    formatter = TurnFormatter(style)
    return [outgoing for message in messages for outgoing in formatter.format(message)]


def split_text(text: str, limit: int) -> list[str]:
    """The pieces a channel of that length limit sends for a plain text message."""
    return [o.text for o in TurnFormatter(ChannelStyle("plain", limit)).format({"text": text})]


def listed(text: str) -> dict[int, str]:
    return {int(number): title for number, title in re.findall(r"^(\d)\. (.+)$", text, re.M)}


SENTENCES = (
    "Calcifications are small. Most are harmless and need no care at all. "
    "Some need a closer look, which your doctor will explain to you. "
)


@pytest.mark.parametrize("limit", [40, 80, 160, 1600])
def test_split_keeps_every_word_in_order_within_the_limit(limit: int) -> None:
    text = f"{SENTENCES * 12}\n{content().provider_line}"
    pieces = split_text(text, limit)
    assert all(len(piece) <= limit for piece in pieces)
    assert " ".join(pieces).split() == text.split()


@pytest.mark.parametrize("limit", [80, 160, 1600])
def test_split_never_cuts_a_line_that_fits(limit: int) -> None:
    citation = next(iter(content().topics.values())).source.citation
    text = f"{SENTENCES * 20}\n{citation}\n{content().provider_line}"
    pieces = split_text(text, max(limit, len(citation)))
    assert any(content().provider_line in piece for piece in pieces)
    assert any(citation in piece for piece in pieces)
    assert content().provider_line in pieces[-1]


def test_split_prefers_sentence_ends() -> None:
    pieces = split_text(SENTENCES, 70)
    assert all(piece.endswith(".") for piece in pieces)


def test_split_cuts_an_overlong_word_rather_than_exceed_the_limit() -> None:
    assert split_text("a" * 25, 10) == ["a" * 10, "a" * 10, "a" * 5]


def test_short_text_is_one_piece() -> None:
    assert split_text("Hello.\nBye.", 100) == ["Hello.\nBye."]


@pytest.mark.parametrize("style", PLAIN)
def test_channels_without_buttons_number_the_topics_in_the_order_offered(
    style: ChannelStyle,
) -> None:
    reply = Reply().answer("are_they_cancer")
    (outgoing,) = formatted(style, sent(reply))
    related = content().topics["are_they_cancer"].related
    titles = {n + 1: content().topics[topic].question for n, topic in enumerate(related)}
    assert listed(outgoing.text) == titles
    assert content().behaviour_text("numbered_topics") in outgoing.text
    assert [option.payload for option in outgoing.options] == [f"/{t}" for t in related]
    assert outgoing.buttons == ()
    # What the patient sees as 2 is what the action records as the second offered topic.
    assert reply.offered[option_number("2") - 1] == related[1]


@pytest.mark.parametrize("style", PLAIN)
def test_a_spanish_reply_lists_its_topics_under_the_spanish_intro(style: ChannelStyle) -> None:
    (outgoing,) = formatted(style, sent(Reply(language=SPANISH).answer("are_they_cancer")))
    spanish = content(SPANISH)
    related = spanish.topics["are_they_cancer"].related
    assert spanish.behaviour_text("numbered_topics") in outgoing.text
    assert content().behaviour_text("numbered_topics") not in outgoing.text
    assert listed(outgoing.text)[1] == spanish.topics[related[0]].question


@pytest.mark.parametrize("style", STYLED)
def test_channels_with_buttons_keep_them_and_list_nothing(style: ChannelStyle) -> None:
    (outgoing,) = formatted(style, sent(Reply().answer("causes")))
    assert [b["payload"] for b in outgoing.buttons] == [
        f"/{topic}" for topic in content().topics["causes"].related
    ]
    assert listed(outgoing.text) == {}
    assert outgoing.options == ()


@pytest.mark.parametrize("style", PLAIN)
def test_numbers_continue_across_a_turn_and_match_what_the_action_recorded(
    style: ChannelStyle,
) -> None:
    reply = Reply().answer("causes").answer("are_they_cancer").answer("biopsy_when")
    messages = sent(reply)
    shown: dict[int, str] = {}
    for outgoing in formatted(style, messages):
        for number, title in listed(outgoing.text).items():
            assert shown.setdefault(number, title) == title
    expected = {n + 1: content().topics[t].question for n, t in enumerate(reply.offered)}
    assert shown == {n: t for n, t in expected.items() if n <= MAX_OPTIONS}


@pytest.mark.parametrize("style", PLAIN)
def test_the_citation_keeps_its_plain_url_where_links_cannot_be_styled(
    style: ChannelStyle,
) -> None:
    topic = content().topics["dietary_calcium"]
    (outgoing,) = formatted(style, sent(Reply().answer("dietary_calcium")))
    assert topic.source.citation in outgoing.text
    assert outgoing.text.startswith(topic.answer)
    assert outgoing.text.count(content().provider_line) == 1


def test_telegram_links_the_source_and_escapes_html() -> None:
    topic = content().topics["dietary_calcium"]
    (outgoing,) = formatted(TELEGRAM, sent(Reply().answer("dietary_calcium")))
    assert f'<a href="{topic.source.url}">{topic.source.short_citation}</a>' in outgoing.text
    (escaped,) = TurnFormatter(TELEGRAM).format({"text": "1 < 2 & <b>bold</b>"})
    assert escaped.text == "1 &lt; 2 &amp; &lt;b&gt;bold&lt;/b&gt;"


def test_slack_links_the_source_and_escapes_its_control_characters() -> None:
    topic = content().topics["dietary_calcium"]
    (outgoing,) = formatted(SLACK, sent(Reply().answer("dietary_calcium")))
    assert f"<{topic.source.url}|{topic.source.short_citation}>" in outgoing.text
    (escaped,) = TurnFormatter(SLACK).format({"text": "Crisis & <!channel>"})
    assert escaped.text == "Crisis &amp; &lt;!channel&gt;"


@pytest.mark.parametrize("style", ALL_STYLES)
def test_long_replies_are_split_within_the_limit_keeping_the_provider_line(
    style: ChannelStyle,
) -> None:
    answer = content().topics["causes"]
    long_text = "\n".join([answer.answer] * 40 + [answer.source.citation, content().provider_line])
    message = {"text": long_text, "buttons": [{"title": "What causes them?", "payload": "/causes"}],
               "custom": {"topic": "causes", "source": answer.source.as_payload()}}
    pieces = formatted(style, [message])
    assert len(pieces) > 1
    assert all(len(piece.text) <= style.max_chars for piece in pieces)
    assert sum(piece.text.count(content().provider_line) for piece in pieces) == 1
    # Buttons or numbered topics come once, with the last piece.
    assert all(not (p.buttons or p.options) for p in pieces[:-1])
    assert pieces[-1].buttons or pieces[-1].options


def test_markup_that_pushes_a_piece_over_the_limit_splits_it_again() -> None:
    tight = ChannelStyle("tight", 50, escape=SLACK.escape)
    pieces = TurnFormatter(tight).format({"text": "& " * 40})
    assert all(len(piece.text) <= 50 for piece in pieces)
    assert "".join(p.text for p in pieces).count("&amp;") == 40


def test_a_message_without_text_or_with_odd_buttons_is_handled() -> None:
    formatter = TurnFormatter(SMS)
    assert formatter.format({"custom": {"topic": "causes"}}) == []
    (outgoing,) = formatter.format(
        {"text": "Hi", "buttons": [{"title": 3}, "x", {"title": "Ok", "payload": "/greeting"}]}
    )
    assert listed(outgoing.text) == {1: "Ok"}
    (odd_source,) = formatter.format({"text": "Hi", "custom": {"source": {"url": 1}}})
    assert odd_source.text == "Hi"


def test_lists_stop_at_nine_so_every_number_is_one_digit() -> None:
    buttons = [{"title": f"Topic {n}", "payload": f"/t{n}"} for n in range(12)]
    (outgoing,) = TurnFormatter(SMS).format({"text": "Pick one.", "buttons": buttons})
    assert sorted(listed(outgoing.text)) == list(range(1, MAX_OPTIONS + 1))


def test_a_fallback_lists_its_suggestions_under_the_provider_line() -> None:
    messages = sent(Reply().behaviour("fallback", "no_option", extra={"reason": "no_option"}))
    (outgoing,) = formatted(WHATSAPP, messages)
    before_list = outgoing.text.split(content().behaviour_text("numbered_topics"))[0]
    assert content().provider_line in before_list
    suggested = content().suggestions("fallback")
    assert listed(outgoing.text) == {
        n + 1: content().topics[t].question for n, t in enumerate(suggested)
    }


def test_channels_draw_the_numbers_the_action_gave_not_their_own() -> None:
    message = {"text": "Pick one.", "buttons": [{"title": "Why?", "payload": "/causes"}],
               "custom": {"options": [{"number": 4, "title": "Why?", "payload": "/causes"}]}}
    (outgoing,) = TurnFormatter(SMS).format(message)
    assert listed(outgoing.text) == {4: "Why?"}


@pytest.mark.parametrize("style", ALL_STYLES)
def test_the_citation_is_drawn_from_the_blocks_not_found_in_the_text(style: ChannelStyle) -> None:
    source = content().topics["causes"].source
    message = {"text": "whatever the text says",
               "custom": {"source": source.as_payload(),
                          "blocks": [{"type": "text", "text": "Fact."}, {"type": "citation"}]}}
    (outgoing,) = TurnFormatter(style).format(message)
    assert outgoing.text.startswith("Fact.\n")
    assert "whatever" not in outgoing.text
    assert source.url in outgoing.text
    assert (source.short_citation in outgoing.text) == (style in STYLED)
