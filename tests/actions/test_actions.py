"""The actions, run as the action server runs them, on trackers shaped like Rasa's."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import ActionAnswer
from actions.conversation import ActionHandoff, ActionSmallTalk
from actions.fallback import (
    ActionAftercare,
    ActionDefaultFallback,
    ActionFallback,
    ActionNotCovered,
    ActionOutOfScope,
)
from actions.replies import Reply
from actions.safety import ActionEmergency, ActionPersonalDiagnosis
from bot.content import content
from bot.contract import ANSWER_ID_FIELD
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


def test_each_medical_answer_and_only_it_carries_an_id_to_vote_on() -> None:
    answers, _ = run(
        ActionAnswer(), tracker("causes", topics=["causes", "dietary_calcium"])
    )
    ids = [message["custom"].get(ANSWER_ID_FIELD) for message in answers]
    assert all(isinstance(answer_id, str) and answer_id for answer_id in ids)
    assert len(set(ids)) == 2
    again, _ = run(ActionAnswer(), tracker("causes"))
    assert again[0]["custom"][ANSWER_ID_FIELD] not in ids
    for action in (ActionOutOfScope(), ActionNotCovered(), ActionFallback(), ActionEmergency()):
        messages, _ = run(action, tracker("out_of_scope"))
        assert all(ANSWER_ID_FIELD not in message["custom"] for message in messages)


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
    [("self_harm", ["crisis_line", "crisis_line_name", "emergency_number"]),
     ("overdose", ["emergency_number", "crisis_line"]),
     ("chest_pain", ["emergency_number"]),
     (None, ["emergency_number"])],
)
def test_emergency_reply_names_the_right_numbers(kind: str | None, must_say: list[str]) -> None:
    parse = {"emergency": kind} if kind else {}
    messages, _ = run(ActionEmergency(), tracker("emergency", **parse))
    assert topics(messages) == ["emergency"]
    for setting in must_say:
        assert getattr(settings(), setting) in messages[0]["text"]
    # An emergency sends her to emergency care now, not to a later talk with her provider.
    assert content().provider_line not in messages[0]["text"]


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_physical_emergency_read_as_despair_gets_the_crisis_line_under_its_reply(
    language: str
) -> None:
    messages, _ = run(ActionEmergency(), tracker(
        "emergency", emergency="fainting", safety_concern="suspected_self_harm",
        language=language))
    placeholders = settings().as_placeholders(language)
    reply = content(language).behaviour_text("emergency", "text").format(**placeholders)
    line = content(language).behaviour_text(
        "emergency", "crisis_line_after_emergency").format(**placeholders)
    assert topics(messages) == ["emergency"]
    assert messages[0]["text"] == f"{reply}\n{line}"
    assert settings().crisis_line in line
    assert messages[0]["custom"]["safety"] == "suspected_self_harm"


@pytest.mark.parametrize(("kind", "concern"), [("bleeding", "bleeding"),
                                               ("self_harm", "suspected_self_harm"),
                                               ("overdose", "suspected_self_harm")])
def test_an_emergency_reply_gets_no_second_line(kind: str, concern: str) -> None:
    """Its own kind's line would repeat it; the crisis and overdose replies name the crisis line."""
    messages, _ = run(ActionEmergency(), tracker("emergency", emergency=kind,
                                                 safety_concern=concern))
    assert len(messages) == 1 and len(messages[0]["custom"]["blocks"]) == 1
    assert "safety" not in messages[0]["custom"]


@pytest.mark.parametrize(("kind", "variant"), [("self_harm", "self_harm"), ("bleeding", "text")])
def test_a_spanish_emergency_is_answered_in_spanish(kind: str, variant: str) -> None:
    messages, _ = run(ActionEmergency(), tracker("emergency", emergency=kind, language="es"))
    spanish = content("es").behaviour_text("emergency", variant).format(
        **settings().as_placeholders("es"))
    assert messages[0]["text"] == spanish
    assert messages[0]["custom"]["language"] == "es"
    assert settings().emergency_number in spanish


def test_a_spanish_message_with_signs_of_self_harm_gets_the_spanish_crisis_reply() -> None:
    messages, _ = run(ActionFallback(), tracker("nlu_fallback", safety_concern="self_harm",
                                                language="es"))
    assert topics(messages) == ["emergency"]
    assert "marque el 2" in messages[0]["text"]
    assert settings().crisis_line_name_es in messages[0]["text"]


