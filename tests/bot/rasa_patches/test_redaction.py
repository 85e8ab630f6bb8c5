"""The hook that redacts every message where Rasa turns it into a stored event."""

from __future__ import annotations

import asyncio
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.processor import MessageProcessor

from bot import rasa_patches
from bot.rasa_patches import redaction

PII = "my email is jane@example.org and my phone 555-123-4567"
REDACTED = "my email is [email] and my phone [phone]"


class RecordingProcessor:
    """Stands in for the processor's own steps, recording what Rasa's log_message passes on."""

    def __init__(self) -> None:
        self.handled: list[str] = []

    async def fetch_tracker_and_update_session(self, *_: Any) -> str:
        return "tracker"

    async def _handle_message_with_tracker(self, message: UserMessage, tracker: str) -> None:
        self.handled.append(message.text)

    async def save_tracker(self, tracker: str) -> None:
        return None


def test_installed_when_rasa_builds_the_safety_layer(safety_layer_built: None) -> None:
    assert MessageProcessor.log_message.__wrapped__.__qualname__ == "MessageProcessor.log_message"


def test_rasa_parses_and_stores_only_the_redacted_text(patched_rasa: None) -> None:
    processor = RecordingProcessor()
    message = UserMessage(PII, CollectingOutputChannel(), "patient")
    asyncio.run(MessageProcessor.log_message(processor, message))  # type: ignore[arg-type]
    assert processor.handled == [REDACTED]
    assert message.text == REDACTED


def test_installing_twice_wraps_once(patched_rasa: None) -> None:
    wrapped = MessageProcessor.log_message
    rasa_patches.install()
    assert MessageProcessor.log_message is wrapped
    assert not hasattr(MessageProcessor.log_message.__wrapped__, "__wrapped__")


def test_parse_data_sent_with_a_message_is_redacted_too() -> None:
    message = UserMessage(PII, parse_data={"text": PII, "intent": {"name": "greeting"}})
    redaction.redact_message(message)
    assert message.parse_data["text"] == REDACTED
    assert message.text == REDACTED


def test_messages_without_text_pass_through() -> None:
    message = UserMessage(None)
    redaction.redact_message(message)
    assert message.text is None
