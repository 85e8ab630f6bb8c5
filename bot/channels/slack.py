"""Slack: Rasa's channel, its signing-secret check kept, with bad requests refused cleanly.

Rasa already verifies X-Slack-Signature (v0 HMAC-SHA256 of the timestamp and body with the
signing secret, timestamps older than five minutes refused) and answers in the background so
that Slack gets its acknowledgement within three seconds; that is reused. Added here: a 401
instead of Rasa's 400 for a bad signature, a 400 instead of a server error for a malformed body,
the apology when a turn produced nothing, and replies as Block Kit sections with the source as a
link and the follow-up topics as buttons.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Awaitable, Callable, Dict

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.slack import SlackBot, SlackInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from slack_sdk.web.async_client import AsyncWebClient

from bot.channels.delivery import SEND_TIMEOUT_S
from bot.channels.formatting import SLACK, Outgoing
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
from bot.channels.payload import PayloadError, json_object

logger = logging.getLogger(__name__)

REQUIRED = ("slack_token", "slack_signing_secret")
SLACK_API_URL = "https://slack.com/api/"
# Block Kit: a button's text takes 75 characters.
MAX_BUTTON_TITLE = 75
# Stands in for the signing secret while it is not set (the channel then answers 503).
NOT_SET = "not-configured"


class SlackReplies(FormattedOutput, SlackBot):
    style = SLACK
    # Slack retries an event it has not seen acknowledged within 3 s.
    answer_within_s = 2.0

    def __init__(
        self,
        token: str,
        slack_channel: str | None = None,
        thread_id: str | None = None,
        api_url: str = SLACK_API_URL,
    ) -> None:
        super().__init__(token, slack_channel, thread_id)
        self.client = AsyncWebClient(token, base_url=api_url.rstrip("/") + "/",
                                     timeout=int(SEND_TIMEOUT_S))

    async def send_outgoing(self, recipient_id: str, outgoing: Outgoing) -> None:
        blocks: list[Dict[str, Any]] = [
            {"type": "section", "text": {"type": "mrkdwn", "text": outgoing.text}}
        ]
        if outgoing.buttons:
            blocks.append(
                {
                    "type": "actions",
                    "elements": [
                        {
                            "type": "button",
                            "action_id": f"topic-{index}",
                            "text": {
                                "type": "plain_text",
                                "text": button["title"][:MAX_BUTTON_TITLE],
                            },
                            "value": button["payload"],
                        }
                        for index, button in enumerate(outgoing.buttons)
                    ],
                }
            )
        # `text` is what notifications show; the blocks are what the conversation shows.
        # slack_sdk leaves out a thread_ts of None.
        await self.client.chat_postMessage(
            channel=self.slack_channel or recipient_id, text=outgoing.text, blocks=blocks,
            thread_ts=self.thread_id,
        )


class SlackChannel(MessagingChannel, SlackInput):
    """credentials.yml: slack_token, slack_signing_secret (both required), api_url."""

    platform = "slack"
    required = REQUIRED

    def __init__(self, credentials: Dict[str, Any]) -> None:
        super().__init__(
            setting(credentials, "slack_token"),
            slack_retry_reason_header="x-slack-retry-reason",
            slack_retry_number_header="x-slack-retry-num",
            # Rasa refuses an empty secret; while it is missing the channel answers 503 anyway.
            slack_signing_secret=setting(credentials, "slack_signing_secret") or NOT_SET,
        )
        self.api_url = setting(credentials, "api_url") or SLACK_API_URL
        self.check_settings(credentials)

    def get_output_channel(
        self, channel: str | None = None, thread_id: str | None = None
    ) -> SlackReplies:
        return SlackReplies(self.slack_token, channel or self.slack_channel, thread_id,
                            self.api_url)

    def add_routes(self, webhook: Blueprint, on_new_message: OnNewMessage) -> None:
        async def turn(message: UserMessage) -> None:
            await handle_turn(on_new_message, message)

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self.is_request_from_slack_authentic(request):
                return unauthorized("missing, wrong or expired X-Slack-Signature")
            content_type = (request.content_type or "").split(";")[0].strip()
            try:
                if content_type == "application/json":
                    return await self._event(request, turn)
                if content_type == "application/x-www-form-urlencoded":
                    return await self._interaction(request, turn)
            except PayloadError as error:
                return bad_request(error)
            return response.json({"error": "unsupported content type"}, status=415)


    async def _event(
        self, request: Request, turn: Callable[[UserMessage], Awaitable[Any]]
    ) -> HTTPResponse:
        """An Events API request: the URL check when the app is set up, or a message."""
        payload = json_object(request.body)
        if payload.get("type") == "url_verification":
            challenge = payload.get("challenge")
            if not isinstance(challenge, str):
                raise PayloadError("challenge must be a string.")
            return response.json({"challenge": challenge})
        event = payload.get("event")
        if not isinstance(event, dict):
            raise PayloadError("event must be an object.")
        if not is_user_message(event):
            return response.json({"status": "ignored"})
        sender = sender_id(event.get("user"), "event.user")
        text = message_text(event.get("text"), "event.text")
        metadata = event_metadata(payload, event)
        if not self.answers_in(event, metadata):
            return response.json({"status": "ignored"})
        text = without_mentions(text, metadata["users"])
        return await self._start(request, turn, text, sender, metadata)

    async def _interaction(
        self, request: Request, turn: Callable[[UserMessage], Awaitable[Any]]
    ) -> HTTPResponse:
        """A button press (Slack posts it form-encoded, as a JSON `payload` field)."""
        payload = json_object(request.form.get("payload"))
        actions = payload.get("actions")
        if not isinstance(actions, list) or not actions or not isinstance(actions[0], dict):
            raise PayloadError("actions must be a list of objects.")
        if actions[0].get("type") != "button":
            return response.json({"status": "ignored"})
        user = payload.get("user")
        sender = sender_id(user.get("id") if isinstance(user, dict) else None, "user.id")
        text = message_text(actions[0].get("value"), "actions[0].value")
        return await self._start(request, turn, text, sender, interaction_metadata(payload))

    async def _start(
        self,
        request: Request,
        turn: Callable[[UserMessage], Awaitable[Any]],
        text: str,
        sender: str,
        metadata: Dict[str, Any],
    ) -> HTTPResponse:
        """Rasa's hand-over: Slack's retries are skipped, the turn runs in the background."""
        return await self.process_message(request, turn, text, sender, metadata)

    def answers_in(self, event: Dict[str, Any], metadata: Dict[str, Any]) -> bool:
        """A direct message, a mention of the app, or the channel it is set to answer in."""
        return (
            event.get("channel_type") == "im"
            or event.get("type") == "app_mention"
            or metadata["out_channel"] == self.slack_channel
        )


def is_user_message(event: Dict[str, Any]) -> bool:
    """A person's message or mention with text; never another bot's (its own replies)."""
    return (
        event.get("type") in ("message", "app_mention")
        and bool(event.get("text"))
        and not event.get("bot_id")
    )


def without_mentions(text: str, user_ids: list[str]) -> str:
    """The text without mentions of the app ("<@U123> what are calcifications?")."""
    for user_id in user_ids:
        text = re.sub(rf"\s*<@{re.escape(user_id)}>\s*", " ", text)
    return text.strip()


def _text_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def event_metadata(payload: Dict[str, Any], event: Dict[str, Any]) -> Dict[str, Any]:
    """Where to answer an event, as Rasa's SlackInput.get_metadata reads it, but tolerant of
    missing or odd fields."""
    users = payload.get("authed_users")
    if not isinstance(users, list):
        authorizations = payload.get("authorizations")
        first = authorizations[0] if isinstance(authorizations, list) and authorizations else {}
        users = [first.get("user_id")] if isinstance(first, dict) else []
    return {
        "out_channel": _text_or_none(event.get("channel")),
        "thread_id": _text_or_none(event.get("thread_ts", event.get("ts"))),
        "users": [user for user in users if isinstance(user, str)],
    }


def interaction_metadata(payload: Dict[str, Any]) -> Dict[str, Any]:
    """Where to answer a button press."""
    channel = payload.get("channel")
    message = payload.get("message")
    user = payload.get("user")
    message = message if isinstance(message, dict) else {}
    return {
        "out_channel": _text_or_none(channel.get("id")) if isinstance(channel, dict) else None,
        "thread_id": _text_or_none(message.get("thread_ts", message.get("ts"))),
        "users": [user["id"]] if isinstance(user, dict) and isinstance(user.get("id"), str)
        else [],
    }
