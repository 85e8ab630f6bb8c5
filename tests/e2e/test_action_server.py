"""The action server against real Rasa: only Rasa may call it, and when it is down or slow the
patient still gets an answer in time, the message is kept, and the conversation goes on."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

import pytest
import requests

from bot.channels.unavailable import REASON, unavailable_text
from bot.content.review import all_items, current_state
from bot.settings import settings
from tests.conftest import Reply, Servers, new_sender
from tests.processes import kill_tree
from tools.stack import (
    ROOT,
    Stack,
    StackError,
    action_server_command,
    free_port,
    running_stack,
    wait_until_up,
)

pytestmark = pytest.mark.e2e

PROMISE_S = 5
SMALL_TALK_CALL = {
    "next_action": "action_small_talk",
    "sender_id": "probe",
    "version": "3.6.21",
    "domain": {},
    "tracker": {"sender_id": "probe", "slots": {}, "events": [],
                "latest_message": {"intent": {"name": "greeting"}, "entities": [], "text": "hi"}},
}


class ActionServer:
    """Stops, replaces and restarts the stack's action server on its port."""

    def __init__(self, stack: Stack, work: Path) -> None:
        self.url = stack.action_url
        self.port = urlparse(stack.action_url).port or 0
        self.token = stack.action_token
        self.log = work / "actions-restarted.log"
        self._pid: int | None = stack.pids["actions"]
        self._process: subprocess.Popen | None = None

    def is_up(self) -> bool:
        try:
            return requests.get(f"{self.url}/health", timeout=1).ok
        except requests.RequestException:
            return False

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=30)
        elif self._pid is not None:
            os.kill(self._pid, signal.SIGTERM)  # the stack reaps it when it stops
        self._pid = self._process = None
        deadline = time.monotonic() + 30
        while self.is_up() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not self.is_up(), "the action server did not stop"

    def start(self) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "ACTION_SERVER_TOKEN": self.token}
        with self.log.open("a") as out:
            self._process = subprocess.Popen(
                action_server_command(self.port), cwd=ROOT, env=env, stdout=out,
                stderr=subprocess.STDOUT,
            )
        wait_until_up(f"{self.url}/health", [self._process], self.log, timeout=60)

    def close(self) -> None:
        """Stops a server this object started (the stack stops the one it started)."""
        if self._process is not None:
            self.stop()

    @contextmanager
    def stopped(self) -> Iterator[None]:
        self.stop()
        try:
            yield
        finally:
            self.start()

    @contextmanager
    def replaced_by_a_slow_fake(self, delay_s: float) -> Iterator[list[str]]:
        """A server on the action server's port that answers /health but sits on every call;
        yields the paths it was called on."""
        calls: list[str] = []
        release = threading.Event()

        class Slow(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                self.send_response(200)
                self.end_headers()

            def do_POST(self) -> None:  # noqa: N802
                calls.append(self.path)
                release.wait(delay_s)

            def log_message(self, *_: object) -> None:
                return None

        with self.stopped():
            fake = ThreadingHTTPServer(("127.0.0.1", self.port), Slow)
            fake.daemon_threads = True
            thread = threading.Thread(target=fake.serve_forever, daemon=True)
            thread.start()
            try:
                yield calls
            finally:
                release.set()
                fake.shutdown()
                fake.server_close()


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Stack, Path]]:
    """Servers of this module's own, since these tests stop and replace the action server."""
    work = tmp_path_factory.mktemp("action-server")
    try:
        with running_stack(work) as stack:
            yield stack, work
    except StackError as error:
        pytest.fail(str(error))


@pytest.fixture()
def servers(stack: tuple[Stack, Path]) -> Servers:
    return Servers(url=stack[0].url, tracker_db=stack[0].tracker_db, log=stack[0].log)


@pytest.fixture(scope="module")
def control(stack: tuple[Stack, Path]) -> Iterator[ActionServer]:
    control = ActionServer(*stack)
    yield control
    control.close()


@pytest.fixture()
def action_server(control: ActionServer) -> Iterator[ActionServer]:
    yield control
    assert control.is_up(), "a test left the action server down"


def timed_say(servers: Servers, message: str, sender: str) -> tuple[Reply, float]:
    started = time.monotonic()
    reply = servers.say(message, sender)
    return reply, time.monotonic() - started


