"""Slack end to end: signed Events API and interactivity requests in, chat.postMessage out."""

from __future__ import annotations

import json
import time
from urllib.parse import urlencode

import pytest

from bot.content import content
from tests.bot.channels.conftest import ChannelServers, new_id, slack_signature
from tests.bot.channels.fake_platforms import Call

pytestmark = pytest.mark.e2e

BOT_USER = "U0BOTUSER1"


def event(user: str, channel: str, text: str) -> dict:
    """A direct message to the app, as an Events API event_callback
    (https://api.slack.com/events/message.im)."""
    ts = f"{time.time():.6f}"
    return {
        "token": "XXYYZZ",
        "team_id": "T061EG9R6",
        "api_app_id": "A0PNCHHK2",
        "event": {"type": "message", "channel": channel, "user": user, "text": text,
                  "ts": ts, "event_ts": ts, "channel_type": "im"},
        "type": "event_callback",
        "authorizations": [{"enterprise_id": None, "team_id": "T061EG9R6", "user_id": BOT_USER,
                            "is_bot": True, "is_enterprise_install": False}],
        "event_id": new_id("Ev"),
        "event_time": int(time.time()),
    }


def button_click(user: str, channel: str, value: str) -> dict:
    """A Block Kit button press (https://api.slack.com/reference/interaction-payloads)."""
    ts = f"{time.time():.6f}"
    return {
        "type": "block_actions",
        "team": {"id": "T061EG9R6", "domain": "clinic"},
        "user": {"id": user, "username": "ann", "team_id": "T061EG9R6"},
        "api_app_id": "A0PNCHHK2",
        "container": {"type": "message", "message_ts": ts, "channel_id": channel},
        "trigger_id": "123.456.abc",
        "channel": {"id": channel, "name": "directmessage"},
        "message": {"type": "message", "ts": ts, "text": "..."},
        "response_url": "https://hooks.slack.com/actions/T061EG9R6/1/abc",
        "actions": [{"action_id": "topic-0", "block_id": "b1", "type": "button",
                     "text": {"type": "plain_text", "text": "What causes calcifications?"},
                     "value": value, "action_ts": ts}],
    }


def signed(body: bytes, timestamp: str | None = None, signature: str | None = None) -> dict:
    timestamp = timestamp or str(int(time.time()))
    return {"X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": signature or slack_signature(body, timestamp)}


def post_json(channels: ChannelServers, payload: dict, **headers: str):
    body = json.dumps(payload).encode()
    return channels.post("slack", data=body, headers={
        "Content-Type": "application/json", **signed(body), **headers})


def posted_to(channel: str):
    def match(call: Call) -> bool:
        return call.platform == "slack" and call.data.get("channel") == channel
    return match


def test_a_direct_message_gets_the_answer_with_a_source_link_and_buttons(
    channels: ChannelServers,
) -> None:
    user, dm = new_id("U"), new_id("D")
    reply = post_json(channels, event(user, dm, "should I stop taking my calcium pills?"))
    assert reply.status_code == 200
    (call,) = channels.platforms.wait_for(posted_to(dm))
    topic = content().topics["dietary_calcium"]
    assert call.api_method == "chat.postMessage"
    assert call.headers["authorization"] == "Bearer xoxb-test-token"
    section, actions = call.data["blocks"]
    assert section["text"]["type"] == "mrkdwn"
    assert section["text"]["text"].startswith(topic.answer)
    assert f"<{topic.source.url}|{topic.source.short_citation}>" in section["text"]["text"]
    assert section["text"]["text"].endswith(content().provider_line)
    assert [button["value"] for button in actions["elements"]] == [
        f"/{t}" for t in topic.related
    ]


def test_a_button_click_answers_that_topic(channels: ChannelServers) -> None:
    user, dm = new_id("U"), new_id("D")
    body = urlencode({"payload": json.dumps(button_click(user, dm, "/biopsy_when"))}).encode()
    reply = channels.post("slack", data=body, headers={
        "Content-Type": "application/x-www-form-urlencoded", **signed(body)})
    assert reply.status_code == 200
    (call,) = channels.platforms.wait_for(posted_to(dm))
    assert call.data["text"].startswith(content().topics["biopsy_when"].answer)


def test_the_url_check_is_answered_with_its_challenge(channels: ChannelServers) -> None:
    challenge = new_id("challenge")
    reply = post_json(channels, {"token": "XXYYZZ", "challenge": challenge,
                                 "type": "url_verification"})
    assert reply.status_code == 200
    assert reply.json() == {"challenge": challenge}


def test_messages_from_bots_are_not_answered(channels: ChannelServers) -> None:
    user, dm = new_id("U"), new_id("D")
    payload = event(user, dm, "hello")
    payload["event"]["bot_id"] = "B123"
    assert post_json(channels, payload).status_code == 200
    time.sleep(1)
    assert channels.platforms.matching(posted_to(dm)) == []


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Slack-Request-Timestamp": "{now}"},
        {"X-Slack-Request-Timestamp": "{now}", "X-Slack-Signature": "v0=" + "0" * 64},
        {"X-Slack-Request-Timestamp": "{old}", "X-Slack-Signature": "{old_signature}"},
        {"X-Slack-Request-Timestamp": "{now}", "X-Slack-Signature": "{wrong_secret}"},
    ],
    ids=["unsigned", "no-signature", "wrong-signature", "replayed-after-5-minutes",
         "other-secret"],
)
def test_requests_without_a_valid_signature_are_refused(
    channels: ChannelServers, headers: dict
) -> None:
    user, dm = new_id("U"), new_id("D")
    body = json.dumps(event(user, dm, "hello")).encode()
    now, old = str(int(time.time())), str(int(time.time()) - 6 * 60)
    values = {"now": now, "old": old, "old_signature": slack_signature(body, old),
              "wrong_secret": slack_signature(body, now, secret="another-secret")}
    filled = {key: value.format(**values) for key, value in headers.items()}
    reply = channels.post("slack", data=body,
                          headers={"Content-Type": "application/json", **filled})
    assert reply.status_code == 401
    time.sleep(1)
    assert channels.platforms.matching(posted_to(dm)) == []


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/json", b"{not json"),
        ("application/json", b'["a list"]'),
        ("application/json", json.dumps({"type": "event_callback"}).encode()),
        ("application/json", json.dumps({"type": "event_callback", "event": {
            "type": "message", "channel": "D1", "text": "hi", "channel_type": "im"}}).encode()),
        ("application/json", json.dumps({"type": "url_verification", "challenge": 7}).encode()),
        ("application/x-www-form-urlencoded", b"payload=%7Bbroken"),
        ("application/x-www-form-urlencoded", b"nothing=here"),
        ("application/x-www-form-urlencoded",
         urlencode({"payload": json.dumps({"type": "block_actions", "actions": "x"})}).encode()),
    ],
)
def test_malformed_signed_requests_get_a_400_and_the_channel_keeps_serving(
    channels: ChannelServers, content_type: str, body: bytes
) -> None:
    reply = channels.post("slack", data=body, headers={"Content-Type": content_type,
                                                       **signed(body)})
    assert reply.status_code == 400
    user, dm = new_id("U"), new_id("D")
    assert post_json(channels, event(user, dm, "hello")).status_code == 200
    channels.platforms.wait_for(posted_to(dm))
