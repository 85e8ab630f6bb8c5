"""Starts the action server and `rasa run` on free local ports, for tests, eval and benchmarks."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import redis
import requests

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "models" / "calcifications.tar.gz"
START_TIMEOUT_S = 180
REDIS_START_TIMEOUT_S = 20
# How long servers get to stop on SIGTERM before they are killed: what systemd, Docker and
# Kubernetes allow by default is 10 s or more, and the profiles promise a stop within 10 s.
STOP_GRACE_S = 6.0
CREDENTIALS = ROOT / "credentials.yml"


def channel_env_defaults() -> dict[str, str]:
    """Empty values for the variables credentials.yml names: Rasa refuses to start while one is
    unset, and a messaging channel without its secrets only answers 503 (docs/channels.md)."""
    return {name: "" for name in re.findall(r"\$\{(\w+)\}", CREDENTIALS.read_text())}


class StackError(RuntimeError):
    """A server did not start; the message ends with the tail of its log."""


def exit_cleanly_on_sigterm() -> None:
    """Turns SIGTERM into SystemExit, so that `kill` of a tool still runs its `with` blocks and
    stops the servers it started instead of leaving them running."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Stack:
    url: str
    action_url: str
    tracker_db: Path
    log: Path
    pids: dict[str, int]
    start_seconds: float
    action_token: str = ""


def wait_until_up(
    url: str, processes: Sequence[subprocess.Popen], log: Path, timeout: float = START_TIMEOUT_S
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(process.poll() is not None for process in processes):
            raise StackError(f"a server exited during start-up:\n{log.read_text()[-4000:]}")
        try:
            if requests.get(url, timeout=2).ok:
                return
        except (requests.ConnectionError, requests.Timeout):
            pass  # not listening yet, or listening while its workers still load the model
        time.sleep(0.2)
    raise StackError(f"{url} did not come up in {timeout} s:\n{log.read_text()[-4000:]}")


def _signal(process: subprocess.Popen, signum: int) -> None:
    """Signals the process, and its whole group when it leads one (started in a new session),
    so that worker processes it forked are never left behind."""
    try:
        if os.getpgid(process.pid) == process.pid:
            os.killpg(process.pid, signum)
        else:
            process.send_signal(signum)
    except ProcessLookupError:
        pass


def stop(processes: Sequence[subprocess.Popen], grace: float = STOP_GRACE_S) -> None:
    """SIGTERM to every server at once; whatever still runs after `grace` seconds in all (a
    send hung on a platform, a graceful shutdown waiting for it) is killed with its group."""
    for process in processes:
        _signal(process, signal.SIGTERM)
    deadline = time.monotonic() + grace
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _signal(process, signal.SIGKILL)
            process.wait()


@contextmanager
def serving(
    commands: dict[str, list[str]],
    health_urls: Sequence[str],
    *,
    cwd: Path,
    env: dict[str, str],
    log: Path,
    timeout: float = START_TIMEOUT_S,
) -> Iterator[tuple[dict[str, int], float]]:
    """Starts the server commands (one shared log), waits until every health URL answers,
    yields their pids and the seconds that took, and stops them afterwards."""
    started = time.monotonic()
    with log.open("w") as out:
        processes = {
            name: subprocess.Popen(command, cwd=cwd, env=env, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
            for name, command in commands.items()
        }
    try:
        for url in health_urls:
            wait_until_up(url, list(processes.values()), log, timeout)
        yield {name: process.pid for name, process in processes.items()}, (
            time.monotonic() - started
        )
    finally:
        stop(list(processes.values()))


def action_server_command(port: int) -> list[str]:
    """The project's action server (actions/server.py) on a port."""
    return [sys.executable, "-m", "actions.server", "--port", str(port)]


@contextmanager
def running_stack(work: Path, model: Path = MODEL, extra_env: dict[str, str] | None = None,
                  endpoints: Path = ROOT / "endpoints.yml") -> Iterator[Stack]:
    """The trained model behind `rasa run`, with the action server, both on free ports."""
    if not model.exists():
        raise StackError(f"{model} is missing: run `make train`")
    work.mkdir(parents=True, exist_ok=True)
    action_port, rasa_port = free_port(), free_port()
    env = {
        **channel_env_defaults(),
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{action_port}/webhook",
        "TRACKER_DB": str(work / "trackers.db"),
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "RASA_TELEMETRY_ENABLED": "false",
        "SANIC_WORKERS": "1",
        "ACTION_SERVER_TOKEN": secrets.token_hex(16),
        **(extra_env or {}),
    }
    commands = {
        "actions": action_server_command(action_port),
        "rasa": [sys.executable, "-m", "bot.serve", "run", "--model", str(model), "-i", "127.0.0.1",
                 "--port", str(rasa_port), "--credentials", "credentials.yml",
                 "--endpoints", str(endpoints)],
    }
    health = [f"http://127.0.0.1:{action_port}/health",
              f"http://127.0.0.1:{rasa_port}/webhooks/rest/"]
    log = work / "servers.log"
    with serving(commands, health, cwd=ROOT, env=env, log=log) as (pids, seconds):
        yield Stack(
            url=f"http://127.0.0.1:{rasa_port}",
            action_url=f"http://127.0.0.1:{action_port}",
            tracker_db=work / "trackers.db",
            log=log,
            pids=pids,
            start_seconds=seconds,
            action_token=env["ACTION_SERVER_TOKEN"],
        )


@contextmanager
def running_redis(work: Path) -> Iterator[int]:
    """A throw-away Redis on a free loopback port (installed from Debian's packages if missing),
    for the tests of the Redis lock store; yields its port."""
    subprocess.run(["bash", str(ROOT / "scripts" / "prod" / "install.sh"), "redis"], check=True)
    port = free_port()
    with (work / "redis.log").open("w") as log:
        process = subprocess.Popen(
            [shutil.which("redis-server") or "/usr/bin/redis-server", "--bind", "127.0.0.1",
             "--port", str(port), "--save", "", "--appendonly", "no"],
            stdout=log, stderr=subprocess.STDOUT)
    try:
        client = redis.Redis(host="127.0.0.1", port=port)
        deadline = time.monotonic() + REDIS_START_TIMEOUT_S
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError as error:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise StackError(f"Redis did not start on port {port}") from error
                time.sleep(0.1)
        yield port
    finally:
        stop([process])
