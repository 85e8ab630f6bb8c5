"""What the assistant says when it cannot answer: unclear, off-topic, or beyond its source."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.replies import CONTENT, Reply
from bot.contract import (
    AFTERCARE,
    EMERGENCY,
    FALLBACK,
    INPUT_ISSUE_KEY,
    NOT_COVERED,
    OUT_OF_SCOPE,
    SAFETY_CONCERN_KEY,
    SELF_HARM,
)
from bot.routing import closest_topics


class ActionFallback(Action):
    """Asks to rephrase, offering the topics the classifier thought closest."""

    def name(self) -> str:
        return "action_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        if tracker.latest_message.get(SAFETY_CONCERN_KEY) == SELF_HARM:
            # Nothing to answer but signs of self-harm that the rules found: the crisis reply, not
            # "ask another way". A classifier's suspicion alone only adds the crisis line.
            return Reply.in_language_of(tracker).behaviour(
                EMERGENCY, SELF_HARM, suggestions=(), extra={"kind": SELF_HARM}
            ).send(dispatcher)
        issue = tracker.latest_message.get(INPUT_ISSUE_KEY)
        if issue:
            return Reply.for_turn(tracker).behaviour(
                FALLBACK, issue, extra={"reason": issue}
            ).send(dispatcher)
        ranking = tracker.latest_message.get("intent_ranking") or ()
        closest = closest_topics(ranking, CONTENT.topics) or None
        return Reply.for_turn(tracker).behaviour(
            FALLBACK, suggestions=closest, extra={"reason": "unclear"}
        ).send(dispatcher)


class ActionDefaultFallback(ActionFallback):
    """Replaces Rasa's own default fallback, so that it too speaks from the vetted content."""

    def name(self) -> str:
        return "action_default_fallback"


class ActionDecline(Action, ABC):
    """Replies with the behaviour of the same name: off the subject, or beyond the source."""

    @property
    @abstractmethod
    def behaviour(self) -> str:
        """The behaviour id in answers.yml; the action is named after it."""

    def name(self) -> str:
        return f"action_{self.behaviour}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        return Reply.for_turn(tracker).behaviour(self.behaviour).send(dispatcher)


class ActionOutOfScope(ActionDecline):
    behaviour = OUT_OF_SCOPE


class ActionNotCovered(ActionDecline):
    behaviour = NOT_COVERED


class ActionAftercare(ActionDecline):
    behaviour = AFTERCARE
