"""Answers medical questions, including follow-ups and messages that ask several things."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.replies import CONTENT, Reply
from bot.contract import FALLBACK, LAST_TOPIC_SLOT
from bot.routing import answer_topics


class ActionAnswer(Action):
    def name(self) -> str:
        return "action_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        last_topic = tracker.get_slot(LAST_TOPIC_SLOT)
        related = {topic_id: topic.related for topic_id, topic in CONTENT.topics.items()}
        topics = answer_topics(tracker.latest_message, last_topic, related)
        if not topics:
            suggestions = related.get(last_topic) if last_topic else None
            return Reply.for_turn(tracker).behaviour(
                FALLBACK, "no_context", suggestions=suggestions, extra={"reason": "no_context"}
            ).send(dispatcher)
        reply = Reply.for_turn(tracker)
        for topic_id in topics:
            reply.answer(topic_id)
        return [SlotSet(LAST_TOPIC_SLOT, topics[-1]), *reply.send(dispatcher)]
