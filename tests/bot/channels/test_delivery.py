"""Platform calls are bounded: in order, each within its timeout, a hung platform on its own
threads, and the webhook waiting only within its budget."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from bot.channels import delivery
from bot.channels.delivery import Delivery, blocking


def test_a_turns_messages_go_out_in_order() -> None:
    sent: list[int] = []

    async def turn() -> None:
        queue = Delivery("test")
        for number, pause in enumerate([0.05, 0.0, 0.02]):
            async def send(number: int = number, pause: float = pause) -> None:
                await asyncio.sleep(pause)
                sent.append(number)
            queue.send(send)
        await queue.finished()
        assert queue.queued == 3

    asyncio.run(turn())
    assert sent == [0, 1, 2]


def test_a_hung_call_is_given_up_and_the_next_message_still_goes(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(delivery, "SEND_TIMEOUT_S", 0.2)
    sent: list[str] = []

    async def hang() -> None:
        await asyncio.sleep(60)

    async def fine() -> None:
        sent.append("second")

    async def turn() -> float:
        queue = Delivery("twilio")
        started = time.monotonic()
        queue.send(hang)
        queue.send(fine)
        await queue.finished()
        return time.monotonic() - started

    assert asyncio.run(turn()) < 2
    assert sent == ["second"]
    assert "A reply on twilio timed out" in caplog.text


def test_the_webhook_waits_only_within_its_budget() -> None:
    async def turn() -> float:
        queue = Delivery("twilio")
        queue.send(lambda: asyncio.sleep(5))
        started = time.monotonic()
        await queue.settle(0.2)
        return time.monotonic() - started

    assert asyncio.run(turn()) < 1


def test_a_hung_platform_holds_only_its_own_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()

    def hung_sdk_call() -> None:
        release.wait(10)

    async def scenario() -> float:
        hung = [asyncio.ensure_future(blocking("hung-platform", hung_sdk_call))
                for _ in range(delivery.SEND_WORKERS * 3)]
        started = time.monotonic()
        answer = await blocking("other-platform", lambda: "delivered")
        took = time.monotonic() - started
        release.set()
        await asyncio.gather(*hung)
        assert answer == "delivered"
        return took

    assert asyncio.run(scenario()) < 1
