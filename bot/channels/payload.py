"""Parses and cleans what a client posts, so that bad input gets a clear 400, not a crash."""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from rasa.core.channels.channel import OutputChannel, UserMessage

# Far above any real question; longer bodies are refused before they reach the pipeline.
MAX_MESSAGE_CHARS = 20_000
MAX_SENDER_CHARS = 128
_KEEP = {"\n", "\t"}


class PayloadError(ValueError):
    """The request cannot be read as a message; the text says why, for the client."""


@dataclass(frozen=True)
class IncomingMessage:
    sender: str
    text: str
    metadata: dict[str, Any] | None = field(default=None)

    def for_rasa(self, output: OutputChannel, input_channel: str) -> UserMessage:
        """The message as Rasa takes it, answered through `output`."""
        return UserMessage(self.text, output, self.sender, input_channel=input_channel,
                           metadata=self.metadata)


def clean_text(text: str) -> str:
    """NFC-normalised text without control characters (a NUL byte would break PostgreSQL).

    Characters are removed before normalising: removing one between a letter and its accent
    would otherwise leave text that is not NFC."""
    kept = "".join(char for char in text if char in _KEEP or unicodedata.category(char)[0] != "C")
    return unicodedata.normalize("NFC", kept)


def json_object(body: bytes | str | None) -> dict[str, Any]:
    """A request body that must be a JSON object."""
    try:
        payload = json.loads(body or b"")
    except (ValueError, UnicodeDecodeError) as error:
        raise PayloadError("The request body must be JSON.") from error
    if not isinstance(payload, dict):
        raise PayloadError("The request body must be a JSON object.")
    return payload


def sender_of(payload: dict[str, Any]) -> str:
    """The conversation a REST request names in "sender"."""
    sender = payload.get("sender")
    if not isinstance(sender, str) or not clean_text(sender).strip():
        raise PayloadError('"sender" must be a non-empty string.')
    sender = clean_text(sender).strip()
    if len(sender) > MAX_SENDER_CHARS:
        raise PayloadError(f'"sender" must be at most {MAX_SENDER_CHARS} characters.')
    return sender


def parse_message(body: bytes) -> IncomingMessage:
    """Reads {"sender": str, "message": str, "metadata": object?} from a request body."""
    payload = json_object(body)
    sender = sender_of(payload)
    text = payload.get("message")
    if not isinstance(text, str):
        raise PayloadError('"message" must be a string.')
    if len(text) > MAX_MESSAGE_CHARS:
        raise PayloadError(f'"message" must be at most {MAX_MESSAGE_CHARS} characters.')
    metadata = payload.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        raise PayloadError('"metadata" must be a JSON object.')
    return IncomingMessage(sender=sender, text=clean_text(text), metadata=metadata)
