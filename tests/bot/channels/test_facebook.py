"""Facebook Messenger end to end: signed page webhooks in, Send API calls out."""

from __future__ import annotations

import json
import re
import time

import pytest
import requests

from bot.content import content
from tests.bot.channels.conftest import (
    FACEBOOK_VERIFY_TOKEN,
    ChannelServers,
    facebook_signature,
    new_id,
)
from tests.bot.channels.fake_platforms import Call

pytestmark = pytest.mark.e2e

PAGE_ID = "1234567890"


def messaging(psid: str, **event: object) -> dict:
    return {"sender": {"id": psid}, "recipient": {"id": PAGE_ID},
            "timestamp": int(time.time() * 1000), **event}


def webhook(*events: dict) -> dict:
    """A page webhook batch (https://developers.facebook.com/docs/messenger-platform/webhooks)."""
    return {"object": "page",
            "entry": [{"id": PAGE_ID, "time": int(time.time() * 1000), "messaging": list(events)}]}


def text_event(psid: str, text: str) -> dict:
    return messaging(psid, message={"mid": new_id("m_"), "text": text})


def post(channels: ChannelServers, payload: dict, algorithm: str = "sha256"):
    body = json.dumps(payload).encode()
    header = "X-Hub-Signature-256" if algorithm == "sha256" else "X-Hub-Signature"
    return channels.post("facebook", data=body, headers={
        "Content-Type": "application/json",
        header: facebook_signature(body, algorithm=algorithm)})


def messages_to(psid: str):
    def match(call: Call) -> bool:
        return (call.platform == "facebook" and "message" in call.data
                and call.data.get("recipient") == {"id": psid})
    return match


def numbered(text: str) -> dict[int, str]:
    return {int(n): title for n, title in re.findall(r"^(\d)\. (.+)$", text, re.M)}


def test_a_question_gets_the_answer_with_numbered_topics_and_number_quick_replies(
    channels: ChannelServers,
) -> None:
    psid = new_id()
    assert post(channels, webhook(text_event(psid, "do I need a biopsy?"))).status_code == 200
    (call,) = channels.platforms.matching(messages_to(psid))
    topic = content().topics["biopsy_when"]
    assert call.path.startswith("/facebook/v") and call.path.endswith("/me/messages")
    assert call.query["access_token"] == "facebook-page-token"
    assert call.query["appsecret_proof"]
    assert call.data["messaging_type"] == "RESPONSE"
    text = call.data["message"]["text"]
    assert text.startswith(topic.answer)
    assert topic.source.citation in text  # Messenger cannot style links: the plain URL
    assert content().provider_line in text
    assert len(text) <= 2000
    titles = [content().topics[t].question for t in topic.related]
    assert numbered(text) == dict(enumerate(titles, start=1))
    assert call.data["message"]["quick_replies"] == [
        {"content_type": "text", "title": str(n), "payload": f"/{t}"}
        for n, t in enumerate(topic.related, start=1)
    ]
    assert channels.platforms.matching(
        lambda c: c.data.get("recipient") == {"id": psid} and c.data.get("sender_action")
    )


def test_a_quick_reply_and_a_typed_number_pick_the_same_topic(channels: ChannelServers) -> None:
    psid = new_id()
    post(channels, webhook(text_event(psid, "what causes calcifications")))
    second = content().topics["causes"].related[1]
    post(channels, webhook(messaging(psid, message={
        "mid": new_id("m_"), "text": "2", "quick_reply": {"payload": f"/{second}"}})))
    post(channels, webhook(text_event(psid, "what causes calcifications")))
    post(channels, webhook(text_event(psid, "2")))
    answers = [call.data["message"]["text"] for call in channels.platforms.matching(
        messages_to(psid))]
    assert len(answers) == 4
    assert answers[1].startswith(content().topics[second].answer)
    assert answers[3].startswith(content().topics[second].answer)


def test_every_message_of_a_batch_is_answered_and_echoes_are_not(
    channels: ChannelServers,
) -> None:
    ann, bea = new_id(), new_id()
    echo = messaging(ann, message={"mid": new_id("m_"), "is_echo": True, "text": "from page"})
    payload = webhook(text_event(ann, "hello"), echo, text_event(bea, "thanks"))
    assert post(channels, payload).status_code == 200
    assert len(channels.platforms.matching(messages_to(ann))) == 1
    (thanks,) = channels.platforms.matching(messages_to(bea))
    assert thanks.data["message"]["text"].startswith(content().behaviour_text("thanks"))


