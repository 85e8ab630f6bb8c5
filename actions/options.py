"""A reply of just a number ("2") picks that topic from the ones the last reply offered.

SMS and WhatsApp show offered topics as a numbered list instead of buttons; the same number
works on every channel, in the order the buttons were shown.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.replies import CONTENT, Reply
from bot.contract import FALLBACK, LAST_TOPIC_SLOT, OFFERED_TOPICS_SLOT, OPTION_KEY

NO_OPTION = "no_option"


def chosen_topic(number: Any, offered: Any) -> str | None:
    """The offered topic with that 1-based number, or None when there is no such option."""
    if not isinstance(number, int) or not isinstance(offered, list):
        return None
    if not 1 <= number <= len(offered):
        return None
    topic_id = offered[number - 1]
    return topic_id if topic_id in CONTENT.topics else None


class ActionChooseOption(Action):
    def name(self) -> str:
        return "action_choose_option"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        number = tracker.latest_message.get(OPTION_KEY)
        topic_id = chosen_topic(number, tracker.get_slot(OFFERED_TOPICS_SLOT))
        if topic_id is None:
            return Reply.for_turn(tracker).behaviour(
                FALLBACK, NO_OPTION, extra={"reason": NO_OPTION, "option": number}
            ).send(dispatcher)
        reply = Reply.for_turn(tracker).answer(topic_id)
        return [SlotSet(LAST_TOPIC_SLOT, topic_id), *reply.send(dispatcher)]
