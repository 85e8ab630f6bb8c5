"""What the messaging-app channels share (Telegram, Slack, Facebook, Twilio SMS and WhatsApp,
callback): replies formatted for the channel, an answer on every turn, checked request bodies,
and a webhook that answers 503 while a channel's secrets are not set.

Every channel is listed in credentials.yml and Rasa builds each one at start-up, so a clinic
that has not connected a platform yet still starts the server: that channel only says it is not
configured, and logs one warning saying which settings are empty.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from functools import partial
from typing import Any, Dict, Protocol

from rasa.core.channels.channel import OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.delivery import Delivering, Delivery
from bot.channels.formatting import ChannelStyle, Outgoing, TurnFormatter
from bot.channels.payload import MAX_MESSAGE_CHARS, PayloadError, clean_text
from bot.channels.turn import run_turn
from bot.channels.unavailable import unavailable_text
from bot.content import review

logger = logging.getLogger(__name__)

NOT_CONFIGURED = "channel not configured"


class ChannelSendError(RuntimeError):
    """The platform refused a message; the text says what it answered (never the message)."""


def setting(credentials: Mapping[str, Any] | None, key: str) -> str:
    """A credentials.yml value as a stripped string ("" when empty or absent)."""
    value = (credentials or {}).get(key)
    return "" if value is None else str(value).strip()


def missing_settings(credentials: Mapping[str, Any] | None, required: Sequence[str]) -> list[str]:
    """The required credentials.yml keys that are empty (their environment variables unset)."""
    return [key for key in required if not setting(credentials, key)]


def warn_not_configured(channel: str, missing: Sequence[str]) -> None:
    logger.warning(
        "The %s channel is not configured (%s empty in credentials.yml; set their environment "
        "variables, see docs/channels.md): its webhook answers 503.",
        channel,
        ", ".join(missing),
    )


def not_configured_blueprint(channel: str) -> Blueprint:
    """Routes of a channel whose secrets are missing: every request gets a 503."""
    blueprint = Blueprint(f"{channel}_not_configured", __name__)

    async def refuse(_: Request, **__: Any) -> HTTPResponse:
        return response.json({"error": NOT_CONFIGURED, "channel": channel}, status=503)

    blueprint.add_route(refuse, "/", methods=["GET", "POST"])
    blueprint.add_route(refuse, "/<rest:path>", methods=["GET", "POST"])
    return blueprint


OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


class MessagingChannel:
    """What every messaging platform's channel shares: its credentials.yml check, the 503 of a
    channel that is not configured, and the health route. Listed before Rasa's input channel
    (`class FacebookChannel(MessagingChannel, FacebookInput)`), it leaves the platform module
    only what is its own: `platform` (the channel's name), `__init__` (which calls
    `check_settings`) and `add_routes`.
    """

    platform: str
    required: Sequence[str] = ()
    missing: list[str]

    @classmethod
    def name(cls) -> str:
        return cls.platform

    @classmethod
    def from_credentials(cls, credentials: Dict[str, Any] | None) -> Any:
        return cls(credentials or {})  # type: ignore[call-arg]

    def check_settings(self, credentials: Mapping[str, Any] | None) -> None:
        self.missing = missing_settings(credentials, self.required)
        if self.missing:
            warn_not_configured(self.name(), self.missing)

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        if self.missing:
            return not_configured_blueprint(self.name())
        webhook = Blueprint(f"{self.name()}_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json(review.health())

        self.add_routes(webhook, on_new_message)
        return webhook

    def add_routes(self, webhook: Blueprint, on_new_message: OnNewMessage) -> None:
        """The platform's own routes (usually POST /webhook) on its blueprint."""
        raise NotImplementedError


def tokens_match(expected: str, given: str | None) -> bool:
    """Compares secrets in constant time."""
    return bool(given) and hmac.compare_digest(expected.encode(), str(given).encode())


def unauthorized(reason: str) -> HTTPResponse:
    return response.json({"error": reason}, status=401)


def bad_request(error: PayloadError) -> HTTPResponse:
    return response.json({"error": str(error)}, status=400)


def message_text(value: Any, where: str) -> str:
    """A patient's text from a platform payload, cleaned like the REST channel's."""
    if not isinstance(value, str):
        raise PayloadError(f"{where} must be a string.")
    if len(value) > MAX_MESSAGE_CHARS:
        raise PayloadError(f"{where} must be at most {MAX_MESSAGE_CHARS} characters.")
    return clean_text(value)


def sender_id(value: Any, where: str) -> str:
    """A platform's user or chat id (a string or an integer) as Rasa's sender id."""
    if isinstance(value, bool) or not isinstance(value, (str, int)) or not str(value).strip():
        raise PayloadError(f"{where} must be a non-empty id.")
    return str(value).strip()


class TurnOutput(Protocol):
    sent: int
    delivery: Delivery
    answer_within_s: float

    async def send_apology(self, recipient_id: str) -> None: ...


class FormattedOutput(Delivering, OutputChannel):
    """Sends each of the assistant's messages as the channel shows it (bot/channels/formatting).

    `custom` (the topic metadata that web clients and analytics read) is not sent to messaging
    apps. Create one per incoming message: numbering continues across the turn's messages.
    """

    style: ChannelStyle

    @property
    def formatter(self) -> TurnFormatter:
        if getattr(self, "_formatter", None) is None:
            self._formatter = TurnFormatter(self.style)
        return self._formatter

    @property
    def sent(self) -> int:
        """Platform messages queued so far in this turn."""
        return self.delivery.queued

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        for outgoing in self.formatter.format(message):
            self.delivery.send(partial(self.send_outgoing, recipient_id, outgoing))

    async def send_outgoing(self, recipient_id: str, outgoing: Outgoing) -> None:
        """Sends one platform message."""
        raise NotImplementedError

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text})

    async def send_apology(self, recipient_id: str) -> None:
        await self.send_text_message(recipient_id, unavailable_text())


async def handle_turn(
    on_new_message: Callable[[UserMessage], Awaitable[Any]], message: UserMessage
) -> None:
    """Runs one patient message. A turn that failed or sent nothing (for example while the
    action server is down) sends the apology, so the patient knows to send it again."""
    output: TurnOutput = message.output_channel
    if not (await run_turn(on_new_message, message) and output.sent):
        await output.send_apology(message.sender_id)
    await output.delivery.settle(output.answer_within_s)
