"""The plumbing the messaging channels share: a reply on every turn, checked request bodies,
settings read from credentials.yml, and channels that are off until configured."""

from __future__ import annotations

import asyncio
import hmac
from typing import Any

import pytest
from rasa.core.channels.channel import UserMessage

from bot.channels.callback import CallbackChannel
from bot.channels.facebook import FacebookChannel, signature_valid
from bot.channels.formatting import SMS, Outgoing
from bot.channels.messaging import (
    FormattedOutput,
    handle_turn,
    message_text,
    missing_settings,
    sender_id,
    tokens_match,
)
from bot.channels.payload import MAX_MESSAGE_CHARS, PayloadError, json_object
from bot.channels.slack import SlackChannel
from bot.channels.telegram import TelegramChannel, read_update
from bot.channels.twilio import TwilioSmsChannel
from bot.channels.unavailable import unavailable_text
from bot.channels.whatsapp import TwilioWhatsAppChannel
from bot.content import content


class RecordingOutput(FormattedOutput):
    style = SMS

    def __init__(self, fail: bool = False) -> None:
        self.outgoing: list[Outgoing] = []
        self.fail = fail

    async def send_outgoing(self, recipient_id: str, outgoing: Outgoing) -> None:
        if self.fail:
            raise ConnectionError("platform down")
        self.outgoing.append(outgoing)


def run_turn(handler: Any, output: RecordingOutput) -> None:
    message = UserMessage("hello", output, "patient-1", input_channel="test")
    asyncio.run(handle_turn(handler, message))


def test_a_turn_that_sent_nothing_gets_the_apology_with_the_provider_line() -> None:
    async def silent(_: UserMessage) -> None:
        return None

    output = RecordingOutput()
    run_turn(silent, output)
    (apology,) = output.outgoing
    assert apology.text == unavailable_text()
    assert content().provider_line in apology.text


def test_a_failing_turn_gets_the_apology_and_nothing_is_raised() -> None:
    async def broken(_: UserMessage) -> None:
        raise RuntimeError("action server down")

    output = RecordingOutput()
    run_turn(broken, output)
    assert [o.text for o in output.outgoing] == [unavailable_text()]


def test_a_turn_that_replied_gets_no_apology() -> None:
    async def answering(message: UserMessage) -> None:
        await message.output_channel.send_response(message.sender_id, {"text": "An answer."})

    output = RecordingOutput()
    run_turn(answering, output)
    assert [o.text for o in output.outgoing] == ["An answer."]


def test_a_platform_that_refuses_everything_is_logged_not_raised(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def answering(message: UserMessage) -> None:
        await message.output_channel.send_response(message.sender_id, {"text": "An answer."})

    run_turn(answering, RecordingOutput(fail=True))
    assert "Sending a reply on RecordingOutput failed: platform down" in caplog.text
    assert all("hello" not in record.getMessage() for record in caplog.records)


@pytest.mark.parametrize("body", [b"", b"{", b"[]", b'"text"', b"\xff\xfe"])
def test_json_object_refuses_anything_but_an_object(body: bytes) -> None:
    with pytest.raises(PayloadError):
        json_object(body)


def test_message_text_is_cleaned_and_bounded() -> None:
    assert message_text("cal\x00cium", "t") == "calcium"
    assert message_text("caf\u0065\u0301", "t") == "caf\u00e9"
    with pytest.raises(PayloadError):
        message_text("x" * (MAX_MESSAGE_CHARS + 1), "t")
    with pytest.raises(PayloadError):
        message_text(None, "t")


@pytest.mark.parametrize("value", [None, "", "  ", True, 1.5, {"id": 1}])
def test_sender_ids_must_be_non_empty_strings_or_integers(value: object) -> None:
    with pytest.raises(PayloadError):
        sender_id(value, "id")


def test_sender_ids_from_integers_become_strings() -> None:
    assert sender_id(1111111, "chat.id") == "1111111"


def test_tokens_match_needs_the_same_non_empty_value() -> None:
    assert tokens_match("secret", "secret")
    assert not tokens_match("secret", "Secret")
    assert not tokens_match("secret", "")
    assert not tokens_match("secret", None)


def test_missing_settings_names_the_empty_keys() -> None:
    assert missing_settings({"a": "x", "b": " ", "c": None}, ["a", "b", "c", "d"]) == ["b", "c",
                                                                                        "d"]
    assert missing_settings(None, ["a"]) == ["a"]


@pytest.mark.parametrize(
    ("channel", "credentials"),
    [
        (TelegramChannel, {"access_token": ""}),
        (SlackChannel, {"slack_token": "xoxb-1", "slack_signing_secret": ""}),
        (FacebookChannel, {"verify": "v", "secret": "", "page-access-token": "t"}),
        (TwilioSmsChannel, {"account_sid": "AC1", "auth_token": "", "twilio_number": "+1"}),
        (TwilioWhatsAppChannel, None),
        (CallbackChannel, {"url": "", "shared_token": "t"}),
    ],
)
def test_a_channel_without_its_secrets_builds_warns_once_and_answers_503(
    channel: Any, credentials: dict | None, caplog: pytest.LogCaptureFixture
) -> None:
    built = channel.from_credentials(credentials)
    warnings = [r for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 1 and "not configured" in warnings[0].getMessage()

    async def unused(_: UserMessage) -> None:
        raise AssertionError("an unconfigured channel must not handle messages")

    blueprint = built.blueprint(unused)
    assert blueprint.name == f"{channel.name()}_not_configured"


def test_whatsapp_replies_come_from_the_whatsapp_sender() -> None:
    channel = TwilioWhatsAppChannel.from_credentials(
        {"account_sid": "AC1", "auth_token": "t", "twilio_number": "+14155238886"})
    assert channel.twilio_number == "whatsapp:+14155238886"
    assert channel.get_output_channel().twilio_number == "whatsapp:+14155238886"


def test_facebook_signatures_use_only_sha256_or_sha1() -> None:
    body = b'{"object": "page"}'

    def header(algorithm: str) -> str:
        return f"{algorithm}=" + hmac.new(b"s", body, algorithm).hexdigest()

    assert signature_valid("s", body, {"X-Hub-Signature-256": header("sha256")})
    assert signature_valid("s", body, {"X-Hub-Signature": header("sha1")})
    assert not signature_valid("s", body, {"X-Hub-Signature": header("md5")})
    assert not signature_valid("s", body, {"X-Hub-Signature-256": header("sha1")})
    assert not signature_valid("s", body + b" ", {"X-Hub-Signature-256": header("sha256")})


def test_telegram_text_is_read_as_sent_and_updates_without_text_are_skipped() -> None:
    def message(text: str) -> dict:
        return {"message": {"chat": {"id": 5}, "text": text}}

    # "/start" becomes a greeting in the turn runner, for every channel alike (test_turn.py).
    assert read_update(message("/start")).text == "/start"
    assert read_update({"my_chat_member": {}}) is None