def test_a_message_in_neither_language_is_told_so_in_the_conversations_language() -> None:
    messages, _ = run(ActionFallback(), tracker("nlu_fallback", input_issue="non_english",
                                                language="es"))
    assert messages[0]["text"].startswith(
        content("es").behaviour_text("fallback", "non_english"))
    assert messages[0]["text"].endswith(content("es").provider_line)
    assert messages[0]["custom"]["language"] == "es"


@pytest.mark.parametrize("topic_id", sorted(content().topics))
def test_a_spanish_question_gets_the_spanish_answer_its_source_and_buttons(topic_id: str) -> None:
    messages, _ = run(ActionAnswer(), tracker(topic_id, language="es"))
    spanish = content("es").topics[topic_id]
    assert spanish.answer in messages[0]["text"]
    assert spanish.source.url.startswith("https://medlineplus.gov/spanish/")
    assert messages[0]["custom"]["source"]["url"] == spanish.source.url
    assert spanish.source.citation in messages[0]["text"]
    assert messages[0]["text"].endswith(content("es").provider_line)
    assert [b["title"] for b in messages[0]["buttons"]] == [
        content("es").topics[related].question for related in spanish.related]


def test_a_spanish_personal_question_is_declined_with_the_general_fact_in_spanish() -> None:
    messages, _ = run(ActionPersonalDiagnosis(),
                      tracker("personal_diagnosis", fact_topic="are_they_cancer", language="es"))
    framing = content("es").behaviour_text("personal_diagnosis", "general_fact")
    fact = framing.format(fact=content("es").topics["are_they_cancer"].answer)
    assert fact in full_text(messages)
    assert {message["custom"]["language"] for message in messages} == {"es"}


