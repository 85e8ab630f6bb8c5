"""Shared fixtures: real Rasa and action servers for end-to-end tests, started once a session."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from bot.content import content

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "models" / "calcifications.tar.gz"
START_TIMEOUT_S = 180


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Reply:
    """The messages the REST webhook returned for one user message."""

    messages: list[dict[str, Any]]

    @property
    def topics(self) -> list[str]:
        return [m["custom"]["topic"] for m in self.messages if "topic" in m.get("custom", {})]

    @property
    def customs(self) -> list[dict[str, Any]]:
        return [m["custom"] for m in self.messages if "custom" in m]

    @property
    def text(self) -> str:
        return "\n".join(m.get("text", "") for m in self.messages)

    @property
    def buttons(self) -> list[dict[str, str]]:
        return [button for m in self.messages for button in m.get("buttons", [])]

    @property
    def recommends_provider(self) -> bool:
        return content().provider_line in self.text


@dataclass
class Servers:
    url: str
    tracker_db: Path
    log: Path

    def post(self, body: bytes | str) -> requests.Response:
        return requests.post(
            f"{self.url}/webhooks/rest/webhook",
            data=body,
            headers={"Content-Type": "application/json"},
            timeout=30,
        )

    def say(self, message: str, sender: str | None = None) -> Reply:
        response = requests.post(
            f"{self.url}/webhooks/rest/webhook",
            json={"sender": sender or new_sender(), "message": message},
            timeout=30,
        )
        response.raise_for_status()
        return Reply(response.json())


def new_sender() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"


def _wait_until_up(url: str, processes: list[subprocess.Popen], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        for process in processes:
            if process.poll() is not None:
                pytest.fail(f"a server exited during start-up:\n{log.read_text()[-4000:]}")
        try:
            if requests.get(url, timeout=2).ok:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.5)
    pytest.fail(f"{url} did not come up in {START_TIMEOUT_S} s:\n{log.read_text()[-4000:]}")


@pytest.fixture(scope="session")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    """The trained model served by `rasa run` and the action server, on free local ports."""
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` (make test does it first)")
    work = tmp_path_factory.mktemp("servers")
    action_port, rasa_port = free_port(), free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{action_port}/webhook",
        "TRACKER_DB": str(work / "trackers.db"),
        "TF_CPP_MIN_LOG_LEVEL": "2",
    }
    log = work / "servers.log"
    with log.open("w") as out:
        actions = subprocess.Popen(
            [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(action_port)],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
        rasa = subprocess.Popen(
            [sys.executable, "-m", "rasa", "run", "--model", str(MODEL), "-i", "127.0.0.1",
             "--port", str(rasa_port), "--credentials", "credentials.yml",
             "--endpoints", "endpoints.yml"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    processes = [actions, rasa]
    try:
        _wait_until_up(f"http://127.0.0.1:{action_port}/health", processes, log)
        _wait_until_up(f"http://127.0.0.1:{rasa_port}/webhooks/rest/", processes, log)
        yield Servers(
            url=f"http://127.0.0.1:{rasa_port}", tracker_db=work / "trackers.db", log=log
        )
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
