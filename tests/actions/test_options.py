"""A reply of just a number picks that topic from the ones the last reply offered."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import ActionAnswer
from actions.conversation import ActionHandoff, ActionSmallTalk
from actions.fallback import ActionFallback, ActionOutOfScope
from actions.options import ActionChooseOption
from actions.safety import ActionEmergency, ActionPersonalDiagnosis
from bot.content import content
from bot.contract import LAST_TOPIC_SLOT, OFFERED_TOPICS_SLOT


def tracker(intent: str, offered: list[str] | None = None, **parse: Any) -> Tracker:
    latest = {"intent": {"name": intent, "confidence": 1.0}, "entities": [], "text": "", **parse}
    return Tracker(
        sender_id="test",
        slots={LAST_TOPIC_SLOT: None, OFFERED_TOPICS_SLOT: offered},
        latest_message=latest,
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def run(action: Action, current: Tracker) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, current, {}))
    return dispatcher.messages, {event["name"]: event["value"] for event in events}


def shown_topics(messages: list[dict[str, Any]]) -> list[str]:
    """The topics of the buttons, in the order a patient sees them, each once."""
    payloads = [button["payload"] for message in messages for button in message.get("buttons")
                or ()]
    return list(dict.fromkeys(payload.removeprefix("/") for payload in payloads))


def test_two_picks_the_second_offered_topic() -> None:
    offered = list(content().topics["are_they_cancer"].related)
    messages, slots = run(ActionChooseOption(), tracker("choose_option", offered, option=2))
    assert [message["custom"]["topic"] for message in messages] == [offered[1]]
    assert messages[0]["text"].startswith(content().topics[offered[1]].answer)
    assert messages[-1]["text"].endswith(content().provider_line)
    assert slots["last_topic"] == offered[1]
    assert slots[OFFERED_TOPICS_SLOT] == list(content().topics[offered[1]].related)


@pytest.mark.parametrize(
    ("offered", "number"),
    [(None, 1), ([], 2), (["causes", "dietary_calcium"], 3), (["causes"], None)],
)
def test_a_number_without_that_offer_gets_the_fallback_with_the_provider_line(
    offered: list[str] | None, number: int | None
) -> None:
    messages, slots = run(ActionChooseOption(), tracker("choose_option", offered, option=number))
    assert [message["custom"]["topic"] for message in messages] == ["fallback"]
    assert messages[0]["custom"]["reason"] == "no_option"
    assert messages[0]["text"].startswith(content().behaviour_text("fallback", "no_option"))
    assert content().provider_line in messages[0]["text"]
    # It offers topics again, so the next number has something to pick from.
    assert slots[OFFERED_TOPICS_SLOT] == shown_topics(messages) != []
    assert "last_topic" not in slots


@pytest.mark.parametrize(
    ("action", "current"),
    [
        (ActionAnswer(), tracker("causes")),
        (ActionAnswer(), tracker("causes", topics=["causes", "are_they_cancer", "biopsy_when"])),
        (ActionSmallTalk(), tracker("greeting")),
        (ActionSmallTalk(), tracker("goodbye")),
        (ActionHandoff(), tracker("handoff")),
        (ActionFallback(), tracker("nlu_fallback")),
        (ActionFallback(), tracker("nlu_fallback", input_issue="empty")),
        (ActionOutOfScope(), tracker("out_of_scope")),
        (ActionEmergency(), tracker("emergency", emergency="cardiac")),
        (ActionPersonalDiagnosis(), tracker("personal_diagnosis")),
        (ActionChooseOption(), tracker("choose_option", ["biopsy_when"], option=1)),
    ],
)
def test_every_reply_records_exactly_the_topics_its_buttons_show(
    action: Action, current: Tracker
) -> None:
    messages, slots = run(action, current)
    assert slots[OFFERED_TOPICS_SLOT] == shown_topics(messages)


def test_a_topic_offered_by_two_answers_is_recorded_once_at_its_first_place() -> None:
    topics = content().topics
    first, second = next(
        (one, other)
        for one in topics
        for other in topics
        if one != other and set(topics[one].related) & set(topics[other].related)
    )
    _, slots = run(ActionAnswer(), tracker(first, topics=[first, second]))
    expected = list(dict.fromkeys([*topics[first].related, *topics[second].related]))
    assert len(expected) < len(topics[first].related) + len(topics[second].related)
    assert slots[OFFERED_TOPICS_SLOT] == expected
