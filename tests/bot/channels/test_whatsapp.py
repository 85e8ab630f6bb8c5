"""WhatsApp through Twilio end to end: signed inbound WhatsApp webhooks in, Messages API out.

No public URL is configured for this channel, so Twilio's signature is checked against the URL
the server was called on.
"""

from __future__ import annotations

import re

import pytest

from bot.content import content
from bot.settings import settings
from tests.bot.channels.conftest import (
    TWILIO_ACCOUNT_SID,
    TWILIO_WHATSAPP_NUMBER,
    ChannelServers,
    new_id,
    new_number,
    twilio_signature,
)
from tests.bot.channels.fake_platforms import Call

pytestmark = pytest.mark.e2e


def inbound_whatsapp(sender: str, body: str) -> dict[str, str]:
    """The parameters Twilio posts for an incoming WhatsApp message
    (https://www.twilio.com/docs/messaging/guides/webhook-request, WhatsApp fields)."""
    sid = new_id("SM").ljust(34, "0")
    return {
        "SmsMessageSid": sid, "NumMedia": "0", "ProfileName": "Ann", "MessageType": "text",
        "SmsSid": sid, "WaId": sender.removeprefix("whatsapp:+"), "SmsStatus": "received",
        "Body": body, "To": f"whatsapp:{TWILIO_WHATSAPP_NUMBER}", "NumSegments": "1",
        "ReferralNumMedia": "0", "MessageSid": sid, "AccountSid": TWILIO_ACCOUNT_SID,
        "From": sender, "ApiVersion": "2010-04-01",
    }


def new_whatsapp() -> str:
    return f"whatsapp:+4477{new_number()}"


def send(channels: ChannelServers, params: dict[str, str]):
    signature = twilio_signature(channels.webhook("whatsapp"), params)
    return channels.post("whatsapp", data=params, headers={"X-Twilio-Signature": signature})


def texts_to(sender: str):
    def match(call: Call) -> bool:
        return call.platform == "twilio" and call.data.get("To") == sender
    return match


def numbered(text: str) -> dict[int, str]:
    return {int(n): title for n, title in re.findall(r"^(\d)\. (.+)$", text, re.M)}


def test_a_question_is_answered_from_the_whatsapp_number(channels: ChannelServers) -> None:
    sender = new_whatsapp()
    assert send(channels, inbound_whatsapp(sender, "what is a stereotactic biopsy")
                ).status_code == 200
    (call,) = channels.platforms.matching(texts_to(sender))
    assert call.data["From"] == f"whatsapp:{TWILIO_WHATSAPP_NUMBER}"
    topic = content().topics["stereotactic_biopsy"]
    assert call.data["Body"].startswith(topic.answer)
    assert topic.source.url in call.data["Body"]
    assert content().provider_line in call.data["Body"]
    assert numbered(call.data["Body"]) == {
        n: content().topics[t].question for n, t in enumerate(topic.related, start=1)
    }


def test_two_picks_the_second_listed_topic(channels: ChannelServers) -> None:
    sender = new_whatsapp()
    send(channels, inbound_whatsapp(sender, "what are macrocalcifications"))
    send(channels, inbound_whatsapp(sender, "2"))
    first, second = channels.platforms.matching(texts_to(sender))
    chosen_question = numbered(first.data["Body"])[2]
    chosen = next(t for t in content().topics.values() if t.question == chosen_question)
    assert second.data["Body"].startswith(chosen.answer)


def test_an_emergency_is_answered_before_anything_else(channels: ChannelServers) -> None:
    sender = new_whatsapp()
    send(channels, inbound_whatsapp(sender, "I have crushing chest pain"))
    (call,) = channels.platforms.matching(texts_to(sender))
    emergency = content().behaviour_text("emergency").format(**settings().as_placeholders())
    assert call.data["Body"].startswith(emergency)
    assert numbered(call.data["Body"]) == {}


@pytest.mark.parametrize("signature", [None, "{sms_url}", "{wrong}"])
def test_requests_without_a_valid_signature_are_refused(
    channels: ChannelServers, signature: str | None
) -> None:
    sender = new_whatsapp()
    params = inbound_whatsapp(sender, "hello")
    values = {"sms_url": twilio_signature(channels.webhook("twilio"), params),
              "wrong": "c2lnbmF0dXJl"}
    headers = {"X-Twilio-Signature": signature.format(**values)} if signature else {}
    assert channels.post("whatsapp", data=params, headers=headers).status_code == 401
    assert channels.platforms.matching(texts_to(sender)) == []


def test_a_media_message_without_text_is_asked_for_words(channels: ChannelServers) -> None:
    sender = new_whatsapp()
    params = {**inbound_whatsapp(sender, ""), "NumMedia": "1", "MessageType": "image",
              "MediaContentType0": "image/jpeg",
              "MediaUrl0": "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/1"}
    assert send(channels, params).status_code == 200
    (call,) = channels.platforms.matching(texts_to(sender))
    assert call.data["Body"].startswith(content().behaviour_text("fallback", "empty"))
