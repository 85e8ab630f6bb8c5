"""Our assistant as a benchmark target: its training time and `make run` under load.

It is served exactly as a clinic starts it, by `make run` (scripts/serve.sh: one Rasa worker
per core sharing the SQLite conversations and locks, the action server and the widget's
page), on free ports and with its own conversation file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tools.bench.procs import BenchError, Served, timed_command
from tools.bench.stock import RASA, TRAIN_TIMEOUT_S
from tools.stack import MODEL, ROOT, free_port, serving


def workers() -> int:
    """How many Rasa workers `make run` starts here: SANIC_WORKERS, else one per core."""
    return int(os.environ.get("SANIC_WORKERS") or len(os.sched_getaffinity(0)))


def server_pid(module: str, port: int) -> int:
    """The process running `python -m <module> ... --port <port>` (started by scripts/serve.sh
    in a session of its own)."""
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            argv = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        words = [word.decode(errors="replace") for word in argv]
        if module in words and any(words[i:i + 2] == ["--port", str(port)]
                                   for i in range(len(words))):
            return int(cmdline.parent.name)
    raise BenchError(f"no process runs {module} on port {port}")


def train(logs: Path) -> float:
    """Seconds for a full `rasa train --force` of our project into a temporary folder.

    The model served (models/calcifications.tar.gz) is left alone, and the component cache
    goes to the temporary folder too, so that a `make train` running beside us is undisturbed.
    """
    with tempfile.TemporaryDirectory(prefix="bench-train-") as tmp:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "RASA_TELEMETRY_ENABLED": "false",
               "TF_CPP_MIN_LOG_LEVEL": "2", "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
               "RASA_CACHE_DIRECTORY": str(Path(tmp) / "cache")}
        return timed_command(
            [str(RASA), "train", "--force", "--fixed-model-name", "bench", "--out", tmp],
            cwd=ROOT, env=env, log=logs / "ours-train.log", timeout_s=TRAIN_TIMEOUT_S,
        )


@contextmanager
def running_ours(work: Path) -> Iterator[Served]:
    """`make run` on free ports, as a target; start-up time is until Rasa and the action
    server answer their health checks."""
    work.mkdir(parents=True, exist_ok=True)
    rasa_port, action_port, widget_port = free_port(), free_port(), free_port()
    env = {**os.environ, "RASA_PORT": str(rasa_port), "ACTION_PORT": str(action_port),
           "WIDGET_PORT": str(widget_port), "TRACKER_DB": str(work / "trackers.db"),
           "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{action_port}/webhook",
           "RASA_URL": f"http://127.0.0.1:{rasa_port}", "SANIC_WORKERS": str(workers())}
    url = f"http://127.0.0.1:{rasa_port}"
    health = [f"http://127.0.0.1:{action_port}/health", f"{url}/webhooks/rest/"]
    log = work / "make-run.log"
    with serving({"make run": ["make", "--no-print-directory", "run"]}, health, cwd=ROOT,
                 env=env, log=log) as (_, seconds):
        pids = {"rasa": server_pid("bot.serve", rasa_port),
                "actions": server_pid("actions.server", action_port)}
        yield Served(url=url, pids=pids, log=log, start_seconds=seconds,
                     extra={"model": str(MODEL), "command": "make run",
                            "sanic_workers": workers(),
                            "lock_store": "bot.lock_store.SQLiteLockStore"})
