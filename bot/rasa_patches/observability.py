"""What the clinic and its operators see of each turn: Prometheus metrics (GET /metrics) and
the insights row of every patient message.

Rasa 3.6 open source has no metrics endpoint and no hook for adding routes, so this patch wraps
`rasa.core.run.configure_app` (the Sanic app `rasa run` serves, with or without --enable-api)
to add the route, and `MessageProcessor.handle_message`, which every channel reaches, to time
each turn, count it (bot/metrics.py) and, once the conversation is stored, add its row for the
insights page (bot/insights/recorder.py). The tracker comes from the turn's own `log_message`
call, kept in a context variable, so no extra read of the conversation store is needed.
"""

from __future__ import annotations

import logging
import time
from contextvars import ContextVar
from functools import wraps
from typing import Any, Awaitable, Callable

import rasa.core.run
from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import metrics
from bot.insights import recorder
from bot.insights.turns import Turn, summarise
from bot.rasa_patches.patching import replace

logger = logging.getLogger(__name__)

_turn_tracker: ContextVar[DialogueStateTracker | None] = ContextVar("turn_tracker", default=None)


def latest_turn(tracker: DialogueStateTracker) -> Turn | None:
    """The tracker's last patient message and the replies to it."""
    replies: list[Any] = []
    for event in reversed(tracker.events):
        if isinstance(event, BotUttered):
            replies.append(event.data.get("custom"))
        elif isinstance(event, UserUttered):
            user = {"timestamp": event.timestamp, "input_channel": event.input_channel,
                    "text": event.text, "parse_data": event.parse_data}
            return summarise(user, tracker.sender_id, reversed(replies))
    return None


def _remembering(handle: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    @wraps(handle)
    async def handle_remembered(self: MessageProcessor, message: UserMessage,
                                tracker: DialogueStateTracker) -> Any:
        _turn_tracker.set(tracker)
        return await handle(self, message, tracker)

    return handle_remembered


def _counting(handle_message: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    @wraps(handle_message)
    async def handle_counted_message(self: MessageProcessor, message: UserMessage) -> Any:
        started = time.perf_counter()
        token = _turn_tracker.set(None)
        stored = False
        try:
            replies = await handle_message(self, message)
            stored = True
            return replies
        finally:
            tracker = _turn_tracker.get()
            _turn_tracker.reset(token)
            turn = latest_turn(tracker) if tracker is not None else None
            if turn is not None:
                metrics.observe_turn(turn, time.perf_counter() - started)
                if stored:
                    recorder.record(self.tracker_store, turn)

    return handle_counted_message


async def serve_metrics(_: Request) -> HTTPResponse:
    return response.raw(metrics.exposition(metrics.RASA), content_type=metrics.CONTENT_TYPE)


def _with_metrics_route(configure_app: Callable[..., Sanic]) -> Callable[..., Sanic]:
    @wraps(configure_app)
    def configure_app_with_metrics(*args: Any, **kwargs: Any) -> Sanic:
        app = configure_app(*args, **kwargs)
        app.add_route(serve_metrics, "/metrics", methods=["GET"], name="prometheus_metrics")
        return app

    return configure_app_with_metrics


def install() -> None:
    """Wraps MessageProcessor.handle_message and _handle_message_with_tracker, and
    rasa.core.run.configure_app."""
    replace(MessageProcessor, "_handle_message_with_tracker",
            _remembering(MessageProcessor._handle_message_with_tracker))
    replace(MessageProcessor, "handle_message", _counting(MessageProcessor.handle_message))
    replace(rasa.core.run, "configure_app", _with_metrics_route(rasa.core.run.configure_app))
    logger.debug("Rasa serves /metrics, counts every patient message and records its turn.")
