"""With Rasa's `--cors` on, socket.io responses still carry one Access-Control-Allow-Origin
header (two make browsers refuse the response). Served by a bare Sanic app set up as
`rasa run` sets up its app, with the widget's channel registered."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from bot.settings import settings
from tools.stack import ROOT, free_port, serving

APP = """
import sys
from rasa.core.channels.channel import register
from rasa.server import configure_cors
from sanic import Sanic
from bot.channels.socketio import ClinicSocketIOInput

app = Sanic("cors_check", configure_logging=False)
configure_cors(app, sys.argv[2:])
register([ClinicSocketIOInput.from_credentials({"session_persistence": True})], app, "/webhooks/")
app.run(host="127.0.0.1", port=int(sys.argv[1]), access_log=False)
"""


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = {"app": [sys.executable, "-c", APP, str(port), *settings().origins]}
    log = Path(tmp_path_factory.mktemp("cors")) / "app.log"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with serving(command, [f"{url}/webhooks/socketio/"], cwd=ROOT, env=env, log=log, timeout=60):
        yield url


def handshake(url: str, origin: str) -> requests.Response:
    return requests.get(f"{url}/socket.io/", params={"EIO": "4", "transport": "polling"},
                        headers={"Origin": origin}, timeout=10)


def test_an_allowed_origin_gets_exactly_one_cors_header(url: str) -> None:
    origin = settings().origins[0]
    answer = handshake(url, origin)
    assert answer.status_code == 200
    assert answer.raw.headers.getlist("Access-Control-Allow-Origin") == [origin]


def test_another_origin_is_still_refused(url: str) -> None:
    answer = handshake(url, "https://not-the-clinic.example")
    assert answer.status_code == 400
    assert answer.raw.headers.getlist("Access-Control-Allow-Origin") == []
