"""Twilio SMS: Rasa's channel with Twilio's request signature enforced and replies formatted.

Rasa's own channel checks no signature. Here X-Twilio-Signature is checked with the twilio
package's RequestValidator against the URL Twilio called: behind a proxy or tunnel the server
sees another URL, so the public one is a setting (`webhook_url`). SMS has no buttons: follow-up
topics become a numbered list that a reply of "2" answers, and long replies are split into
messages of at most 1600 characters (what Twilio sends as one concatenated SMS).
"""

from __future__ import annotations

import logging
from typing import Any, Dict
from urllib.parse import parse_qs

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.twilio import TwilioInput, TwilioOutput
from sanic import Blueprint, response
from sanic.request import Request, RequestParameters
from sanic.response import HTTPResponse
from twilio.http.http_client import TwilioHttpClient
from twilio.request_validator import RequestValidator

from bot.channels.delivery import SEND_TIMEOUT_S, blocking
from bot.channels.formatting import SMS, ChannelStyle, Outgoing
from bot.channels.messaging import (
    FormattedOutput,
    MessagingChannel,
    OnNewMessage,
    bad_request,
    handle_turn,
    message_text,
    sender_id,
    setting,
    unauthorized,
)
from bot.channels.payload import PayloadError

logger = logging.getLogger(__name__)

REQUIRED = ("account_sid", "auth_token", "twilio_number")
SIGNATURE_HEADER = "X-Twilio-Signature"
# TwiML that sends nothing: the replies go out through the Messages API.
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


def form_parameters(request: Request) -> RequestParameters:
    """The posted form with empty values kept: Twilio signs those too (Sanic's request.form
    drops them)."""
    if (request.content_type or "").split(";")[0].strip() != "application/x-www-form-urlencoded":
        return RequestParameters()
    try:
        body = request.body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise PayloadError("The form must be UTF-8.") from error
    return RequestParameters(parse_qs(body, keep_blank_values=True))


class TwilioReplies(FormattedOutput, TwilioOutput):
    style: ChannelStyle = SMS

    def __init__(self, account_sid: str, auth_token: str, twilio_number: str, api_url: str = ""
                 ) -> None:
        super().__init__(account_sid, auth_token, twilio_number)
        # Twilio's client waits for ever by default.
        self.http_client = TwilioHttpClient(timeout=SEND_TIMEOUT_S)
        if api_url:
            self.api.base_url = api_url.rstrip("/")

    async def send_outgoing(self, recipient_id: str, outgoing: Outgoing) -> None:
        # The twilio client is synchronous: it runs on Twilio's own threads.
        await blocking(
            "twilio", self.messages.create, to=recipient_id, from_=self.twilio_number,
            body=outgoing.text,
        )


class TwilioSmsChannel(MessagingChannel, TwilioInput):
    """credentials.yml: account_sid, auth_token, twilio_number (all required), webhook_url
    (the public URL Twilio calls, when the server sees another), api_url."""

    platform = "twilio"
    required = REQUIRED

    replies = TwilioReplies

    def __init__(self, credentials: Dict[str, Any]) -> None:
        super().__init__(
            setting(credentials, "account_sid"),
            setting(credentials, "auth_token"),
            self.sender_number(setting(credentials, "twilio_number")),
            debug_mode=False,
        )
        self.webhook_url = setting(credentials, "webhook_url")
        self.api_url = setting(credentials, "api_url")
        self.validator = RequestValidator(self.auth_token)
        self.check_settings(credentials)

    @staticmethod
    def sender_number(number: str) -> str:
        """The `From` of the replies, as Twilio expects it on this channel."""
        return number

    def get_output_channel(self) -> TwilioReplies:
        return self.replies(self.account_sid, self.auth_token, self.twilio_number, self.api_url)

    def validated_url(self, request: Request) -> str:
        """The URL Twilio signed: the configured public one, else the one this server saw."""
        return self.webhook_url or request.url

    def signed(self, request: Request, form: RequestParameters) -> bool:
        signature = request.headers.get(SIGNATURE_HEADER)
        return bool(signature) and self.validator.validate(
            self.validated_url(request), form, signature
        )

    def add_routes(self, webhook: Blueprint, on_new_message: OnNewMessage) -> None:

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                form = form_parameters(request)
            except PayloadError as error:
                return bad_request(error)
            if not self.signed(request, form):
                return unauthorized(f"missing or wrong {SIGNATURE_HEADER}")
            try:
                sender = sender_id(form.get("From"), "From")
                text = message_text(form.get("Body"), "Body")
            except PayloadError as error:
                return bad_request(error)
            await handle_turn(
                on_new_message,
                UserMessage(text, self.get_output_channel(), sender, input_channel=self.name()),
            )
            return response.text(EMPTY_TWIML, content_type="text/xml")

