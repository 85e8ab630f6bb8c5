"""One conversation of 300 messages, timed message by message: whether a message costs more
the longer its conversation has run (Rasa 3.6 replays the whole conversation at each one).

The patient keeps one connection open, as the widget's socket does, so the conversation stays
with one Rasa worker. The figure is the median of each window of ten messages, so that one
slow message (a garbage collection, another process) does not decide it.
"""

from __future__ import annotations

import statistics
import time
import uuid
from collections.abc import Sequence
from typing import Any

import requests

from tools.bench.load import FOLLOW_UPS, QUESTIONS, REQUEST_TIMEOUT_S, WEBHOOK

LENGTH = 300
WINDOW = 10


def messages(length: int = LENGTH) -> list[str]:
    """Questions and follow-ups in turn, as long as asked."""
    follow_ups = FOLLOW_UPS * (len(QUESTIONS) // len(FOLLOW_UPS) + 1)
    pairs = [message for pair in zip(QUESTIONS, follow_ups, strict=False) for message in pair]
    return [pairs[index % len(pairs)] for index in range(length)]


def window_medians(latencies_ms: Sequence[float], window: int = WINDOW) -> dict[int, float]:
    """Median latency of each window, keyed by the window's first message (1-based)."""
    return {start + 1: statistics.median(latencies_ms[start:start + window])
            for start in range(0, len(latencies_ms) - window + 1, window)}


def run_long_conversation(url: str, texts: Sequence[str] | None = None) -> dict[str, Any]:
    """Sends the messages one after another in one conversation; returns every latency and
    the window medians. A message without a reply is an error and ends the run."""
    texts = list(texts or messages())
    sender = f"long-{uuid.uuid4().hex[:8]}"
    latencies: list[float] = []
    with requests.Session() as session:
        for text in texts:
            started = time.perf_counter()
            response = session.post(f"{url}{WEBHOOK}", json={"sender": sender, "message": text},
                                    timeout=REQUEST_TIMEOUT_S)
            if response.status_code != 200 or not response.json():
                return {"messages": len(texts), "answered": len(latencies),
                        "error": f"message {len(latencies) + 1}: HTTP {response.status_code}",
                        "latencies_ms": latencies, "window_medians_ms": {}}
            latencies.append((time.perf_counter() - started) * 1000)
    medians = window_medians(latencies)
    return {"messages": len(texts), "answered": len(latencies), "error": None,
            "latencies_ms": latencies, "window_medians_ms": medians,
            "last_over_first": medians[max(medians)] / medians[1]}