def stored_user_texts(servers: Servers, sender: str) -> list[str]:
    with sqlite3.connect(servers.tracker_db) as db:
        rows = db.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user'", (sender,)
        ).fetchall()
    return [json.loads(data)["text"] for (data,) in rows]


def assert_apology(reply: Reply) -> None:
    assert [m.get("text") for m in reply.messages if "text" in m] == [unavailable_text()]
    assert reply.customs == [{"topic": "fallback", "reason": REASON}]
    assert reply.recommends_provider
    assert settings().clinic_phone in reply.text


def test_the_webhook_refuses_calls_without_the_token(action_server: ActionServer) -> None:
    webhook = f"{action_server.url}/webhook"
    assert requests.post(webhook, json=SMALL_TALK_CALL, timeout=10).status_code == 403
    wrong = {"X-Action-Token": "not-the-token"}
    assert requests.post(webhook, json=SMALL_TALK_CALL, headers=wrong, timeout=10
                         ).status_code == 403
    assert requests.get(f"{action_server.url}/actions", timeout=10).status_code == 403
    health = requests.get(f"{action_server.url}/health", timeout=10)
    assert health.status_code == 200
    # The health route reports the clinical review state of every answer it serves.
    reported = health.json()["content_review"]
    pending = reported["changed"] + reported["unreviewed"]
    assert reported["reviewed"] + len(pending) == len(all_items())
    assert set(pending) == set(current_state().pending)
    right = {"X-Action-Token": action_server.token}
    served = requests.post(webhook, json=SMALL_TALK_CALL, headers=right, timeout=10)
    assert served.status_code == 200
    assert served.json()["responses"]


def test_rasa_calls_with_the_token(servers: Servers) -> None:
    assert servers.say("hello").topics == ["greeting"]


def test_action_server_down_apology_in_time_and_the_conversation_goes_on(
    servers: Servers, action_server: ActionServer
) -> None:
    sender = new_sender()
    assert servers.say("what are calcifications?", sender).topics == ["what_are_calcifications"]
    with action_server.stopped():
        reply, seconds = timed_say(servers, "do I need a biopsy?", sender)
        assert seconds < PROMISE_S
        assert_apology(reply)
    reply = servers.say("should I stop my calcium pills?", sender)
    assert reply.topics == ["dietary_calcium"]
    assert stored_user_texts(servers, sender) == [
        "what are calcifications?", "do I need a biopsy?", "should I stop my calcium pills?"
    ]


def test_slow_action_server_apology_in_time_and_the_conversation_goes_on(
    servers: Servers, action_server: ActionServer
) -> None:
    sender = new_sender()
    with action_server.replaced_by_a_slow_fake(delay_s=30) as calls:
        reply, seconds = timed_say(servers, "do I need a biopsy?", sender)
        assert calls == ["/webhook"], "Rasa never waited on the slow server"
        assert seconds < PROMISE_S
        assert_apology(reply)
    reply = servers.say("are these white spots cancer?", sender)
    assert reply.topics == ["are_they_cancer"]
    assert reply.recommends_provider
    assert stored_user_texts(servers, sender) == [
        "do I need a biopsy?", "are these white spots cancer?"
    ]


def test_action_server_runs_the_workers_asked_for(tmp_path: Path) -> None:
    """ACTION_SERVER_WORKERS=2 starts two Sanic workers, and each one checks the token."""
    port = free_port()
    token = "workers-test-token"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ACTION_SERVER_TOKEN": token,
           "ACTION_SERVER_WORKERS": "2"}
    log = tmp_path / "actions.log"
    with log.open("w") as out:
        process = subprocess.Popen(action_server_command(port), cwd=ROOT, env=env, stdout=out,
                                   stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_up(f"{url}/health", [process], log, timeout=60)
        workers = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
        assert len(workers) == 2
        calls = [requests.post(f"{url}/webhook", json=SMALL_TALK_CALL, timeout=10,
                               headers={"X-Action-Token": token}) for _ in range(4)]
        assert [call.status_code for call in calls] == [200] * 4
        assert requests.post(f"{url}/webhook", json=SMALL_TALK_CALL, timeout=10
                             ).status_code == 403
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            # A slow stop on a loaded machine must not leave the server and its workers behind.
            kill_tree(process.pid)
            process.wait()
