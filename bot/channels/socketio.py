"""Rasa's socket.io channel as the website widget needs it.

Differences from Rasa 3.6's own (`rasa.core.channels.socketio`), each for a reason:
- Only the clinic's web pages may connect: python-socketio checks the Origin header against the
  clinic setting `allowed_origins` (Rasa passes `[]`, which turns the check off).
- One `bot_uttered` event per bot message, with text, quick replies, `custom` and a source link
  (Rasa splits text into several events and sends `custom` with `sio.emit(evt, **custom)`, which
  fails for our payloads).
- A turn that produced no reply (action server down) gets the apology, so no message is lost;
  an unreadable event gets a `user_message_rejected` event with the reason, never a crash.
- A `feedback` event carries a patient's vote on an answer (bot/channels/feedback.py).
- Session persistence works with python-socketio 5.x, whose `enter_room` must be awaited.
- Socket.io responses carry one set of CORS headers, also when Rasa runs with `--cors`.
"""

from __future__ import annotations

import uuid
from typing import Any, Awaitable, Callable, Dict, List

from rasa.core.channels.channel import OutputChannel, UserMessage, decode_bearer_token
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sanic_cors.core import SANIC_CORS_EVALUATED
from socketio import AsyncServer

from bot.channels.feedback import VoteRefusedError, read_vote, record_vote
from bot.channels.payload import PayloadError
from bot.channels.turn import run_turn
from bot.channels.unavailable import unavailable_reply
from bot.channels.widget_messages import read_user_message, session_id_from, widget_message
from bot.content import review
from bot.settings import settings

REJECTED_EVT = "user_message_rejected"
# A patient's vote on an answer (bot/channels/feedback.py) and the server's two answers to it.
FEEDBACK_EVT, FEEDBACK_KEPT_EVT, FEEDBACK_REFUSED_EVT = (
    "feedback", "feedback_recorded", "feedback_rejected")


class ClinicSocketBlueprint(SocketBlueprint):
    """Leaves the CORS headers of socket.io responses to python-socketio, which sends them only
    to allowed origins: with Rasa's `--cors`, Sanic-CORS would add a second
    Access-Control-Allow-Origin header, and browsers refuse a response that has two."""

    def register(self, app: Sanic, options: Dict[str, Any]) -> None:
        path = self.ctx.socketio_path

        async def leave_cors_to_socketio(request: Request) -> None:
            if request.path.startswith(path):
                setattr(request.ctx, SANIC_CORS_EVALUATED, "1")

        app.register_middleware(leave_cors_to_socketio, "request")
        super().register(app, options)


class ClinicSocketIOOutput(SocketIOOutput):
    """Sends each bot message as one event and counts them, so a silent turn can be noticed."""

    def __init__(self, sio: AsyncServer, bot_message_evt: str) -> None:
        super().__init__(sio, bot_message_evt)
        self.messages_sent = 0

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        await self.sio.emit(self.bot_message_evt, widget_message(message), room=recipient_id)
        self.messages_sent += 1

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text})

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: List[Dict[str, Any]], **kwargs: Any
    ) -> None:
        await self.send_response(recipient_id, {"text": text, "buttons": buttons})

    async def send_quick_replies(
        self, recipient_id: str, text: str, quick_replies: List[Dict[str, Any]], **kwargs: Any
    ) -> None:
        await self.send_response(recipient_id, {"text": text, "quick_replies": quick_replies})

    async def send_custom_json(
        self, recipient_id: str, json_message: Dict[str, Any], **kwargs: Any
    ) -> None:
        await self.send_response(recipient_id, {"custom": json_message})

    async def send_unavailable(self, recipient_id: str) -> None:
        """The apology, as one message (the REST channel sends its text and custom apart)."""
        merged: Dict[str, Any] = {}
        for part in unavailable_reply(recipient_id):
            merged.update({key: value for key, value in part.items() if key != "recipient_id"})
        await self.send_response(recipient_id, merged)


class ClinicSocketIOInput(SocketIOInput):
    """The widget's channel; credentials key `bot.channels.socketio.ClinicSocketIOInput`."""

    def get_output_channel(self) -> OutputChannel | None:
        if self.sio is None:
            return super().get_output_channel()
        return ClinicSocketIOOutput(self.sio, self.bot_message_evt)

    def _authorised(self, auth: Any) -> bool:
        if not self.jwt_key:
            return True
        token = auth.get("token") if isinstance(auth, dict) else None
        return bool(token) and bool(
            decode_bearer_token(token, self.jwt_key, self.jwt_algorithm)
        )

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=settings().origins)
        socketio_webhook = ClinicSocketBlueprint(
            sio, self.socketio_path, "socketio_webhook", __name__
        )
        self.sio = sio

        @socketio_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json(review.health())

        @sio.on("connect", namespace=self.namespace)
        async def connect(sid: str, environ: Dict, auth: Any = None) -> bool:
            return self._authorised(auth)

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, *args: Any) -> None:
            session_id = session_id_from(args[0] if args else None) or uuid.uuid4().hex
            if self.session_persistence:
                await sio.enter_room(sid, session_id, namespace=self.namespace)
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: str, *args: Any) -> None:
            try:
                incoming = read_user_message(
                    args[0] if args else None, sid, self.session_persistence, self.metadata_key
                )
            except PayloadError as error:
                await sio.emit(
                    REJECTED_EVT, {"error": str(error)}, room=sid, namespace=self.namespace
                )
                return
            if self.session_persistence:
                # A client that reconnected and spoke before its session_request still hears back.
                await sio.enter_room(sid, incoming.sender, namespace=self.namespace)
            output = ClinicSocketIOOutput(sio, self.bot_message_evt)
            completed = await run_turn(
                on_new_message, incoming.for_rasa(output, input_channel=self.name())
            )
            if not completed or not output.messages_sent:
                await output.send_unavailable(incoming.sender)

        @sio.on(FEEDBACK_EVT, namespace=self.namespace)
        async def handle_feedback(sid: str, *args: Any) -> None:
            data = args[0] if args else None
            try:
                if not isinstance(data, dict):
                    raise PayloadError("The vote must be a JSON object.")
                sender = session_id_from(data) if self.session_persistence else sid
                if not sender:
                    raise PayloadError('"session_id" must name the conversation.')
                vote = read_vote(data, sender)
                agent = next(iter(socketio_webhook.apps)).ctx.agent
                recorded = await record_vote(agent, vote)
            except (PayloadError, VoteRefusedError) as error:
                refusal = {"error": str(error), "status": getattr(error, "status", 400),
                           "answer_id": data.get("answer_id") if isinstance(data, dict) else None}
                await sio.emit(FEEDBACK_REFUSED_EVT, refusal, room=sid, namespace=self.namespace)
                return
            await sio.emit(FEEDBACK_KEPT_EVT, recorded, room=sid, namespace=self.namespace)

        return socketio_webhook
