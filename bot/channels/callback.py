"""Rasa's generic callback channel, with a shared token and checked input.

A clinic's own system (a patient portal, a contact-centre tool) posts {"sender", "message"} to
/webhooks/callback/webhook and receives the replies, as Rasa's message dicts (text, buttons and
`custom` with the topic), posted one by one to its callback URL. With a shared token set, the
requests must carry "Authorization: Bearer <token>", and the replies carry it too, so each side
knows the other. Malformed requests get a 400 like the REST channel's; a turn that produced
nothing posts the apology; a callback server that cannot be reached is logged, not raised.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any, Dict

from rasa.core.channels.callback import CallbackInput
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.utils.endpoints import EndpointConfig
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.delivery import Delivering
from bot.channels.messaging import (
    MessagingChannel,
    OnNewMessage,
    bad_request,
    handle_turn,
    setting,
    tokens_match,
    unauthorized,
)
from bot.channels.payload import PayloadError, parse_message
from bot.channels.unavailable import unavailable_reply

logger = logging.getLogger(__name__)

REQUIRED = ("url",)
BEARER = "Bearer "


class CallbackReplies(Delivering, CollectingOutputChannel):
    """Posts each message to the callback URL as it is produced, bounded like every platform
    call (bot/channels/delivery.py), in the shape Rasa's own callback channel posts."""

    def __init__(self, endpoint: EndpointConfig) -> None:
        self.callback_endpoint = endpoint
        super().__init__()

    @classmethod
    def name(cls) -> str:
        return "callback"

    @property
    def sent(self) -> int:
        return len(self.messages)

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        """Collects the message as Rasa's callback channel does, then posts what it added."""
        collected = len(self.messages)
        await super().send_response(recipient_id, message)
        for added in self.messages[collected:]:
            self._post(added)

    async def send_apology(self, recipient_id: str) -> None:
        for message in unavailable_reply(recipient_id):
            self.messages.append(message)
            self._post(message)

    def _post(self, message: Dict[str, Any]) -> None:
        self.delivery.send(partial(self.callback_endpoint.request, "post",
                                   content_type="application/json", json=message))


class CallbackChannel(MessagingChannel, CallbackInput):
    """credentials.yml: url (required: where replies are posted), shared_token."""

    platform = "callback"
    required = REQUIRED

    def __init__(self, credentials: Dict[str, Any]) -> None:
        self.shared_token = setting(credentials, "shared_token")
        headers = {"Authorization": f"{BEARER}{self.shared_token}"} if self.shared_token else None
        super().__init__(EndpointConfig(setting(credentials, "url"), headers=headers))
        self.check_settings(credentials)

    def get_output_channel(self) -> CallbackReplies:
        return CallbackReplies(self.callback_endpoint)

    def authorised(self, request: Request) -> bool:
        if not self.shared_token:
            return True
        given = request.headers.get("Authorization") or ""
        return given.startswith(BEARER) and tokens_match(self.shared_token, given[len(BEARER):])

    def add_routes(self, webhook: Blueprint, on_new_message: OnNewMessage) -> None:

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self.authorised(request):
                return unauthorized("missing or wrong Authorization bearer token")
            try:
                incoming = parse_message(request.body)
            except PayloadError as error:
                return bad_request(error)
            await handle_turn(
                on_new_message,
                UserMessage(
                    incoming.text,
                    self.get_output_channel(),
                    incoming.sender,
                    input_channel=self.name(),
                    metadata=incoming.metadata,
                ),
            )
            return response.text("success")

