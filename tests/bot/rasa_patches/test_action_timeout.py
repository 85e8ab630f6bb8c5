"""Rasa gives up on a silent action server after ACTION_TIMEOUT_S, not after five minutes."""

from __future__ import annotations

import asyncio
import time

import pytest
import rasa.core.actions.action as rasa_action
from aiohttp import web
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.constants import DEFAULT_REQUEST_TIMEOUT
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot import rasa_patches
from bot.rasa_patches import action_timeout
from tools.stack import free_port


def test_default_is_three_seconds() -> None:
    assert action_timeout.action_timeout({}) == 3.0


def test_environment_sets_it() -> None:
    assert action_timeout.action_timeout({"ACTION_TIMEOUT_S": "1.5"}) == 1.5


@pytest.mark.parametrize("value", ["0", "-1", "soon", "nan", "inf"])
def test_nonsense_is_refused(value: str) -> None:
    with pytest.raises(ValueError, match="ACTION_TIMEOUT_S"):
        action_timeout.action_timeout({"ACTION_TIMEOUT_S": value})


def test_install_applies_it_to_rasas_action_calls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACTION_TIMEOUT_S", "0.5")
    rasa_patches.install()
    assert rasa_action.DEFAULT_REQUEST_TIMEOUT == 0.5
    rasa_patches.uninstall()
    assert rasa_action.DEFAULT_REQUEST_TIMEOUT == DEFAULT_REQUEST_TIMEOUT


async def _call_slow_action_server(sleep_s: float) -> float:
    """Runs Rasa's own RemoteAction against a local server that answers after sleep_s."""

    async def slow(_: web.Request) -> web.Response:
        await asyncio.sleep(sleep_s)
        return web.json_response({"events": [], "responses": []})

    app = web.Application()
    app.router.add_post("/webhook", slow)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    action = RemoteAction(
        "action_answer", EndpointConfig(url=f"http://127.0.0.1:{port}/webhook")
    )
    started = time.monotonic()
    try:
        with pytest.raises(asyncio.TimeoutError):
            await action.run(
                CollectingOutputChannel(),
                TemplatedNaturalLanguageGenerator({}),
                DialogueStateTracker("patient", []),
                Domain.empty(),
            )
        return time.monotonic() - started
    finally:
        await runner.cleanup()


def test_a_slow_action_server_is_given_up_on_in_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACTION_TIMEOUT_S", "0.5")
    rasa_patches.install()
    waited = asyncio.run(_call_slow_action_server(sleep_s=5))
    assert 0.4 < waited < 2
