"""`make run` stops cleanly: SIGTERM to make leaves no server process and no open port."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from bot.content.review import REQUIRE_ENV, current_state
from tests.processes import STOP_WITHIN_S, alive, descendants, kill_tree, listening
from tools.stack import ROOT, channel_env_defaults, free_port, wait_until_up

pytestmark = pytest.mark.e2e

def sigterm_to_make(make: subprocess.Popen) -> None:
    """What systemd (main process) and Docker (PID 1) send."""
    make.send_signal(signal.SIGTERM)


def sigterm_to_the_group(make: subprocess.Popen) -> None:
    """What a supervisor that stops a whole process group sends (tools/stack.py's stop):
    make passes it on, so scripts/serve.sh gets it twice."""
    os.killpg(make.pid, signal.SIGTERM)


def ctrl_c(make: subprocess.Popen) -> None:
    """A terminal sends SIGINT to its whole foreground process group."""
    os.killpg(make.pid, signal.SIGINT)


@pytest.mark.parametrize("send", [sigterm_to_make, sigterm_to_the_group, ctrl_c])
def test_a_signal_to_make_run_stops_every_server(tmp_path: Path, send) -> None:
    ports = {"RASA_PORT": free_port(), "ACTION_PORT": free_port(), "WIDGET_PORT": free_port()}
    env = {**os.environ, **channel_env_defaults(), **{k: str(v) for k, v in ports.items()},
           "TRACKER_DB": str(tmp_path / "trackers.db"),
           "ACTION_ENDPOINT_URL": f"http://localhost:{ports['ACTION_PORT']}/webhook"}
    log = tmp_path / "run.log"
    with log.open("w") as out:
        make = subprocess.Popen(["make", "--no-print-directory", "run"], cwd=ROOT, env=env,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_until_up(f"http://127.0.0.1:{ports['RASA_PORT']}/", [make], log)
        wait_until_up(f"http://127.0.0.1:{ports['WIDGET_PORT']}/", [make], log)
        servers = descendants(make.pid)
        assert len(servers) >= 3
        send(make)
        started = time.monotonic()
        make.wait(timeout=STOP_WITHIN_S + 5)
        while any(alive(pid) for pid in servers) and time.monotonic() - started < STOP_WITHIN_S:
            time.sleep(0.1)
        assert time.monotonic() - started <= STOP_WITHIN_S
        assert [pid for pid in servers if alive(pid)] == []
        assert [name for name, port in ports.items() if listening(port)] == []
    finally:
        kill_tree(make.pid)


def test_make_run_stops_at_start_up_when_reviews_are_required_and_missing(
    tmp_path: Path,
) -> None:
    pending = current_state().pending
    if not pending:
        pytest.skip("every shipped answer is signed")
    ports = {"RASA_PORT": free_port(), "ACTION_PORT": free_port(), "WIDGET_PORT": free_port()}
    env = {**os.environ, **channel_env_defaults(), **{k: str(v) for k, v in ports.items()},
           "TRACKER_DB": str(tmp_path / "trackers.db"), REQUIRE_ENV: "1"}
    make = subprocess.run(["make", "--no-print-directory", "run"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300, start_new_session=True)
    assert make.returncode != 0
    assert "will not start" in make.stderr and ", ".join(pending) in make.stderr
    assert [name for name, port in ports.items() if listening(port)] == []
