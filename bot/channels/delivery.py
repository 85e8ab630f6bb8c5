"""Sends to the messaging platforms with every call bounded in time and each platform on
threads of its own, so that a platform that hangs delays only its own replies.

A turn's messages go out in order, one after the other, each abandoned after SEND_TIMEOUT_S;
a synchronous SDK (Twilio, Messenger) runs on its platform's own small thread pool, so a hung
Twilio cannot take the threads Messenger needs. The webhook waits for the sends only within
its platform's budget (platforms give up on a webhook after a few seconds, Slack 3, Twilio 15,
Messenger 20, and send it again); whatever is still going then finishes in the background. A
failed or timed-out send is logged, never with the message text.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any, TypeVar

logger = logging.getLogger(__name__)

# One platform call. Below every platform's webhook limit, so even the apology after a failed
# send would still be in time; the SDKs get the same value as their own timeout.
SEND_TIMEOUT_S = 8.0
# Threads per platform for the synchronous SDKs: enough for a clinic's replies, and all a hung
# platform can hold.
SEND_WORKERS = 4
# What a webhook waits for its turn's sends, below Twilio's 15 s and Messenger's 20 s.
WEBHOOK_BUDGET_S = 10.0

T = TypeVar("T")
_pools: dict[str, ThreadPoolExecutor] = {}
# Deliveries still running after their webhook was answered (kept so none is collected early).
_running: set[asyncio.Task[None]] = set()


async def blocking(platform: str, call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Runs a synchronous SDK call on the platform's own threads."""
    if platform not in _pools:
        _pools[platform] = ThreadPoolExecutor(SEND_WORKERS, thread_name_prefix=f"send-{platform}")
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_pools[platform], partial(call, *args, **kwargs))


class Delivery:
    """One turn's outgoing messages, sent in order in the background."""

    def __init__(self, channel: str) -> None:
        self.channel = channel
        self.queued = 0
        self._last: asyncio.Task[None] | None = None

    def send(self, make_call: Callable[[], Awaitable[Any]], reply: bool = True) -> None:
        """Queues one platform call after the ones before it; `queued` counts the replies
        (not a typing indicator), which tell whether the turn answered at all."""
        self.queued += reply
        self._last = _track(asyncio.ensure_future(self._after(self._last, make_call)))

    async def _after(self, previous: asyncio.Task[None] | None,
                     make_call: Callable[[], Awaitable[Any]]) -> None:
        if previous is not None:
            await asyncio.wait([previous])
        try:
            await asyncio.wait_for(make_call(), SEND_TIMEOUT_S)
        except asyncio.TimeoutError:
            logger.error("A reply on %s timed out after %.0f s.", self.channel, SEND_TIMEOUT_S)
        except Exception as error:  # noqa: BLE001 - logged; the next message still goes out
            logger.error("Sending a reply on %s failed: %s", self.channel, error)

    async def settle(self, budget: float) -> None:
        """Waits until every queued message is sent, failed or timed out, or `budget` seconds,
        whichever comes first; the rest goes on in the background."""
        if self._last is not None:
            await asyncio.wait([self._last], timeout=budget)

    async def finished(self) -> None:
        if self._last is not None:
            await asyncio.wait([self._last])

    def then(self, cleanup: Callable[[], Awaitable[Any]]) -> None:
        """Runs `cleanup` (closing the turn's HTTP session) once every message is out."""
        async def run() -> None:
            await self.finished()
            try:
                await asyncio.wait_for(cleanup(), SEND_TIMEOUT_S)
            except Exception as error:  # noqa: BLE001 - the replies are out; only a leak
                logger.warning("Cleaning up after a %s turn failed: %s", self.channel, error)

        _track(asyncio.ensure_future(run()))


class Delivering:
    """For output channels: the turn's Delivery, and how long the webhook waits for it."""

    answer_within_s: float = WEBHOOK_BUDGET_S

    @property
    def delivery(self) -> Delivery:
        if getattr(self, "_delivery", None) is None:
            self._delivery = Delivery(self.name())  # type: ignore[attr-defined]
        return self._delivery


def _track(task: asyncio.Task[None]) -> asyncio.Task[None]:
    _running.add(task)
    task.add_done_callback(_running.discard)
    return task