def converse(turns: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Answers each turn in order, as the action server sees them: the latest message, and
    the slots the earlier replies set (no older events). Returns the last turn's messages."""
    slots: dict[str, Any] = {}
    messages: list[dict[str, Any]] = []
    for turn in turns:
        latest = {"text": "", "entities": [], "intent": {"name": "causes", "confidence": 0.9},
                  **turn}
        current = Tracker("test", dict(slots), latest, [], False, None, {}, "action_listen")
        messages, events = run(ActionAnswer(), current)
        slots.update({event["name"]: event["value"] for event in events
                      if event["event"] == "slot"})
    return messages


@pytest.mark.parametrize(
    ("turns", "expected"),
    [
        # "gracias" or "ok" cannot tell: the conversation's language holds.
        ([{"language": "es"}, {}], "es"),
        ([{"language": "es"}, {}, {}], "es"),
        # She may switch, either way.
        ([{"language": "es"}, {"language": "en"}, {}], "en"),
        ([{"language": "en"}, {"language": "es"}], "es"),
        ([{}, {}], "en"),
        # The widget on a Spanish page: a greeting payload cannot tell, the page can.
        ([{"metadata": {"language": "es"}}], "es"),
        ([{"metadata": {"language": "es"}}, {}], "es"),
        ([{"language": "en", "metadata": {"language": "es"}}], "en"),
        ([{"language": "en"}, {"metadata": {"language": "es"}}], "en"),
    ],
)
def test_the_reply_language_is_the_last_one_the_nlu_could_tell(
    turns: list[dict[str, Any]], expected: str
) -> None:
    assert converse(turns)[0]["custom"]["language"] == expected


def test_the_languages_are_remembered_only_when_they_change() -> None:
    _, first = run(ActionAnswer(), tracker("causes", language="es"))
    remembered = Tracker("test", {"told_language": "es"}, {"intent": {"name": "causes"},
                         "language": "es"}, [], False, None, {}, "action_listen")
    _, second = run(ActionAnswer(), remembered)
    assert {"event": "slot", "name": "told_language", "value": "es", "timestamp": None} in first
    assert not [event for event in second if event["name"] == "told_language"]


def test_an_english_reply_says_it_is_english() -> None:
    messages, _ = run(ActionAnswer(), tracker("causes"))
    assert {message["custom"]["language"] for message in messages} == {"en"}


def test_each_emergency_kind_with_a_reply_of_its_own_gets_it() -> None:
    self_harm, _ = run(ActionEmergency(), tracker("emergency", emergency="self_harm"))
    overdose, _ = run(ActionEmergency(), tracker("emergency", emergency="overdose"))
    bleeding, _ = run(ActionEmergency(), tracker("emergency", emergency="bleeding"))
    assert len({self_harm[0]["text"], overdose[0]["text"], bleeding[0]["text"]}) == 3
    assert [m["custom"]["kind"] for m in (*self_harm, *overdose, *bleeding)] == [
        "self_harm", "overdose", "bleeding"]


@pytest.mark.parametrize(
    ("concern", "line"), [("bleeding", "safety_line"), ("unspecified", "safety_line"),
                          ("self_harm", "crisis_line"), ("suspected_self_harm", "crisis_line")],
)
def test_a_possible_emergency_keeps_the_answer_and_adds_a_safety_line(
    concern: str, line: str
) -> None:
    messages, _ = run(ActionAnswer(), tracker("biopsy_when", safety_concern=concern))
    expected = content().behaviour_text("emergency", line).format(**settings().as_placeholders())
    assert topics(messages) == ["biopsy_when"]
    assert content().topics["biopsy_when"].answer in messages[0]["text"]
    assert expected in messages[-1]["text"]
    assert messages[-1]["custom"]["safety"] == concern
    # The provider line still closes the reply.
    assert messages[-1]["text"].endswith(content().provider_line)


def test_an_answer_that_says_when_to_call_the_emergency_number_gets_no_second_line() -> None:
    messages, _ = run(ActionAftercare(), tracker("aftercare", safety_concern="bleeding"))
    assert full_text(messages).count(settings().emergency_number) == 1
    assert messages[-1]["custom"]["safety"] == "bleeding"
    crisis, _ = run(ActionAftercare(), tracker("aftercare", safety_concern="self_harm"))
    assert settings().crisis_line in full_text(crisis)


def test_self_harm_signs_with_nothing_to_answer_get_the_crisis_reply() -> None:
    messages, _ = run(ActionFallback(), tracker("nlu_fallback", safety_concern="self_harm"))
    assert topics(messages) == ["emergency"]
    assert messages[0]["custom"]["kind"] == "self_harm"
    assert settings().crisis_line in messages[0]["text"]


def test_a_suspicion_of_self_harm_alone_never_replaces_the_reply() -> None:
    messages, _ = run(ActionFallback(),
                      tracker("nlu_fallback", safety_concern="suspected_self_harm"))
    assert topics(messages) == ["fallback"]
    assert settings().crisis_line in messages[-1]["text"]


def test_no_safety_line_without_a_concern() -> None:
    messages, _ = run(ActionAnswer(), tracker("biopsy_when"))
    line = content().behaviour_text("emergency", "safety_line").format(
        **settings().as_placeholders())
    assert line not in full_text(messages)
    assert "safety" not in messages[-1]["custom"]


def test_personal_diagnosis_adds_the_general_fact_when_one_applies() -> None:
    biopsy = {"entity": "procedure", "value": "biopsy", "start": 0, "end": 6}
    with_fact, _ = run(ActionPersonalDiagnosis(), tracker("personal_diagnosis", entities=[biopsy]))
    without, _ = run(ActionPersonalDiagnosis(), tracker("personal_diagnosis"))
    assert topics(with_fact) == ["personal_diagnosis", "biopsy_when"]
    assert with_fact[1]["text"].startswith("In general: ")
    assert content().topics["biopsy_when"].answer in with_fact[1]["text"]
    assert with_fact[0]["custom"]["general_fact"] == "biopsy_when"
    assert topics(without) == ["personal_diagnosis"]
    assert without[0]["custom"]["general_fact"] is None
    for messages in (with_fact, without):
        assert content().provider_line in full_text(messages)


def test_personal_diagnosis_prefers_the_fact_the_classifier_chose() -> None:
    biopsy = {"entity": "procedure", "value": "biopsy", "start": 0, "end": 6}
    messages, _ = run(ActionPersonalDiagnosis(), tracker(
        "personal_diagnosis", entities=[biopsy], fact_topic="suspicious_calcifications"))
    assert topics(messages) == ["personal_diagnosis", "suspicious_calcifications"]


@pytest.mark.parametrize(("action", "behaviour"), [(ActionNotCovered(), "not_covered"),
                                                   (ActionAftercare(), "aftercare")])
def test_questions_beyond_the_source_say_so_and_give_the_clinic(
    action: Action, behaviour: str
) -> None:
    messages, _ = run(action, tracker(behaviour))
    assert topics(messages) == [behaviour]
    assert settings().clinic_phone in messages[0]["text"]
    assert content().provider_line in messages[0]["text"]


@pytest.mark.parametrize("issue", ["empty", "no_words", "too_long", "non_english"])
def test_fallback_explains_unanswerable_input(issue: str) -> None:
    messages, _ = run(ActionFallback(), tracker("nlu_fallback", input_issue=issue))
    assert (messages[0]["custom"]["topic"], messages[0]["custom"]["reason"]) == ("fallback", issue)
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
