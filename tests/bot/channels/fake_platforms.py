"""A local stand-in for the messaging platforms' APIs, so channel tests make no network call.

One HTTP server answers as Telegram's Bot API (/telegram/bot<token>/<method>), Slack's Web API
(/slack/<method>), Facebook's Graph API (/facebook/v<version>/me/messages), Twilio's Messages
API (/twilio/2010-04-01/Accounts/<sid>/Messages.json) and a clinic's callback endpoint
(/callback), with the response shapes their documentation gives, and records every call.
"""

from __future__ import annotations

import itertools
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class Call:
    platform: str
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def api_method(self) -> str:
        """The last path segment: "sendMessage", "chat.postMessage", "messages", ..."""
        return self.path.rstrip("/").rsplit("/", 1)[-1]


def _parse(body: bytes, content_type: str) -> dict[str, Any]:
    if not body:
        return {}
    if content_type.startswith("application/json"):
        parsed = json.loads(body)
        return parsed if isinstance(parsed, dict) else {"json": parsed}
    return {key: values[-1] for key, values in parse_qs(body.decode()).items()}


class FakePlatforms:
    """Start with `with FakePlatforms() as platforms:`; `platforms.url` is its base URL."""

    def __init__(self) -> None:
        self._calls: list[Call] = []
        self._lock = threading.Lock()
        self._ids = itertools.count(1000)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> FakePlatforms:
        self._thread.start()
        return self

    def __exit__(self, *_: Any) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def calls(self) -> list[Call]:
        with self._lock:
            return list(self._calls)

    def matching(self, predicate: Callable[[Call], bool]) -> list[Call]:
        return [call for call in self.calls if predicate(call)]

    def wait_for(
        self, predicate: Callable[[Call], bool], count: int = 1, timeout: float = 30
    ) -> list[Call]:
        """The matching calls once there are at least `count` of them (Slack answers in the
        background), then a short pause to catch any that follow."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.matching(predicate)) >= count:
                time.sleep(0.3)
                return self.matching(predicate)
            time.sleep(0.05)
        raise AssertionError(f"expected {count} matching API calls, got {self.matching(predicate)}")

    def _record(self, call: Call) -> None:
        with self._lock:
            self._calls.append(call)

    def _answer(self, call: Call) -> tuple[int, dict[str, Any]]:
        number = next(self._ids)
        if call.platform == "telegram":
            if call.api_method == "sendMessage":
                chat = {"id": int(call.data["chat_id"]), "type": "private"}
                message = {"message_id": number, "date": int(time.time()), "chat": chat,
                           "text": call.data.get("text", "")}
                return 200, {"ok": True, "result": message}
            return 200, {"ok": True, "result": True}
        if call.platform == "slack":
            return 200, {"ok": True, "channel": call.data.get("channel"), "ts": f"{number}.0001"}
        if call.platform == "facebook":
            recipient = (call.data.get("recipient") or {}).get("id")
            return 200, {"recipient_id": recipient, "message_id": f"m_{number}"}
        if call.platform == "twilio":
            return 201, {"sid": f"SM{number:032d}", "account_sid": call.path.split("/")[4],
                         "to": call.data.get("To"), "from": call.data.get("From"),
                         "body": call.data.get("Body"), "status": "queued", "num_segments": "1"}
        return 200, {}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        platforms = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the http.server interface
                parts = urlsplit(self.path)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                call = Call(
                    platform=parts.path.strip("/").split("/")[0],
                    method=self.command,
                    path=parts.path,
                    query={key: values[-1] for key, values in parse_qs(parts.query).items()},
                    headers={key.lower(): value for key, value in self.headers.items()},
                    data=_parse(body, self.headers.get("Content-Type") or ""),
                )
                platforms._record(call)
                status, answer = platforms._answer(call)
                encoded = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(encoded)))
                self.end_headers()
                self.wfile.write(encoded)

            def log_message(self, *_: Any) -> None:
                """Quiet: the tests read the recorded calls instead."""

        return Handler


def texts(calls: Iterator[Call] | list[Call], key: str) -> str:
    """The texts of the recorded messages, one per line, as the patient reads them in order."""
    return "\n".join(str(call.data.get(key, "")) for call in calls)


class HangingPlatform:
    """A platform API that accepts every connection and never answers, as a hung one does.
    `with HangingPlatform() as hung:`; `hung.url` is its base URL."""

    def __init__(self) -> None:
        self._listener = socket.socket()
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self._held: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._stopped = threading.Event()

    @property
    def url(self) -> str:
        host, port = self._listener.getsockname()[:2]
        return f"http://{host}:{port}"

    @property
    def connections(self) -> int:
        return len(self._held)

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return
            self._held.append(connection)

    def __enter__(self) -> HangingPlatform:
        self._thread.start()
        return self

    def __exit__(self, *_: Any) -> None:
        self._stopped.set()
        self._listener.close()
        for connection in self._held:
            connection.close()
