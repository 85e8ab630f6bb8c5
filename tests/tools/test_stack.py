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
