"""The widget's socket.io channel, driven through its event handlers with Rasa's agent replaced
by a stand-in, so that silent, failing and malformed turns can be produced at will."""

from __future__ import annotations

import asyncio
from typing import Any, Awaitable, Callable

import jwt
import pytest
from rasa.core.channels.channel import UserMessage
from rasa_sdk.executor import CollectingDispatcher

from actions.replies import Reply
from bot.channels.socketio import REJECTED_EVT, ClinicSocketIOInput, ClinicSocketIOOutput
from bot.channels.unavailable import REASON, unavailable_text
from bot.settings import settings

Turn = Callable[[UserMessage], Awaitable[Any]]
JWT_KEY = "a-test-key-of-at-least-thirty-two-bytes"


class Recorder:
    """Stands in for the socket.io server's emit and enter_room, keeping what they were asked."""

    def __init__(self) -> None:
        self.emitted: list[tuple[str, Any, str]] = []
        self.rooms: list[tuple[str, str]] = []

    async def emit(self, event: str, data: Any = None, room: str = "", **_: Any) -> None:
        self.emitted.append((event, data, room))

    async def enter_room(self, sid: str, room: str, **_: Any) -> None:
        self.rooms.append((sid, room))


class Channel:
    def __init__(self, turn: Turn, **credentials: Any) -> None:
        self.heard: list[UserMessage] = []

        async def on_new_message(message: UserMessage) -> None:
            self.heard.append(message)
            await turn(message)

        self.input = ClinicSocketIOInput.from_credentials(
            {"session_persistence": True, **credentials}
        )
        self.input.blueprint(on_new_message)
        self.recorder = Recorder()
        self.input.sio.emit = self.recorder.emit  # type: ignore[method-assign]
        self.input.sio.enter_room = self.recorder.enter_room  # type: ignore[method-assign]

    def event(self, name: str, *args: Any) -> Any:
        return asyncio.run(self.input.sio.handlers["/"][name](*args))

    def emitted(self, event: str) -> list[tuple[Any, str]]:
        return [(data, room) for name, data, room in self.recorder.emitted if name == event]


async def answers_causes(message: UserMessage) -> None:
    dispatcher = CollectingDispatcher()
    Reply().answer("causes").send(dispatcher)
    for sent in dispatcher.messages:
        await message.output_channel.send_response(message.sender_id, sent)


async def silent(_: UserMessage) -> None:
    """What Rasa does when the action server is down: logs, and sends nothing."""


async def fails(_: UserMessage) -> None:
    raise RuntimeError("the agent broke")


def test_origins_are_checked_against_the_clinic_setting() -> None:
    channel = Channel(silent)
    assert channel.input.sio.eio.cors_allowed_origins == settings().origins
    assert settings().origins  # an empty list would switch the check off


def test_the_channel_keeps_rasas_name_and_events() -> None:
    channel = Channel(silent)
    assert channel.input.name() == "socketio"
    assert isinstance(channel.input.get_output_channel(), ClinicSocketIOOutput)


def test_a_bot_message_goes_to_the_session_room_as_one_event() -> None:
    channel = Channel(answers_causes)
    channel.event("user_uttered", "sid-1", {"message": "what causes them?", "session_id": "s-1"})
    [(message, room)] = channel.emitted("bot_uttered")
    assert room == "s-1"
    assert message["metadata"]["custom"]["topic"] == "causes"
    assert message["metadata"]["source_link"]["url"].startswith("https://")
    assert len(message["quick_replies"]) >= 2
    assert ("sid-1", "s-1") in channel.recorder.rooms
    assert channel.heard[0].sender_id == "s-1"
    assert channel.heard[0].input_channel == "socketio"


@pytest.mark.parametrize("turn", [silent, fails], ids=["silent", "fails"])
def test_a_turn_without_a_reply_gets_the_apology(turn: Turn) -> None:
    channel = Channel(turn)
    channel.event("user_uttered", "sid-1", {"message": "hello", "session_id": "s-1"})
    [(message, room)] = channel.emitted("bot_uttered")
    assert room == "s-1"
    assert message["text"] == unavailable_text()
    assert message["metadata"]["custom"] == {"topic": "fallback", "reason": REASON}


@pytest.mark.parametrize(
    "args",
    [(), (None,), ("hello",), ([1, 2],), ({"session_id": "s-1"},), ({"message": "hi"},),
     ({"message": "hi", "session_id": 5},), ({"message": "hi", "session_id": "s"}, "extra")],
)
def test_unreadable_events_are_refused_to_the_sender_only(args: tuple) -> None:
    channel = Channel(answers_causes)
    channel.event("user_uttered", "sid-1", *args)
    if len(args) == 2:  # a second argument is ignored, the first one is fine
        assert channel.heard
        return
    [(reason, room)] = channel.emitted(REJECTED_EVT)
    assert room == "sid-1"
    assert reason["error"]
    assert not channel.heard
    assert not channel.emitted("bot_uttered")


@pytest.mark.parametrize(
    "text", ["x" * 10_000, "😟 are these cancer? 🩺", "<img src=x onerror=alert(1)><b>bold</b>"]
)
def test_long_emoji_and_html_messages_reach_the_assistant_as_typed(text: str) -> None:
    channel = Channel(silent)
    channel.event("user_uttered", "sid-1", {"message": text, "session_id": "s-1"})
    assert channel.heard[0].text == text
    assert len(channel.emitted("bot_uttered")) == 1


def test_session_request_keeps_a_known_session() -> None:
    channel = Channel(silent)
    channel.event("session_request", "sid-1", {"session_id": "kept-session"})
    assert channel.emitted("session_confirm") == [("kept-session", "sid-1")]
    assert channel.recorder.rooms == [("sid-1", "kept-session")]


@pytest.mark.parametrize("data", [(), (None,), ({},), ({"session_id": None},), ("text",), (7,)])
def test_session_request_without_a_usable_id_starts_a_new_session(data: tuple) -> None:
    channel = Channel(silent)
    channel.event("session_request", "sid-1", *data)
    [(session_id, room)] = channel.emitted("session_confirm")
    assert room == "sid-1"
    assert isinstance(session_id, str) and len(session_id) == 32
    assert channel.recorder.rooms == [("sid-1", session_id)]


def test_without_session_persistence_the_socket_is_the_conversation() -> None:
    channel = Channel(answers_causes, session_persistence=False)
    channel.event("user_uttered", "sid-1", {"message": "what causes them?"})
    assert channel.heard[0].sender_id == "sid-1"
    assert channel.emitted("bot_uttered")[0][1] == "sid-1"


def test_connection_needs_a_valid_token_when_a_jwt_key_is_set() -> None:
    assert Channel(silent).event("connect", "sid-1", {}, None) is True
    guarded = Channel(silent, jwt_key=JWT_KEY, jwt_method="HS256")
    assert guarded.event("connect", "sid-1", {}, None) is False
    assert guarded.event("connect", "sid-1", {}, {"token": "not-a-jwt"}) is False
    token = jwt.encode({"user": "patient"}, JWT_KEY, algorithm="HS256")
    assert guarded.event("connect", "sid-1", {}, {"token": token}) is True
