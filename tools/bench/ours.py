"""Our assistant as a benchmark target: its training time and its servers under load.

It is served as we would on a small machine: `rasa run` with one Sanic worker per core
(BENCH_WORKERS, default the cores this process may use), which Rasa allows only with a shared
lock store, so a private Redis is started on a free port beside it for the project's atomic
lock store (bot/lock_store.py). The conversations stay in the SQLite file, which the workers
share (bot/tracker_store.py).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis
import yaml

from tools.bench.procs import Served, timed_command
from tools.bench.stock import RASA, TRAIN_TIMEOUT_S
from tools.stack import MODEL, ROOT, StackError, free_port, running_stack, stop

REDIS_START_TIMEOUT_S = 20


def workers() -> int:
    return int(os.environ.get("BENCH_WORKERS") or len(os.sched_getaffinity(0)))


@contextmanager
def running_redis(work: Path) -> Iterator[int]:
    """A throw-away Redis on a free loopback port (installed from Debian's packages if missing),
    for the Sanic workers' conversation locks; yields its port."""
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


def endpoints_with_redis_locks(work: Path, redis_port: int) -> Path:
    """The project's endpoints.yml plus a Redis lock store, written into `work`."""
    config = yaml.safe_load((ROOT / "endpoints.yml").read_text())
    config["lock_store"] = {"type": "bot.lock_store.AtomicRedisLockStore", "url": "127.0.0.1",
                            "port": redis_port, "db": 1}
    path = work / "endpoints.yml"
    path.write_text(yaml.safe_dump(config))
    return path


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
    count = workers()
    with running_redis(work) as redis_port:
        endpoints = endpoints_with_redis_locks(work, redis_port)
        with running_stack(work, model=model, endpoints=endpoints,
                           extra_env={"SANIC_WORKERS": str(count)}) as stack:
            yield Served(url=stack.url, pids=dict(stack.pids), log=stack.log,
                         start_seconds=stack.start_seconds,
                         extra={"model": str(model), "sanic_workers": count,
                                "lock_store": "bot.lock_store.AtomicRedisLockStore"})
