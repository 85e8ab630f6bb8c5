"""Asks the real assistant every held-out question through the REST webhook.

End to end on purpose: the safety layer, the question splitter, the fallback and the actions
all decide the topic a patient sees, so they are all in what is measured.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from tools.stack import running_stack

TIMEOUT_S = 60


@dataclass
class Reply:
    """What the webhook returned for one message (or the error that stopped it)."""

    messages: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None

    @property
    def topics(self) -> tuple[str, ...]:
        return tuple(m["custom"]["topic"] for m in self.messages
                     if isinstance(m.get("custom"), dict) and "topic" in m["custom"])

    @property
    def text(self) -> str:
        return "\n".join(m.get("text") or "" for m in self.messages)


def topics_of(messages: Sequence[dict[str, Any]]) -> tuple[str, ...]:
    """Every custom.topic of a reply, in order."""
    return Reply(list(messages)).topics


def ask(session: requests.Session, url: str, text: str) -> Reply:
    """One message from a new sender, so that no question is read as a follow-up."""
    started = time.monotonic()
    try:
        response = session.post(
            f"{url}/webhooks/rest/webhook",
            json={"sender": f"eval-{uuid.uuid4().hex}", "message": text},
            timeout=TIMEOUT_S,
        )
        response.raise_for_status()
        body = response.json()
        if not isinstance(body, list):
            raise ValueError(f"reply is not a list: {body!r:.200}")
        return Reply(body, time.monotonic() - started)
    except (requests.RequestException, ValueError) as error:
        return Reply([], time.monotonic() - started, f"{type(error).__name__}: {error}")


def ask_all(url: str, texts: Sequence[str]) -> list[Reply]:
    with requests.Session() as session:
        return [ask(session, url, text) for text in texts]


def run_assistant(texts: Sequence[str], work: Path) -> tuple[list[Reply], dict[str, Any]]:
    """Starts the trained model and the action server, asks every text, stops them."""
    with running_stack(work) as stack:
        started = time.monotonic()
        replies = ask_all(stack.url, texts)
        info = {"start_s": stack.start_seconds, "ask_s": time.monotonic() - started,
                "log": str(stack.log)}
    return replies, info
