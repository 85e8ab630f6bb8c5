"""Twilio SMS end to end: signed inbound-message webhooks in, Messages API calls out.

The channel is configured as behind a proxy: Twilio signs the public URL it calls
(TWILIO_SMS_PUBLIC_URL), which is not the local URL the tests post to.
"""

from __future__ import annotations

import re

import pytest

from bot.content import content
from tests.bot.channels.conftest import (
    TWILIO_ACCOUNT_SID,
    TWILIO_AUTH_TOKEN,
    TWILIO_SMS_NUMBER,
    TWILIO_SMS_PUBLIC_URL,
    ChannelServers,
    new_id,
    new_number,
    twilio_signature,
)
from tests.bot.channels.fake_platforms import Call

pytestmark = pytest.mark.e2e


def inbound_sms(sender: str, body: str) -> dict[str, str]:
    """The parameters Twilio posts for an incoming SMS
    (https://www.twilio.com/docs/messaging/guides/webhook-request)."""
    sid = new_id("SM").ljust(34, "0")
    return {
        "ToCountry": "US", "ToState": "CA", "SmsMessageSid": sid, "NumMedia": "0",
        "ToCity": "", "FromZip": "", "SmsSid": sid, "FromState": "", "SmsStatus": "received",
        "FromCity": "", "Body": body, "FromCountry": "US", "To": TWILIO_SMS_NUMBER,
        "ToZip": "", "NumSegments": "1", "MessageSid": sid, "AccountSid": TWILIO_ACCOUNT_SID,
        "From": sender, "ApiVersion": "2010-04-01",
    }


def new_phone() -> str:
    return f"+1555{new_number()}"


def send(channels: ChannelServers, params: dict[str, str], signature: str | None = None):
    return channels.post("twilio", data=params, headers={
        "X-Twilio-Signature": signature or twilio_signature(TWILIO_SMS_PUBLIC_URL, params)})


def texts_to(phone: str):
    def match(call: Call) -> bool:
        return call.platform == "twilio" and call.data.get("To") == phone
    return match


def numbered(text: str) -> dict[int, str]:
    return {int(n): title for n, title in re.findall(r"^(\d)\. (.+)$", text, re.M)}


def test_a_question_gets_the_answer_with_its_source_url_and_numbered_topics(
    channels: ChannelServers,
) -> None:
    phone = new_phone()
    reply = send(channels, inbound_sms(phone, "are these white spots cancer?"))
    assert reply.status_code == 200
    assert "<Response>" in reply.text
    (call,) = channels.platforms.matching(texts_to(phone))
    assert call.path == f"/twilio/2010-04-01/Accounts/{TWILIO_ACCOUNT_SID}/Messages.json"
    assert call.headers["authorization"].startswith("Basic ")
    assert call.data["From"] == TWILIO_SMS_NUMBER
    topic = content().topics["are_they_cancer"]
    body = call.data["Body"]
    assert body.startswith(topic.answer)
    assert topic.source.citation in body
    assert topic.source.url in body
    assert content().provider_line in body
    assert len(body) <= 1600
    assert numbered(body) == {
        n: content().topics[t].question for n, t in enumerate(topic.related, start=1)
    }


def test_two_picks_the_second_listed_topic(channels: ChannelServers) -> None:
    phone = new_phone()
    send(channels, inbound_sms(phone, "are these white spots cancer?"))
    (first,) = channels.platforms.matching(texts_to(phone))
    listed_second = numbered(first.data["Body"])[2]
    send(channels, inbound_sms(phone, "2"))
    _, answer = channels.platforms.matching(texts_to(phone))
    chosen = next(t for t in content().topics.values() if t.question == listed_second)
    assert answer.data["Body"].startswith(chosen.answer)
    assert content().provider_line in answer.data["Body"]
    # The new answer lists its own topics, and "1" now picks from those.
    send(channels, inbound_sms(phone, "1"))
    *_, third = channels.platforms.matching(texts_to(phone))
    assert third.data["Body"].startswith(content().topics[chosen.related[0]].answer)


def test_a_number_with_nothing_offered_gets_a_clear_fallback(channels: ChannelServers) -> None:
    phone = new_phone()
    send(channels, inbound_sms(phone, "7"))
    (call,) = channels.platforms.matching(texts_to(phone))
    assert call.data["Body"].startswith(content().behaviour_text("fallback", "no_option"))
    assert content().provider_line in call.data["Body"]
    assert numbered(call.data["Body"])


def test_several_questions_get_numbers_that_continue_across_the_messages(
    channels: ChannelServers,
) -> None:
    phone = new_phone()
    send(channels, inbound_sms(phone, "what causes calcifications and do I need a biopsy?"))
    calls = channels.platforms.matching(texts_to(phone))
    assert len(calls) == 2
    shown = {**numbered(calls[0].data["Body"]), **numbered(calls[1].data["Body"])}
    assert sorted(shown) == list(range(1, len(shown) + 1))
    assert content().provider_line in calls[-1].data["Body"]


@pytest.mark.parametrize(
    "signature",
    ["", "bm90IGEgc2lnbmF0dXJl", "{local_url}", "{other_token}", "{other_params}"],
    ids=["missing", "garbage", "signed-for-the-local-url", "other-token", "other-params"],
)
def test_requests_without_a_valid_signature_are_refused(
    channels: ChannelServers, signature: str
) -> None:
    phone = new_phone()
    params = inbound_sms(phone, "hello")
    values = {
        "local_url": twilio_signature(channels.webhook("twilio"), params),
        "other_token": twilio_signature(TWILIO_SMS_PUBLIC_URL, params, token="another"),
        "other_params": twilio_signature(TWILIO_SMS_PUBLIC_URL, {**params, "Body": "hi"}),
    }
    headers = {"X-Twilio-Signature": signature.format(**values)} if signature else {}
    reply = channels.post("twilio", data=params, headers=headers)
    assert reply.status_code == 401
    assert channels.platforms.matching(texts_to(phone)) == []


@pytest.mark.parametrize("missing", ["From", "Body"])
def test_signed_requests_without_sender_or_body_get_a_400(
    channels: ChannelServers, missing: str
) -> None:
    params = inbound_sms(new_phone(), "hello")
    del params[missing]
    assert send(channels, params).status_code == 400
    phone = new_phone()
    assert send(channels, inbound_sms(phone, "hello")).status_code == 200
    assert channels.platforms.matching(texts_to(phone))


def test_a_json_body_is_not_a_twilio_request(channels: ChannelServers) -> None:
    reply = channels.post("twilio", json={"From": new_phone(), "Body": "hi"},
                          headers={"X-Twilio-Signature": twilio_signature(
                              TWILIO_SMS_PUBLIC_URL, {})})
    assert reply.status_code == 400


def test_the_auth_token_is_never_sent_as_text(channels: ChannelServers) -> None:
    assert all(TWILIO_AUTH_TOKEN not in str(call.data) for call in channels.platforms.calls)
