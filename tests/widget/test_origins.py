"""Only the clinic's own pages may open the widget's socket.io connection (real Rasa server)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests
import socketio
import websockets
from websockets.exceptions import InvalidStatusCode

from bot.content import content
from bot.settings import settings
from tests.conftest import Servers

pytestmark = pytest.mark.e2e

OTHER_ORIGIN = "https://not-the-clinic.example"


def handshake(servers: Servers, origin: str) -> requests.Response:
    return requests.get(
        f"{servers.url}/socket.io/",
        params={"EIO": "4", "transport": "polling"},
        headers={"Origin": origin},
        timeout=10,
    )


def test_polling_from_another_origin_is_refused(servers: Servers) -> None:
    refused = handshake(servers, OTHER_ORIGIN)
    assert refused.status_code == 400
    assert "Access-Control-Allow-Origin" not in refused.headers
    allowed = handshake(servers, settings().origins[0])
    assert allowed.status_code == 200
    assert allowed.headers["Access-Control-Allow-Origin"] == settings().origins[0]


def run_apart(coroutine: Coroutine[Any, Any, str]) -> str:
    """Runs a coroutine on its own event loop in a thread: Playwright's sync API keeps one
    running in this thread while the browser tests' fixtures are alive."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def test_websocket_from_another_origin_is_refused(servers: Servers) -> None:
    url = servers.url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"

    async def connect(origin: str) -> str:
        async with websockets.connect(url, origin=origin, open_timeout=10) as socket:
            return await asyncio.wait_for(socket.recv(), 10)

    with pytest.raises(InvalidStatusCode) as refused:
        run_apart(connect(OTHER_ORIGIN))
    assert refused.value.status_code == 400
    assert run_apart(connect(settings().origins[0])).startswith("0{")  # engine.io open


def test_socketio_client_from_another_origin_cannot_connect(servers: Servers) -> None:
    client = socketio.Client(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(servers.url, headers={"Origin": OTHER_ORIGIN}, transports=["polling"])


def test_an_allowed_page_gets_each_answer_as_one_event(servers: Servers) -> None:
    client = socketio.Client(reconnection=False)
    confirmed, answered = threading.Event(), threading.Event()
    received: dict = {}
    client.on("session_confirm", lambda session: (received.update(session=session),
                                                  confirmed.set()))
    client.on("bot_uttered", lambda message: (received.update(message=message), answered.set()))
    client.connect(servers.url, headers={"Origin": settings().origins[0]},
                   transports=["polling"])
    try:
        client.emit("session_request", {"session_id": None})
        assert confirmed.wait(10)
        client.emit("user_uttered", {"message": "what causes calcifications?",
                                     "session_id": received["session"]})
        assert answered.wait(20)
    finally:
        client.disconnect()
    topic = content().topics["causes"]
    message = received["message"]
    # What a plain python-socketio client gets: Rasa's shape, the source in the text itself.
    assert set(message) == {"text", "quick_replies", "metadata"}
    assert message["metadata"]["custom"]["topic"] == "causes"
    assert message["text"] == (f"{topic.answer}\n{topic.source.citation}\n"
                               f"{content().provider_line}")
    assert message["metadata"]["source_link"] == {"text": topic.source.short_citation,
                                                  "url": topic.source.url}
    assert [reply["payload"] for reply in message["quick_replies"]] == [
        f"/{related}" for related in topic.related
    ]
