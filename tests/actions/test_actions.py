"""The actions, run as the action server runs them, on trackers shaped like Rasa's."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import ActionAnswer
from actions.conversation import ActionHandoff, ActionSmallTalk
from actions.fallback import ActionDefaultFallback, ActionFallback, ActionOutOfScope
from actions.replies import Reply
from actions.safety import ActionEmergency, ActionPersonalDiagnosis
from bot.content import content
from bot.settings import settings


def tracker(intent: str, last_topic: str | None = None, **parse: Any) -> Tracker:
    latest = {"intent": {"name": intent, "confidence": 0.9}, "entities": [], "text": "", **parse}
    return Tracker(
        sender_id="test",
        slots={"last_topic": last_topic},
        latest_message=latest,
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def run(action: Action, current: Tracker) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, current, {}))
    return dispatcher.messages, events


def topics(messages: list[dict[str, Any]]) -> list[str]:
    return [message["custom"]["topic"] for message in messages]


def full_text(messages: list[dict[str, Any]]) -> str:
    return "\n".join(message["text"] for message in messages)


@pytest.mark.parametrize("topic_id", sorted(content().topics))
def test_answer_serves_the_topic_and_remembers_it(topic_id: str) -> None:
    messages, events = run(ActionAnswer(), tracker(topic_id))
    assert topics(messages) == [topic_id]
    assert messages[0]["text"].endswith(content().provider_line)
    assert events == [
        {"event": "slot", "name": "last_topic", "value": topic_id, "timestamp": None},
        {"event": "slot", "name": "offered_topics",
         "value": list(content().topics[topic_id].related), "timestamp": None},
    ]


def test_several_questions_get_one_provider_line_at_the_end() -> None:
    messages, events = run(
        ActionAnswer(), tracker("causes", topics=["causes", "dietary_calcium", "biopsy_when"])
    )
    assert topics(messages) == ["causes", "dietary_calcium", "biopsy_when"]
    assert full_text(messages).count(content().provider_line) == 1
    assert messages[-1]["text"].endswith(content().provider_line)
    assert events[0]["value"] == "biopsy_when"


def test_follow_up_resolves_against_the_last_topic() -> None:
    size = {"entity": "size", "value": "macro", "start": 8, "end": 16}
    messages, _ = run(
        ActionAnswer(), tracker("follow_up", last_topic="microcalcifications", entities=[size])
    )
    assert topics(messages) == ["macrocalcifications"]


def test_follow_up_with_nothing_to_lean_on_asks_back() -> None:
    messages, events = run(ActionAnswer(), tracker("follow_up"))
    assert topics(messages) == ["fallback"]
    assert messages[0]["custom"]["reason"] == "no_context"
    assert content().provider_line in messages[0]["text"]
    assert events == [{"event": "slot", "name": "offered_topics",
                       "value": list(content().suggestions("fallback")), "timestamp": None}]


@pytest.mark.parametrize("intent", ["greeting", "goodbye", "thanks", "bot_challenge"])
def test_small_talk_carries_no_provider_line(intent: str) -> None:
    messages, _ = run(ActionSmallTalk(), tracker(intent))
    assert topics(messages) == [intent]
    assert content().provider_line not in messages[0]["text"]


def test_greeting_suggests_questions_as_buttons() -> None:
    messages, _ = run(ActionSmallTalk(), tracker("greeting"))
    payloads = [button["payload"] for button in messages[0]["buttons"]]
    assert payloads == [f"/{topic}" for topic in content().suggestions("greeting")]


def test_handoff_fills_in_the_clinic_settings() -> None:
    messages, _ = run(ActionHandoff(), tracker("handoff"))
    assert settings().clinic_phone in messages[0]["text"]
    assert "{" not in messages[0]["text"]


@pytest.mark.parametrize(
    ("kind", "must_say"),
    [("self_harm", "crisis_line_name"), ("chest_pain", "emergency_number"),
     (None, "emergency_number")],
)
def test_emergency_reply_names_the_right_number(kind: str | None, must_say: str) -> None:
    parse = {"emergency": kind} if kind else {}
    messages, _ = run(ActionEmergency(), tracker("emergency", **parse))
    assert topics(messages) == ["emergency"]
    assert getattr(settings(), must_say) in messages[0]["text"]
    assert content().provider_line in messages[0]["text"]


def test_personal_diagnosis_adds_the_general_fact_when_one_applies() -> None:
    biopsy = {"entity": "procedure", "value": "biopsy", "start": 0, "end": 6}
    with_fact, _ = run(ActionPersonalDiagnosis(), tracker("personal_diagnosis", entities=[biopsy]))
    without, _ = run(ActionPersonalDiagnosis(), tracker("personal_diagnosis"))
    assert content().topics["biopsy_when"].answer in with_fact[0]["text"]
    assert with_fact[0]["custom"]["general_fact"] == "biopsy_when"
    assert without[0]["custom"]["general_fact"] is None
    for messages in (with_fact, without):
        assert content().provider_line in messages[0]["text"]


@pytest.mark.parametrize("issue", ["empty", "no_words", "too_long", "non_english"])
def test_fallback_explains_unanswerable_input(issue: str) -> None:
    messages, _ = run(ActionFallback(), tracker("nlu_fallback", input_issue=issue))
    assert messages[0]["custom"] == {"topic": "fallback", "reason": issue}
    assert messages[0]["text"].startswith(content().behaviour_text("fallback", issue))


def test_fallback_offers_the_closest_topics() -> None:
    ranking = [{"name": "nlu_fallback", "confidence": 0.3}, {"name": "greeting", "confidence": 0.2},
               {"name": "causes", "confidence": 0.2}, {"name": "biopsy_when", "confidence": 0.1}]
    for action in (ActionFallback(), ActionDefaultFallback()):
        messages, _ = run(action, tracker("nlu_fallback", intent_ranking=ranking))
        assert [b["payload"] for b in messages[0]["buttons"]] == ["/causes", "/biopsy_when"]


def test_out_of_scope_recommends_a_provider() -> None:
    messages, _ = run(ActionOutOfScope(), tracker("out_of_scope"))
    assert topics(messages) == ["out_of_scope"]
    assert content().provider_line in messages[0]["text"]
    assert messages[0]["buttons"]


def test_an_empty_reply_is_refused() -> None:
    with pytest.raises(ValueError):
        Reply().send(CollectingDispatcher())
