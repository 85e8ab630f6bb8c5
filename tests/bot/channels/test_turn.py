"""Every channel learns whether a turn completed, and no failure escapes into a webhook."""

from __future__ import annotations

import asyncio

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot.channels.turn import GREETING_PAYLOAD, opening, run_turn


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


@pytest.mark.parametrize(
    "text", ["/get_started", "GET_STARTED", "/start", "/start@clinic_bot", "/start campaign-7",
             "  /Get_Started  "],
)
def test_a_clients_opening_payload_is_a_greeting(text: str) -> None:
    assert opening(text) == GREETING_PAYLOAD


@pytest.mark.parametrize("text", ["/startle", "get started with what?", "", "/greeting",
                                  "where do I start"])
def test_other_text_is_left_as_it_is(text: str) -> None:
    assert opening(text) == text


def test_the_turn_sees_the_greeting_for_an_opening_payload() -> None:
    seen: list[str] = []

    async def record(message: UserMessage) -> None:
        seen.append(message.text)

    opened = UserMessage("GET_STARTED", CollectingOutputChannel(), "p", input_channel="facebook")
    assert asyncio.run(run_turn(record, opened))
    assert seen == [GREETING_PAYLOAD]
