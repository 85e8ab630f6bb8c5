"""Redacts every patient message as it enters Rasa, before it is parsed, acted on or stored.

The hook is `MessageProcessor.log_message`: every channel (REST, socket.io, messaging
platforms) reaches it through `Agent.handle_message`, and so does the HTTP API's
`POST /conversations/<id>/messages`; it is where a `UserMessage` becomes the `UserUttered`
event. Redacting there, rather than in the tracker store, means the original text never gets
further than this call: the NLU pipeline, Rasa's debug logs, the action server, event brokers
and every tracker store only ever see the redacted text, and both the event's text and its
parse data's text come from it. The emergency rules run on the redacted text, which keeps the
words that matter ("I took all my pills, call me at [phone]").
"""

from __future__ import annotations

import logging
from functools import wraps
from typing import Any, Awaitable, Callable

from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.shared.nlu.constants import TEXT

from bot.privacy.redaction import redact, redactor
from bot.rasa_patches.patching import replace

logger = logging.getLogger(__name__)



def redact_message(message: UserMessage) -> None:
    """Replaces the identifiers in the message's text (and in parse data a client sent)."""
    if message.text:
        message.text = redact(message.text)
    if message.parse_data and isinstance(message.parse_data.get(TEXT), str):
        message.parse_data[TEXT] = redact(message.parse_data[TEXT])


def _redacting(
    log_message: Callable[..., Awaitable[Any]],
) -> Callable[..., Awaitable[Any]]:
    @wraps(log_message)
    async def log_redacted_message(
        self: MessageProcessor, message: UserMessage, *args: Any, **kwargs: Any
    ) -> Any:
        redact_message(message)
        return await log_message(self, message, *args, **kwargs)

    return log_redacted_message


def install() -> None:
    """Wraps MessageProcessor.log_message."""
    redactor()  # build the patterns now, not on the first patient's message
    replace(MessageProcessor, "log_message", _redacting(MessageProcessor.log_message))
    logger.debug("Patient messages are redacted before they are parsed or stored.")
