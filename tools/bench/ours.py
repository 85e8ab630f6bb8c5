"""Our assistant as a benchmark target: its training time and its servers under load."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tools.bench.procs import Served, timed_command
from tools.bench.stock import RASA, TRAIN_TIMEOUT_S
from tools.stack import MODEL, ROOT, running_stack


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
def running_ours(work: Path, model: Path = MODEL) -> Iterator[Served]:
    """The trained model behind `rasa run` with the action server (tools.stack), as a target;
    start-up time is until both answer their health checks."""
    with running_stack(work, model=model) as stack:
        yield Served(url=stack.url, pids=dict(stack.pids), log=stack.log,
                     start_seconds=stack.start_seconds, extra={"model": str(model)})
