"""A fresh machine with no channel secrets: the server starts, and every messaging channel says
it is not configured instead of failing the start-up (the stack starts as `make run` does)."""

from __future__ import annotations

import os

import pytest
import requests

from tests.conftest import Servers
from tools.stack import channel_env_defaults

pytestmark = pytest.mark.e2e

CHANNELS = ["telegram", "slack", "facebook", "twilio", "whatsapp", "callback"]


@pytest.fixture(scope="module")
def unconfigured(servers: Servers) -> Servers:
    set_here = sorted(name for name in channel_env_defaults() if os.environ.get(name))
    if set_here:
        pytest.skip(f"channel settings are set in this environment: {set_here}")
    return servers


@pytest.mark.parametrize("channel", CHANNELS)
def test_an_unconfigured_channel_answers_503(unconfigured: Servers, channel: str) -> None:
    for method, path in [("post", "webhook"), ("get", "webhook"), ("get", "")]:
        reply = requests.request(method, f"{unconfigured.url}/webhooks/{channel}/{path}",
                                 data=b"{}", timeout=30)
        assert reply.status_code == 503
        assert reply.json()["error"] == "channel not configured"


def test_each_unconfigured_channel_warned_once(unconfigured: Servers) -> None:
    log = unconfigured.log.read_text()
    for channel in CHANNELS:
        assert log.count(f"The {channel} channel is not configured") == 1, channel


def test_the_rest_channel_still_answers(unconfigured: Servers) -> None:
    assert unconfigured.say("hello").topics == ["greeting"]


def test_every_variable_credentials_yml_names_has_a_default() -> None:
    names = channel_env_defaults()
    assert {"TELEGRAM_TOKEN", "SLACK_SIGNING_SECRET", "FACEBOOK_APP_SECRET", "TWILIO_AUTH_TOKEN",
            "CALLBACK_URL"} <= set(names)
    assert set(names.values()) == {""}
