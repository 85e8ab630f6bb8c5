"""Telegram: Rasa's channel with the webhook's secret token checked and replies formatted.

Rasa's own channel asks Telegram who the bot is (getMe) on every message, and it registers the
webhook with an event loop of its own at start-up; this one registers the webhook once the
server runs, with a secret token that Telegram then sends in the X-Telegram-Bot-Api-Secret-Token
header of every update (a request without it is refused), and sends each reply as HTML text
with the source as a link and the follow-up topics as inline buttons.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from functools import partial
from typing import Any, Dict

from aiogram import Bot
from aiogram.bot.api import TELEGRAM_PRODUCTION, Methods, TelegramAPIServer
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from rasa.core.channels.channel import UserMessage
from rasa.core.channels.telegram import TelegramInput, TelegramOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.delivery import SEND_TIMEOUT_S
from bot.channels.formatting import TELEGRAM, Outgoing
from bot.channels.messaging import (
    FormattedOutput,
    MessagingChannel,
    OnNewMessage,
    handle_turn,
    message_text,
    sender_id,
    setting,
    tokens_match,
    unauthorized,
)
from bot.channels.payload import PayloadError, json_object

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
REQUIRED = ("access_token",)
# Updates the assistant reads; Telegram does not send the others.
ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]
# Telegram refuses inline buttons whose callback data is longer than this.
MAX_CALLBACK_BYTES = 64


@dataclass(frozen=True)
class TelegramMessage:
    chat_id: str
    text: str
    callback_query_id: str | None = None


def read_update(update: Dict[str, Any]) -> TelegramMessage | None:
    """The patient's text from an Update (a message, an edit or a button press); None for an
    update without text (a photo, a sticker, a member change), which needs no answer."""
    callback = update.get("callback_query")
    if callback is not None:
        if not isinstance(callback, dict) or not isinstance(callback.get("message"), dict):
            raise PayloadError("callback_query must carry its message.")
        chat = callback["message"].get("chat")
        return TelegramMessage(
            chat_id=sender_id((chat or {}).get("id"), "callback_query.message.chat.id"),
            text=message_text(callback.get("data"), "callback_query.data"),
            callback_query_id=sender_id(callback.get("id"), "callback_query.id"),
        )
    message = update.get("message", update.get("edited_message"))
    if message is None:
        return None
    if not isinstance(message, dict) or not isinstance(message.get("chat"), dict):
        raise PayloadError("message must carry its chat.")
    chat_id = sender_id(message["chat"].get("id"), "message.chat.id")
    if message.get("text") is None:
        return None
    # "/start", sent when a patient opens the bot, is read as a greeting by every channel's turn.
    return TelegramMessage(chat_id=chat_id, text=message_text(message["text"], "message.text"))


def api_server(api_url: str) -> TelegramAPIServer:
    """Telegram's Bot API, or another server that speaks it (a local Bot API server, a test)."""
    return TelegramAPIServer.from_base(api_url) if api_url else TELEGRAM_PRODUCTION


class TelegramReplies(FormattedOutput, TelegramOutput):
    style = TELEGRAM

    def __init__(self, access_token: str, server: TelegramAPIServer = TELEGRAM_PRODUCTION
                 ) -> None:
        Bot.__init__(self, access_token, server=server, timeout=SEND_TIMEOUT_S)

    async def close_session(self) -> None:
        """Closes this turn's HTTP session (aiogram 2 deprecates Bot.close for this)."""
        await self.session.close()

    async def send_outgoing(self, recipient_id: str, outgoing: Outgoing) -> None:
        markup = None
        buttons = [
            button
            for button in outgoing.buttons
            if len(button["payload"].encode()) <= MAX_CALLBACK_BYTES
        ]
        if buttons:
            markup = InlineKeyboardMarkup()
            for button in buttons:
                markup.row(InlineKeyboardButton(button["title"], callback_data=button["payload"]))
        await self.send_message(
            recipient_id,
            outgoing.text,
            parse_mode="HTML",
            disable_web_page_preview=True,
            reply_markup=markup,
        )


class TelegramChannel(MessagingChannel, TelegramInput):
    """credentials.yml: access_token (required), secret_token, webhook_url, api_url."""

    platform = "telegram"
    required = REQUIRED

    def __init__(self, credentials: Dict[str, Any]) -> None:
        super().__init__(
            setting(credentials, "access_token"),
            None,
            setting(credentials, "webhook_url"),
            debug_mode=False,
        )
        self.secret_token = setting(credentials, "secret_token")
        self.server = api_server(setting(credentials, "api_url"))
        self.check_settings(credentials)

    def get_output_channel(self) -> TelegramReplies:
        return TelegramReplies(self.access_token, self.server)

    async def register_webhook(self) -> None:
        """Tells Telegram where to send updates, with the secret token it must send back."""
        bot = self.get_output_channel()
        params: Dict[str, Any] = {
            "url": self.webhook_url,
            "allowed_updates": json.dumps(ALLOWED_UPDATES),
        }
        if self.secret_token:
            params["secret_token"] = self.secret_token
        try:
            await bot.request(Methods.SET_WEBHOOK, params)
            logger.info("Telegram webhook registered.")
        except Exception as error:  # noqa: BLE001 - the server keeps serving the other channels
            logger.warning("Registering the Telegram webhook failed: %s", error)
        finally:
            await bot.close_session()

    def add_routes(self, webhook: Blueprint, on_new_message: OnNewMessage) -> None:

        @webhook.listener("after_server_start")
        async def register(*_: Any) -> None:
            if self.webhook_url:
                await self.register_webhook()

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if self.secret_token and not tokens_match(
                self.secret_token, request.headers.get(SECRET_HEADER)
            ):
                return unauthorized(f"missing or wrong {SECRET_HEADER}")
            try:
                incoming = read_update(json_object(request.body))
            except PayloadError as error:
                return response.json({"error": str(error)}, status=400)
            if incoming is None:
                return response.json({"status": "ignored"})
            output = self.get_output_channel()
            if incoming.callback_query_id:
                # Stops the spinner on the button the patient pressed, first in the queue.
                output.delivery.send(
                    partial(output.answer_callback_query, incoming.callback_query_id),
                    reply=False)
            try:
                await handle_turn(
                    on_new_message,
                    UserMessage(
                        incoming.text, output, incoming.chat_id, input_channel=self.name()
                    ),
                )
            finally:
                # The turn's HTTP session closes once its replies are out, or given up on.
                output.delivery.then(output.close_session)
            return response.json({"status": "ok"})

