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


async def run_turn(
    on_new_message: Callable[[UserMessage], Awaitable[Any]], message: UserMessage
) -> bool:
    """True when the turn completed; False when it failed or timed out (already logged)."""
    try:
        await on_new_message(message)
    except CancelledError:
        logger.error("Handling a %s message timed out.", message.input_channel)
        return False
    except Exception:  # noqa: BLE001 - the channel apologises instead
        logger.exception("Handling a %s message failed.", message.input_channel)
        return False
    return True
