"""Emergencies, and questions about a patient's own results, which only her provider can answer."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.replies import CONTENT, Reply
from bot.routing import general_fact_topic

SELF_HARM = "self_harm"


class ActionEmergency(Action):
    def name(self) -> str:
        return "action_emergency"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        # Set by the NLU rule layer; a classifier-only emergency has no kind and gets the
        # general emergency reply.
        kind = tracker.latest_message.get("emergency") or "unspecified"
        variant = SELF_HARM if kind == SELF_HARM else "text"
        return Reply().behaviour(
            "emergency", variant, suggestions=(), extra={"kind": kind}
        ).send(dispatcher)


class ActionPersonalDiagnosis(Action):
    def name(self) -> str:
        return "action_personal_diagnosis"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        topic_id = general_fact_topic(tracker.latest_message.get("entities") or ())
        fact = ""
        if topic_id:
            template = CONTENT.behaviour_text("personal_diagnosis", "general_fact")
            fact = template.format(fact=CONTENT.topics[topic_id].answer)
        reply = Reply().behaviour(
            "personal_diagnosis", extra={"general_fact": topic_id}, addition=fact
        )
        return reply.send(dispatcher)
