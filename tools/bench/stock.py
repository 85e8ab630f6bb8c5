"""The reference: the bot `rasa init` creates, trained and served by the project's own Rasa.

Its default config (DIET, ResponseSelector, Memoization, Rule, UnexpecTED and TED policies) is
what a Rasa 3.6 assistant costs out of the box, so it is what our pipeline is compared with.
The project lives in build/bench/stock and is created once; later runs reuse it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tools.bench.procs import BenchError, Served, timed_command
from tools.stack import ROOT, free_port, serving

STOCK_DIR = ROOT / "build" / "bench" / "stock"
RASA = Path(sys.executable).with_name("rasa")
TRAIN_TIMEOUT_S = 900
START_TIMEOUT_S = 180


def stock_env() -> dict[str, str]:
    """The environment without our PYTHONPATH: the stock bot must not see our code."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    env.update({"RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2",
                "SQLALCHEMY_SILENCE_UBER_WARNING": "1"})
    return env


def latest_model(project: Path) -> Path | None:
    """The newest trained model of the project, None if it has none."""
    models = sorted((project / "models").glob("*.tar.gz"), key=lambda path: path.stat().st_mtime)
    return models[-1] if models else None


def ensure_project(project: Path, logs: Path) -> bool:
    """Creates the project with `rasa init --no-prompt` (which also trains it) unless it is
    already there; returns True if it had to be created."""
    if (project / "config.yml").exists() and (project / "domain.yml").exists():
        return False
    project.mkdir(parents=True, exist_ok=True)
    timed_command([str(RASA), "init", "--no-prompt", "--init-dir", str(project)],
                  cwd=project, env=stock_env(), log=logs / "stock-init.log",
                  timeout_s=TRAIN_TIMEOUT_S)
    if latest_model(project) is None:
        raise BenchError(f"`rasa init` left no model in {project / 'models'}")
    return True


def train(project: Path, logs: Path) -> float:
    """Seconds for a full `rasa train --force` of the stock project (no cached components)."""
    return timed_command([str(RASA), "train", "--force", "--fixed-model-name", "stock"],
                         cwd=project, env=stock_env(), log=logs / "stock-train.log",
                         timeout_s=TRAIN_TIMEOUT_S)


@contextmanager
def running_stock(project: Path, work: Path) -> Iterator[Served]:
    """`rasa run` of the stock model on a free port (REST channel, in-memory trackers, no
    action server: the stock bot's custom action is never predicted)."""
    model = latest_model(project)
    if model is None:
        raise BenchError(f"no trained stock model in {project / 'models'}")
    work.mkdir(parents=True, exist_ok=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = work / "stock.log"
    command = [sys.executable, "-m", "rasa", "run", "--model", str(model), "-i", "127.0.0.1",
               "--port", str(port)]
    with serving({"rasa": command}, [f"{url}/webhooks/rest/"], cwd=project, env=stock_env(),
                 log=log, timeout=START_TIMEOUT_S) as (pids, seconds):
        yield Served(url=url, pids=pids, log=log, start_seconds=seconds,
                     extra={"model": str(model)})
