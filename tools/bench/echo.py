"""The floor: a bare Sanic app on Rasa's REST path that echoes the message, nothing else.

Same Sanic version, same single worker and same JSON shape as `rasa run`, so what it costs is
the HTTP and JSON part of every figure; the rest is Rasa, our pipeline and the action server.
Run as a script with the project's Python: `python tools/bench/echo.py --port 8123`.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from tools.bench.procs import Served
from tools.stack import ROOT, free_port, serving


def build_app() -> Sanic:
    """The Sanic app: GET /webhooks/rest/ (health, as Rasa's) and POST .../webhook."""
    app = Sanic("bench_echo")

    @app.get("/webhooks/rest/")
    async def health(_: Request) -> HTTPResponse:
        return response.json({"status": "ok"})

    @app.post("/webhooks/rest/webhook")
    async def webhook(request: Request) -> HTTPResponse:
        payload = request.json or {}
        sender = payload.get("sender", "")
        return response.json([{"recipient_id": sender, "text": payload.get("message", "")}])

    return app


def main(argv: list[str] | None = None) -> None:
    """Serves the echo app on 127.0.0.1 until terminated."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    build_app().run(host="127.0.0.1", port=args.port, workers=1, access_log=False, motd=False)


@contextmanager
def running_echo(work: Path) -> Iterator[Served]:
    """The echo server as a subprocess of the current (project) Python, on a free port."""
    work.mkdir(parents=True, exist_ok=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = work / "echo.log"
    command = [sys.executable, str(Path(__file__).resolve()), "--port", str(port)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with serving({"server": command}, [f"{url}/webhooks/rest/"], cwd=ROOT, env=env, log=log,
                 timeout=60) as (pids, seconds):
        yield Served(url=url, pids=pids, log=log, start_seconds=seconds)


if __name__ == "__main__":
    main()
