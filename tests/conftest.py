"""Shared fixtures: real Rasa and action servers for end-to-end tests, started once a session."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from hypothesis import settings as hypothesis_settings

from bot import rasa_patches
from bot.content import content
from tools.stack import StackError, running_stack

# Fuzz tests (hypothesis) stay quick and repeatable in `make test`; `make fuzz` searches longer
# with fresh examples each run.
hypothesis_settings.register_profile("quick", max_examples=40, deadline=None, derandomize=True,
                                     database=None)
hypothesis_settings.register_profile("fuzz", max_examples=2000, deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "quick"))


@pytest.fixture(autouse=True)
def _rasa_as_shipped() -> Iterator[None]:
    """Each test starts from Rasa as released and leaves it so: a test that needs the project's
    patches asks for `patched_rasa`, and one that builds a model (which installs them) gets
    them undone after."""
    rasa_patches.uninstall()
    yield
    rasa_patches.uninstall()


@pytest.fixture()
def patched_rasa() -> Iterator[None]:
    """Rasa with every patch of bot/rasa_patches/, undone after the test."""
    rasa_patches.install()
    yield
    rasa_patches.uninstall()


@dataclass
class Reply:
    """The messages the REST webhook returned for one user message."""

    messages: list[dict[str, Any]]

    @property
    def topics(self) -> list[str]:
        return [m["custom"]["topic"] for m in self.messages if "topic" in m.get("custom", {})]

    @property
    def customs(self) -> list[dict[str, Any]]:
        return [m["custom"] for m in self.messages if "custom" in m]

    @property
    def text(self) -> str:
        return "\n".join(m.get("text", "") for m in self.messages)

    @property
    def buttons(self) -> list[dict[str, str]]:
        return [button for m in self.messages for button in m.get("buttons", [])]

    @property
    def recommends_provider(self) -> bool:
        return content().provider_line in self.text


@dataclass
class Servers:
    url: str
    tracker_db: Path
    log: Path

    def post(self, body: bytes | str) -> requests.Response:
        return requests.post(
            f"{self.url}/webhooks/rest/webhook",
            data=body,
            headers={"Content-Type": "application/json"},
            timeout=30,
        )

    def say(self, message: str, sender: str | None = None) -> Reply:
        response = requests.post(
            f"{self.url}/webhooks/rest/webhook",
            json={"sender": sender or new_sender(), "message": message},
            timeout=30,
        )
        response.raise_for_status()
        return Reply(response.json())


def new_sender() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="session")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    """The trained model served by `rasa run` and the action server, on free local ports."""
    try:
        with running_stack(tmp_path_factory.mktemp("servers")) as stack:
            yield Servers(url=stack.url, tracker_db=stack.tracker_db, log=stack.log)
    except StackError as error:
        pytest.fail(str(error))
