"""`make run-prod` stops on SIGTERM: no server process and no open port of Rasa, the action
server, nginx or the widget server is left (PostgreSQL and Redis stay up, as documented)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.processes import STOP_WITHIN_S, alive, descendants, kill_tree, listening
from tools.prod.stack import profile_env, services
from tools.stack import ROOT, free_port, wait_until_up

pytestmark = pytest.mark.prod


def test_sigterm_stops_every_server_of_the_production_profile(tmp_path: Path) -> None:
    # Ports of its own, from the environment, so another profile on this machine is untouched.
    ports = {"PROXY_PORT": free_port(), "ACTION_PORT": free_port(), "WIDGET_PORT": free_port()}
    rasa = [free_port(), free_port()]
    env = {**os.environ, **{name: str(port) for name, port in ports.items()},
           "RASA_PORTS": " ".join(map(str, rasa))}
    env["ACTION_ENDPOINT_URL"] = f"http://127.0.0.1:{ports['ACTION_PORT']}/webhook"
    log = tmp_path / "run-prod.log"
    with log.open("w") as out:
        supervisor = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "python"), "-m", "tools.prod.stack"], cwd=ROOT,
            env={**env, "PYTHONPATH": str(ROOT)}, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_until_up(f"http://127.0.0.1:{ports['PROXY_PORT']}/health", [supervisor], log)
        deadline = time.monotonic() + 120
        while "Serving on" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.2)
        servers = descendants(supervisor.pid)
        assert len(servers) >= 5
        supervisor.send_signal(signal.SIGTERM)
        started = time.monotonic()
        supervisor.wait(timeout=STOP_WITHIN_S + 5)
        while any(alive(pid) for pid in servers) and time.monotonic() - started < STOP_WITHIN_S:
            time.sleep(0.1)
        assert time.monotonic() - started <= STOP_WITHIN_S + 5
        assert [pid for pid in servers if alive(pid)] == []
        open_ports = [port for port in [*ports.values(), *rasa] if listening(port)]
        assert open_ports == []
        assert "SIGTERM: servers stopped." in log.read_text()
    finally:
        kill_tree(supervisor.pid)
        services("stop", profile_env())
