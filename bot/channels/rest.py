"""Rasa's REST channel with checked input and a reply on every request.

Same URL and response format as Rasa's own (`POST /webhooks/rest/webhook`), but a malformed
request gets a 400 with a reason instead of a server error, and a turn that produced no reply
(for example while the action server is down) or that failed half way (say, the conversation
could not be stored) gets an apology instead of an empty list or an answer that was not kept.
`POST /webhooks/rest/feedback` takes a patient's vote on an answer (bot/channels/feedback.py).
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.feedback import VoteRefusedError, read_vote, record_vote
from bot.channels.payload import PayloadError, json_object, parse_message, sender_of
from bot.channels.turn import run_turn
from bot.channels.unavailable import unavailable_reply
from bot.content import review


class CheckedRestInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json(review.health())

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                incoming = parse_message(request.body)
            except PayloadError as error:
                return response.json({"error": str(error)}, status=400)
            collector = CollectingOutputChannel()
            completed = await run_turn(
                on_new_message, incoming.for_rasa(collector, input_channel=self.name())
            )
            # An answer whose turn failed (say, the conversation could not be stored) is
            # dropped: the apology asks her to send it again, and the retry is stored.
            if completed and collector.messages:
                return response.json(collector.messages)
            return response.json(unavailable_reply(incoming.sender))

        @webhook.route("/feedback", methods=["POST"])
        async def feedback(request: Request) -> HTTPResponse:
            try:
                payload = json_object(request.body)
                vote = read_vote(payload, sender_of(payload))
                return response.json(await record_vote(request.app.ctx.agent, vote))
            except PayloadError as error:
                return response.json({"error": str(error)}, status=400)
            except VoteRefusedError as error:
                return response.json({"error": str(error)}, status=error.status)

        return webhook
