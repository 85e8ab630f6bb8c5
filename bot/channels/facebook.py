"""Facebook Messenger: Rasa's channel with the app-secret signature enforced and replies formatted.

Rasa's own channel checks X-Hub-Signature (SHA-1) only, takes the hash function from the header
itself, and answers a bad signature with a 200. Here X-Hub-Signature-256 (HMAC-SHA256 of the
body with the app secret) is checked, or X-Hub-Signature (SHA-1) from apps that send only that,
compared in constant time, and anything else gets a 401; the webhook check answers 403 to a
wrong verify token; every message of a batch is answered, not only the first. Messenger's
buttons and quick replies take 20-character titles, too short for the follow-up questions, so
the topics are listed with numbers and the quick replies carry the numbers.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, Dict

from fbmessenger import MessengerClient
from rasa.core.channels.channel import UserMessage
from rasa.core.channels.facebook import FacebookInput, MessengerBot
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.delivery import SEND_TIMEOUT_S, blocking
from bot.channels.formatting import FACEBOOK, Outgoing
from bot.channels.messaging import (
    ChannelSendError,
    FormattedOutput,
    MessagingChannel,
    OnNewMessage,
    bad_request,
    handle_turn,
    message_text,
    sender_id,
    setting,
    tokens_match,
    unauthorized,
)
from bot.channels.payload import PayloadError, json_object

logger = logging.getLogger(__name__)

REQUIRED = ("verify", "secret", "page-access-token")
GRAPH_API_URL = "https://graph.facebook.com"
# Meta moves calls to a retired version to the oldest one it still serves.
GRAPH_API_VERSION = "21.0"
# Messenger shows at most 13 quick replies.
MAX_QUICK_REPLIES = 13


@dataclass(frozen=True)
class MessengerMessage:
    sender: str
    text: str


def signature_valid(app_secret: str, body: bytes, headers: Any) -> bool:
    """X-Hub-Signature-256 ("sha256=<hex>") or, failing that, X-Hub-Signature ("sha1=<hex>")."""
    for header, algorithm in (("X-Hub-Signature-256", hashlib.sha256),
                              ("X-Hub-Signature", hashlib.sha1)):
        given = headers.get(header)
        if given:
            prefix = f"{algorithm().name}="
            expected = hmac.new(app_secret.encode(), body, algorithm).hexdigest()
            return given.startswith(prefix) and tokens_match(expected, given[len(prefix):])
    return False


def read_messages(payload: Dict[str, Any]) -> list[MessengerMessage]:
    """The patients' texts in a webhook batch: typed text, quick replies and postbacks.
    Echoes of the page's own messages, delivery and read receipts and attachments are skipped,
    and so are entries of other kinds (`standby` deliveries of the handover protocol, `changes`):
    the platform expects them acknowledged, not refused."""
    if payload.get("object") != "page":
        raise PayloadError('object must be "page".')
    entries = payload.get("entry")
    if not isinstance(entries, list):
        raise PayloadError("entry must be a list.")
    messages = []
    for entry in entries:
        if not isinstance(entry, dict):
            raise PayloadError("entry[] must be an object.")
        if "messaging" not in entry:
            continue
        events = entry["messaging"]
        if not isinstance(events, list):
            raise PayloadError("entry[].messaging must be a list.")
        for event in events:
            if not isinstance(event, dict):
                raise PayloadError("entry[].messaging[] must be an object.")
            text = _event_text(event)
            if text is not None:
                sender = event.get("sender")
                sender = sender.get("id") if isinstance(sender, dict) else None
                messages.append(MessengerMessage(sender_id(sender, "sender.id"), text))
    return messages


def _event_text(event: Dict[str, Any]) -> str | None:
    message = event.get("message")
    if isinstance(message, dict):
        if message.get("is_echo"):
            return None
        quick_reply = message.get("quick_reply")
        if isinstance(quick_reply, dict) and quick_reply.get("payload"):
            return message_text(quick_reply["payload"], "message.quick_reply.payload")
        if "text" in message:
            return message_text(message["text"], "message.text")
        return None
    postback = event.get("postback")
    if isinstance(postback, dict):
        return message_text(postback.get("payload"), "postback.payload")
    return None


def messenger_client(page_access_token: str, app_secret: str, api_url: str) -> MessengerClient:
    """The Send API client; it proves the app secret (appsecret_proof) on every call."""
    client = MessengerClient(
        page_access_token, app_secret=app_secret, api_version=GRAPH_API_VERSION
    )
    client.graph_url = f"{(api_url or GRAPH_API_URL).rstrip('/')}/v{GRAPH_API_VERSION}"
    return client


class FacebookReplies(FormattedOutput, MessengerBot):
    style = FACEBOOK

    async def send_outgoing(self, recipient_id: str, outgoing: Outgoing) -> None:
        message: Dict[str, Any] = {"text": outgoing.text}
        if outgoing.options:
            message["quick_replies"] = [
                {"content_type": "text", "title": str(option.number), "payload": option.payload}
                for option in outgoing.options[:MAX_QUICK_REPLIES]
            ]
        await self._call(self.messenger_client.send, message, recipient_id, "RESPONSE",
                         timeout=SEND_TIMEOUT_S)

    async def send_action(self, recipient_id: str, sender_action: str) -> None:
        await self._call(self.messenger_client.send_action, sender_action, recipient_id,
                         timeout=SEND_TIMEOUT_S)

    @staticmethod
    async def _call(method: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        """The client is synchronous: it runs on Messenger's own threads."""
        answer = await blocking("facebook", method, *args, **kwargs)
        if isinstance(answer, dict) and "error" in answer:
            error = answer["error"] if isinstance(answer["error"], dict) else {}
            raise ChannelSendError(f"Messenger refused a call: {error.get('message', 'error')}")


class FacebookChannel(MessagingChannel, FacebookInput):
    """credentials.yml: verify, secret, page-access-token (all required), api_url."""

    platform = "facebook"
    required = REQUIRED

    def __init__(self, credentials: Dict[str, Any]) -> None:
        super().__init__(
            setting(credentials, "verify"),
            setting(credentials, "secret"),
            setting(credentials, "page-access-token"),
        )
        self.api_url = setting(credentials, "api_url")
        self.check_settings(credentials)

    def get_output_channel(self) -> FacebookReplies:
        return FacebookReplies(
            messenger_client(self.fb_access_token, self.fb_secret, self.api_url)
        )

    def add_routes(self, webhook: Blueprint, on_new_message: OnNewMessage) -> None:

        @webhook.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> HTTPResponse:
            """Meta's check when the webhook is saved: echo the challenge to the right token."""
            if request.args.get("hub.mode") == "subscribe" and tokens_match(
                self.fb_verify, request.args.get("hub.verify_token")
            ):
                return response.text(request.args.get("hub.challenge") or "")
            return response.json({"error": "wrong verify token"}, status=403)

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not signature_valid(self.fb_secret, request.body, request.headers):
                return unauthorized("missing or wrong X-Hub-Signature-256")
            try:
                messages = read_messages(json_object(request.body))
            except PayloadError as error:
                return bad_request(error)
            for message in messages:
                await self._answer(on_new_message, message)
            return response.json({"status": "ok"})


    async def _answer(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]], message: MessengerMessage
    ) -> None:
        output = self.get_output_channel()
        # The typing dots go first in the turn's queue: bounded like every other call.
        output.delivery.send(partial(output.send_action, message.sender, "typing_on"),
                             reply=False)
        await handle_turn(
            on_new_message,
            UserMessage(message.text, output, message.sender, input_channel=self.name()),
        )
