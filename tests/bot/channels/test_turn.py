"""Every channel learns whether a turn completed, and no failure escapes into a webhook."""

from __future__ import annotations

import asyncio

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot.channels.turn import run_turn


def message() -> UserMessage:
    return UserMessage("my secret question", CollectingOutputChannel(), "p", input_channel="rest")


async def completes(_: UserMessage) -> None:
    return None


async def fails(_: UserMessage) -> None:
    raise RuntimeError("the conversation store is down")


async def times_out(_: UserMessage) -> None:
    raise asyncio.CancelledError


@pytest.mark.parametrize(("handler", "completed"), [(completes, True), (fails, False),
                                                    (times_out, False)])
def test_run_turn_reports_how_the_turn_ended(handler, completed: bool,
                                             caplog: pytest.LogCaptureFixture) -> None:
    assert asyncio.run(run_turn(handler, message())) is completed
    assert "my secret question" not in caplog.text
