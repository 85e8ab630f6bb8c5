"""Greeting, goodbye, thanks, "are you a bot?" and the hand-off to the clinic's people."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.replies import SETTINGS, Reply

SMALL_TALK = ("greeting", "goodbye", "thanks", "bot_challenge")


class ActionSmallTalk(Action):
    def name(self) -> str:
        return "action_small_talk"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        behaviour = intent if intent in SMALL_TALK else "greeting"
        return Reply.for_turn(tracker).behaviour(behaviour).send(dispatcher)


class ActionHandoff(Action):
    def name(self) -> str:
        return "action_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        contact = {
            "name": SETTINGS.clinic_name,
            "phone": SETTINGS.clinic_phone,
            "hours": SETTINGS.clinic_hours,
            "portal_url": SETTINGS.clinic_portal_url,
        }
        reply = Reply.for_turn(tracker).behaviour("handoff", extra={"contact": contact})
        return reply.send(dispatcher)
