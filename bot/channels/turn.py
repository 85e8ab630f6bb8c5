"""Runs one patient message through Rasa for any channel, so that every channel treats a failed
turn the same way: logged (without the message text), never raised into the webhook, and
reported to the channel, which then sends the apology instead of a reply that was not kept."""

from __future__ import annotations

import logging
from asyncio import CancelledError
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage

logger = logging.getLogger(__name__)

# What clients send when a patient opens the chat: rasa-webchat and Rasa's own widget
# ("/get_started"), Messenger's Get Started button ("GET_STARTED"), Telegram ("/start",
# "/start@clinic_bot", "/start campaign"). Each is answered as a greeting.
OPENING_PAYLOADS = frozenset({"/get_started", "get_started", "/start"})
GREETING_PAYLOAD = "/greeting"


def opening(text: str) -> str:
    """The greeting payload for a client's opening payload; any other text as it is."""
    words = text.strip().split()
    first = words[0].split("@")[0].lower() if words else ""
    return GREETING_PAYLOAD if first in OPENING_PAYLOADS else text


async def run_turn(
    on_new_message: Callable[[UserMessage], Awaitable[Any]], message: UserMessage
) -> bool:
    """True when the turn completed; False when it failed or timed out (already logged)."""
    message.text = opening(message.text or "")
    try:
        await on_new_message(message)
    except CancelledError:
        logger.error("Handling a %s message timed out.", message.input_channel)
        return False
    except Exception:  # noqa: BLE001 - the channel apologises instead
        logger.exception("Handling a %s message failed.", message.input_channel)
        return False
    return True