def test_standby_and_other_entry_kinds_are_acknowledged_and_ignored(
    channels: ChannelServers,
) -> None:
    # Handover protocol: while another app owns the thread, its messages arrive as `standby`.
    psid, other = new_id(), new_id()
    standby = {"id": PAGE_ID, "time": int(time.time() * 1000),
               "standby": [text_event(other, "are these white spots cancer?")]}
    changes = {"id": PAGE_ID, "time": int(time.time() * 1000), "changes": [{"field": "feed"}]}
    payload = {"object": "page", "entry": [standby, changes, *webhook(
        text_event(psid, "hello"))["entry"]]}
    assert post(channels, payload).status_code == 200
    assert len(channels.platforms.matching(messages_to(psid))) == 1
    assert channels.platforms.matching(messages_to(other)) == []


def test_a_postback_is_answered(channels: ChannelServers) -> None:
    psid = new_id()
    post(channels, webhook(messaging(psid, postback={"title": "Get Started",
                                                     "payload": "/greeting"})))
    (call,) = channels.platforms.matching(messages_to(psid))
    assert call.data["message"]["text"].startswith(content().behaviour_text("greeting"))


def test_apps_that_sign_with_sha1_only_are_accepted(channels: ChannelServers) -> None:
    psid = new_id()
    assert post(channels, webhook(text_event(psid, "hello")), "sha1").status_code == 200
    assert channels.platforms.matching(messages_to(psid))


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Hub-Signature-256": "sha256=" + "0" * 64},
        {"X-Hub-Signature-256": "{other_secret}"},
        {"X-Hub-Signature-256": "{md5}"},
        {"X-Hub-Signature": "sha256=" + "0" * 64},
    ],
    ids=["unsigned", "wrong", "other-secret", "md5", "sha1-header-wrong"],
)
def test_requests_without_a_valid_signature_are_refused(
    channels: ChannelServers, headers: dict
) -> None:
    psid = new_id()
    body = json.dumps(webhook(text_event(psid, "hello"))).encode()
    values = {"other_secret": facebook_signature(body, secret="another"),
              "md5": facebook_signature(body, algorithm="md5")}
    filled = {key: value.format(**values) for key, value in headers.items()}
    reply = channels.post("facebook", data=body,
                          headers={"Content-Type": "application/json", **filled})
    assert reply.status_code == 401
    assert channels.platforms.matching(messages_to(psid)) == []


def test_the_webhook_check_echoes_the_challenge_only_to_the_right_token(
    channels: ChannelServers,
) -> None:
    url = channels.webhook("facebook")
    good = requests.get(url, params={"hub.mode": "subscribe", "hub.challenge": "1158201444",
                                     "hub.verify_token": FACEBOOK_VERIFY_TOKEN}, timeout=30)
    assert (good.status_code, good.text) == (200, "1158201444")
    bad = requests.get(url, params={"hub.mode": "subscribe", "hub.challenge": "1158201444",
                                    "hub.verify_token": "guess"}, timeout=30)
    assert bad.status_code == 403
    assert "1158201444" not in bad.text


@pytest.mark.parametrize(
    "payload",
    [
        "not json",
        [1],
        {"object": "instagram", "entry": []},
        {"object": "page"},
        {"object": "page", "entry": ["x"]},
        {"object": "page", "entry": [{"id": PAGE_ID, "messaging": "x"}]},
        {"object": "page", "entry": [{"messaging": ["x"]}]},
        {"object": "page", "entry": [{"messaging": [{"message": {"text": "hi"}}]}]},
        {"object": "page", "entry": [{"messaging": [{"sender": {"id": "1"},
                                                     "message": {"text": ["hi"]}}]}]},
    ],
)
def test_malformed_signed_payloads_get_a_400_and_the_channel_keeps_serving(
    channels: ChannelServers, payload: object
) -> None:
    body = payload.encode() if isinstance(payload, str) else json.dumps(payload).encode()
    reply = channels.post("facebook", data=body, headers={
        "Content-Type": "application/json", "X-Hub-Signature-256": facebook_signature(body)})
    assert reply.status_code == 400
    psid = new_id()
    assert post(channels, webhook(text_event(psid, "hello"))).status_code == 200
    assert channels.platforms.matching(messages_to(psid))
