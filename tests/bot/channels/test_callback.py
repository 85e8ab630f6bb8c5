"""Rasa's generic callback channel end to end: a clinic system posts a message with the shared
token, and receives the replies at its callback URL (here the local fake)."""

from __future__ import annotations

import json

import pytest

from bot.content import content
from tests.bot.channels.conftest import CALLBACK_TOKEN, ChannelServers, new_id
from tests.bot.channels.fake_platforms import Call

pytestmark = pytest.mark.e2e

AUTHORIZED = {"Authorization": f"Bearer {CALLBACK_TOKEN}"}


def replies_to(sender: str):
    def match(call: Call) -> bool:
        return call.platform == "callback" and call.data.get("recipient_id") == sender
    return match


def test_a_message_is_answered_at_the_callback_url_with_the_token(
    channels: ChannelServers,
) -> None:
    sender = new_id("portal-")
    reply = channels.post("callback", json={"sender": sender, "message": "do they cause cancer"},
                          headers=AUTHORIZED)
    assert (reply.status_code, reply.text) == (200, "success")
    calls = channels.platforms.matching(replies_to(sender))
    assert calls and all(call.headers["authorization"] == AUTHORIZED["Authorization"]
                         for call in calls)
    topic = content().topics["are_they_cancer"]
    (text,) = [call.data for call in calls if "text" in call.data]
    assert text["text"].startswith(topic.answer)
    assert text["text"].endswith(content().provider_line)
    assert [b["payload"] for b in text["buttons"]] == [f"/{t}" for t in topic.related]
    (custom,) = [call.data["custom"] for call in calls if "custom" in call.data]
    assert custom["topic"] == "are_they_cancer"
    assert custom["source"]["url"] == topic.source.url


def test_two_picks_the_second_button(channels: ChannelServers) -> None:
    sender = new_id("portal-")
    channels.post("callback", json={"sender": sender, "message": "what are calcifications"},
                  headers=AUTHORIZED)
    channels.post("callback", json={"sender": sender, "message": "2"}, headers=AUTHORIZED)
    topics = [call.data["custom"]["topic"] for call in channels.platforms.matching(
        replies_to(sender)) if "custom" in call.data]
    assert topics == ["what_are_calcifications",
                      content().topics["what_are_calcifications"].related[1]]


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"},
                                     {"Authorization": CALLBACK_TOKEN}])
def test_requests_without_the_shared_token_are_refused(
    channels: ChannelServers, headers: dict
) -> None:
    sender = new_id("portal-")
    reply = channels.post("callback", json={"sender": sender, "message": "hi"}, headers=headers)
    assert reply.status_code == 401
    assert channels.platforms.matching(replies_to(sender)) == []


@pytest.mark.parametrize(
    "body",
    [b"", b"nope", b"[]", json.dumps({"message": "hi"}).encode(),
     json.dumps({"sender": "a", "message": 3}).encode(),
     json.dumps({"sender": "a", "message": "hi", "metadata": "x"}).encode()],
)
def test_malformed_requests_get_a_400_and_the_channel_keeps_serving(
    channels: ChannelServers, body: bytes
) -> None:
    reply = channels.post("callback", data=body, headers={**AUTHORIZED,
                                                         "Content-Type": "application/json"})
    assert reply.status_code == 400
    sender = new_id("portal-")
    channels.post("callback", json={"sender": sender, "message": "hello"}, headers=AUTHORIZED)
    assert channels.platforms.matching(replies_to(sender))
