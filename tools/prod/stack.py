"""The production profile on this machine, as one object that can be started, hurt and stopped.

`make run-prod` serves it until Ctrl-C (`python -m tools.prod.stack`); `make loadtest` and the
tests marked `prod` use the same `running_prod()` to kill a Rasa instance, restart PostgreSQL or
stop the action server mid-run. PostgreSQL and Redis are the profile's own instances, installed
from Debian's packages and started by scripts/prod/; their ports and the secrets come from
scripts/prod/env.sh, so the shell scripts and this module share one set of defaults.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from bot.metrics import MULTIPROC_ENV
from bot.settings import load_settings
from tools.stack import MODEL, ROOT, StackError, channel_env_defaults, stop, wait_until_up

SCRIPTS = ROOT / "scripts" / "prod"


def profile_env() -> dict[str, str]:
    """The environment scripts/prod/env.sh builds (ports, paths, secrets) over ours."""
    output = subprocess.run(
        ["bash", "-c", f"source {SCRIPTS / 'env.sh'} && env -0"],
        check=True, capture_output=True, cwd=ROOT,
    ).stdout
    env = dict(item.split("=", 1) for item in output.decode().split("\0") if "=" in item)
    env = {**channel_env_defaults(), **env}
    env.update({"PYTHONPATH": str(ROOT), "RASA_TELEMETRY_ENABLED": "false",
                "TF_CPP_MIN_LOG_LEVEL": "2", "SQLALCHEMY_SILENCE_UBER_WARNING": "1"})
    return env


def services(command: str, env: dict[str, str]) -> None:
    subprocess.run(["bash", str(SCRIPTS / "services.sh"), command], check=True, cwd=ROOT,
                   env=env, stdout=subprocess.DEVNULL)


@dataclass
class ProdStack:
    env: dict[str, str]
    logs: Path
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.env['PROXY_PORT']}"

    @property
    def rasa_ports(self) -> list[str]:
        return self.env["RASA_PORTS"].split()

    @property
    def auth_token(self) -> str:
        return self.env["RASA_AUTH_TOKEN"]

    def _start(self, name: str, command: list[str], health: str, metrics: bool = False
               ) -> None:
        log = self.logs / f"{name}.log"
        env = self.env
        if metrics:
            # Each server's workers add up their Prometheus figures in a directory of its own,
            # emptied at every start (bot/metrics.py, docs/deploy.md "Metrics").
            folder = Path(self.env["PROD_DIR"]) / "metrics" / name
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            env = {**self.env, MULTIPROC_ENV: str(folder)}
        with log.open("a") as out:
            process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out,
                                       stderr=subprocess.STDOUT, start_new_session=True)
        self.processes[name] = process
        wait_until_up(health, [process], log)

    def start_actions(self) -> None:
        port = self.env["ACTION_PORT"]
        self._start("actions", [sys.executable, "-m", "actions.server", "--port", port],
                    f"http://127.0.0.1:{port}/health", metrics=True)

    def start_rasa(self, index: int) -> None:
        port = self.rasa_ports[index]
        cors = load_settings(environ=self.env).origins
        self._start(
            f"rasa-{port}",
            [sys.executable, "-m", "bot.serve", "run", "--model", str(MODEL), "-i", "127.0.0.1",
             "--port", port, "--credentials", "credentials.yml",
             "--endpoints", "deploy/endpoints.prod.yml", "--enable-api",
             "--auth-token", self.auth_token, "--cors", *cors],
            f"http://127.0.0.1:{port}/",
            metrics=True,
        )

    def start_widget(self) -> None:
        port = self.env["WIDGET_PORT"]
        self._start("widget", [sys.executable, "-m", "bot.widget_server", "--host", "127.0.0.1",
                               "--port", port, "--rasa-url", self.url,
                               "--endpoints", "deploy/endpoints.prod.yml"],
                    f"http://127.0.0.1:{port}/")

    def start_nginx(self) -> None:
        nginx_dir = Path(self.env["PROD_DIR"]) / "nginx"
        subprocess.run([sys.executable, "-m", "tools.prod.nginx", str(nginx_dir)], check=True,
                       cwd=ROOT, env=self.env)
        self._start("nginx", [_nginx(), "-c", str(nginx_dir / "nginx.conf"), "-p",
                              str(nginx_dir), "-g", "daemon off;"], f"{self.url}/health")

    def kill(self, name: str) -> None:
        """Kills a server at once (SIGKILL), as a crash would."""
        process = self.processes.pop(name)
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def stop(self, name: str) -> None:
        stop([self.processes.pop(name)])

    def restart_postgres(self) -> None:
        services("restart-postgres", self.env)

    def restart_redis(self) -> None:
        services("restart-redis", self.env)

    def stop_all(self) -> None:
        order = ["nginx", "widget", *(f"rasa-{p}" for p in self.rasa_ports), "actions"]
        stop([self.processes.pop(name) for name in order if name in self.processes])


def _nginx() -> str:
    for candidate in ("/usr/sbin/nginx", "/usr/bin/nginx"):
        if Path(candidate).exists():
            return candidate
    raise StackError("nginx is missing: run scripts/prod/install.sh")


@contextmanager
def running_prod(logs: Path | None = None, stop_databases: bool = False) -> Iterator[ProdStack]:
    """Installs what is missing, starts PostgreSQL and Redis, then the action server, every
    Rasa instance, the widget server and nginx; stops the servers after, and the databases too
    with `stop_databases` (tests and load tests leave nothing running, nor holding the ports
    that another checkout's profile would need)."""
    if not MODEL.exists():
        raise StackError(f"{MODEL} is missing: run `make train`")
    subprocess.run(["bash", str(SCRIPTS / "install.sh")], check=True, cwd=ROOT)
    env = profile_env()
    try:
        services("start", env)
        logs = logs or Path(env["PROD_DIR"]) / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        stack = ProdStack(env=env, logs=logs)
        try:
            stack.start_actions()
            for index in range(len(stack.rasa_ports)):
                stack.start_rasa(index)
            stack.start_widget()
            stack.start_nginx()
            yield stack
        finally:
            stack.stop_all()
    finally:
        if stop_databases:
            services("stop", env)


def _stop_on_signal(signum: int, frame: object) -> None:
    """SIGTERM is handled as Ctrl-C is: unwind, stopping every server on the way out."""
    # A second signal must not interrupt the stopping that the first one starts.
    for other in (signal.SIGTERM, signal.SIGINT):
        signal.signal(other, signal.SIG_IGN)
    raise KeyboardInterrupt(signal.Signals(signum).name)


def main() -> None:
    # A Python handler, not a blocked mask: the servers started below must not inherit
    # blocked signals, and a signal during start-up must stop what has started so far.
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, _stop_on_signal)
    started = time.monotonic()
    try:
        with running_prod() as stack:
            print(f"Serving on {stack.url} (Rasa on {', '.join(stack.rasa_ports)}; logs in "
                  f"{stack.logs}) after {time.monotonic() - started:.0f} s. Ctrl-C or SIGTERM "
                  "stops it; PostgreSQL and Redis stay up.", flush=True)
            while True:
                signal.pause()
    except KeyboardInterrupt as stopped:
        print(f"{stopped}: servers stopped.", flush=True)


if __name__ == "__main__":
    main()
