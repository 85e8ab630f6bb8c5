"""Emergencies, and questions about a patient's own results, which only her provider can answer."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.replies import CONTENT, EDITIONS, Reply
from bot.contract import (
    CRISIS_CONCERNS,
    EMERGENCY,
    EMERGENCY_KEY,
    FACT_TOPIC_KEY,
    OVERDOSE,
    PERSONAL_DIAGNOSIS,
    SELF_HARM,
    UNSPECIFIED,
)
from bot.routing import general_fact_topic

# Emergency kinds whose reply is a variant of its own in answers.yml.
OWN_REPLY = (SELF_HARM, OVERDOSE)


class ActionEmergency(Action):
    def name(self) -> str:
        return "action_emergency"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        # Set by the NLU rule layer; a classifier-only emergency has no kind and gets the
        # general emergency reply.
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        kind = tracker.latest_message.get(EMERGENCY_KEY) or (
            SELF_HARM if intent == SELF_HARM else UNSPECIFIED)
        variant = kind if kind in OWN_REPLY else "text"
        reply = Reply.for_turn(tracker)
        if variant != "text" or reply.concern not in CRISIS_CONCERNS:
            # Only a physical emergency that also reads as despair carries a line: the crisis line.
            reply.concern = None
        return reply.behaviour(
            EMERGENCY, variant, suggestions=(), extra={"kind": kind}
        ).send(dispatcher)


class ActionPersonalDiagnosis(Action):
    def name(self) -> str:
        return "action_personal_diagnosis"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        topic_id = tracker.latest_message.get(FACT_TOPIC_KEY)
        if topic_id not in CONTENT.topics:
            topic_id = general_fact_topic(tracker.latest_message.get("entities") or ())
        reply = Reply.for_turn(tracker).behaviour(
            PERSONAL_DIAGNOSIS, extra={"general_fact": topic_id}
        )
        if topic_id:
            # The general fact as an answer of its own, with its source: declined, not silent.
            framing = EDITIONS[reply.language].behaviour_text(PERSONAL_DIAGNOSIS, "general_fact")
            reply.answer(topic_id, framing)
        return reply.send(dispatcher)
