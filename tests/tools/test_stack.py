"""A tool stopped with `kill` still stops the servers it started."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

PROGRAM = """
import sys, time
from pathlib import Path
from tools.stack import exit_cleanly_on_sigterm
exit_cleanly_on_sigterm()
try:
    Path(sys.argv[1]).write_text("started")
    time.sleep(60)
finally:
    Path(sys.argv[1]).write_text("servers stopped")
"""


def test_sigterm_runs_the_cleanup(tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    tool = subprocess.Popen([sys.executable, "-c", PROGRAM, str(marker)])
    deadline = time.monotonic() + 30
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    tool.send_signal(signal.SIGTERM)
    assert tool.wait(timeout=30) == 128 + signal.SIGTERM
    assert marker.read_text() == "servers stopped"


SERVER_WITH_WORKER = """
import subprocess, sys, time
worker = subprocess.Popen(["sleep", "300"])
open(sys.argv[1], "w").write(str(worker.pid))
time.sleep(300)
"""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_stopping_a_server_stops_the_workers_it_started(tmp_path: Path) -> None:
    """Sanic's workers are children of `rasa run`: none may outlive the stack that started it."""
    from tools.stack import serving

    marker = tmp_path / "worker.pid"
    with serving({"server": [sys.executable, "-c", SERVER_WITH_WORKER, str(marker)]}, [],
                 cwd=tmp_path, env={}, log=tmp_path / "log"):
        deadline = time.monotonic() + 30
        while (not marker.exists() or not marker.read_text()) and time.monotonic() < deadline:
            time.sleep(0.05)
        worker = int(marker.read_text())
        assert _alive(worker)
    deadline = time.monotonic() + 10
    while _alive(worker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(worker)
