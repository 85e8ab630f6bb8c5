"""The apology every channel sends when a turn produced no reply (for example while the action
server is down), so that no patient message goes unanswered."""

from __future__ import annotations

from typing import Any, Dict, List

from bot.content import render
from bot.contract import FALLBACK, TOPIC_FIELD

REASON = "service_unavailable"


def unavailable_text() -> str:
    """The apology with the clinic's contact and the provider recommendation."""
    return render.apology(REASON)


def unavailable_reply(recipient_id: str) -> List[Dict[str, Any]]:
    """The apology as the REST channel's list of messages."""
    return [
        {"recipient_id": recipient_id, "text": unavailable_text()},
        {"recipient_id": recipient_id, "custom": {TOPIC_FIELD: FALLBACK, "reason": REASON}},
    ]
