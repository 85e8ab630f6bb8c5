"""What the assistant says when it cannot answer: unclear, unanswerable or off-topic messages."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.replies import CONTENT, Reply
from bot.routing import closest_topics


class ActionFallback(Action):
    """Asks to rephrase, offering the topics the classifier thought closest."""

    def name(self) -> str:
        return "action_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        issue = tracker.latest_message.get("input_issue")
        if issue:
            return Reply().behaviour("fallback", issue, extra={"reason": issue}).send(dispatcher)
        ranking = tracker.latest_message.get("intent_ranking") or ()
        closest = closest_topics(ranking, CONTENT.topics) or None
        return Reply().behaviour(
            "fallback", suggestions=closest, extra={"reason": "unclear"}
        ).send(dispatcher)


class ActionDefaultFallback(ActionFallback):
    """Replaces Rasa's own default fallback, so that it too speaks from the vetted content."""

    def name(self) -> str:
        return "action_default_fallback"


class ActionOutOfScope(Action):
    def name(self) -> str:
        return "action_out_of_scope"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        return Reply().behaviour("out_of_scope").send(dispatcher)
