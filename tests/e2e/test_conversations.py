"""End-to-end conversations through the REST webhook of real, running servers."""

from __future__ import annotations

import sqlite3

import pytest

from bot.content import content
from bot.settings import settings
from tests.conftest import Servers, new_sender

pytestmark = pytest.mark.e2e

MEDICAL_TOPICS = sorted(content().topics)


@pytest.mark.parametrize("payload", ["/get_started", "GET_STARTED"])
def test_a_widgets_opening_payload_gets_the_greeting(servers: Servers, payload: str) -> None:
    assert servers.say(payload).topics == ["greeting"]


def test_greeting_gives_disclaimer_and_suggested_questions(servers: Servers) -> None:
    reply = servers.say("hello there")
    assert reply.topics == ["greeting"]
    assert "not medical advice" in reply.text
    assert 3 <= len(reply.buttons) <= 4
    assert all(button["payload"].startswith("/") for button in reply.buttons)


@pytest.mark.parametrize("topic_id", MEDICAL_TOPICS)
def test_every_topic_answers_with_source_buttons_and_provider_line(
    servers: Servers, topic_id: str
) -> None:
    topic = content().topics[topic_id]
    reply = servers.say(f"/{topic_id}")
    assert reply.topics == [topic_id]
    custom = reply.customs[0]
    assert custom["source"]["url"] == topic.source.url
    assert custom["source"]["reviewed"] == topic.source.reviewed.isoformat()
    assert topic.answer in reply.text
    assert topic.source.citation in reply.text
    assert [b["payload"] for b in reply.buttons] == [f"/{r}" for r in topic.related]
    assert reply.recommends_provider


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("are these white spots cancer?", "are_they_cancer"),
        ("do I need a biopsy?", "biopsy_when"),
        ("should I stop my calcium pills?", "dietary_calcium"),
        ("what are calcifacations", "what_are_calcifications"),
        ("what is a stereotactic biospy", "stereotactic_biopsy"),
    ],
)
def test_patients_own_words_reach_the_right_topic(
    servers: Servers, question: str, topic: str
) -> None:
    reply = servers.say(question)
    assert reply.topics == [topic]
    assert reply.recommends_provider


def test_follow_up_about_the_big_ones_uses_context(servers: Servers) -> None:
    sender = new_sender()
    assert servers.say("what are microcalcifications?", sender).topics == ["microcalcifications"]
    assert servers.say("and the big ones?", sender).topics == ["macrocalcifications"]


def test_follow_up_about_biopsy_after_suspicious(servers: Servers) -> None:
    sender = new_sender()
    first = servers.say("what are suspicious calcifications?", sender)
    assert first.topics == ["suspicious_calcifications"]
    assert servers.say("do those need a biopsy?", sender).topics == ["biopsy_when"]


def test_tell_me_more_offers_the_next_related_topic(servers: Servers) -> None:
    sender = new_sender()
    servers.say("/macrocalcifications", sender)
    reply = servers.say("tell me more", sender)
    assert reply.topics == [content().topics["macrocalcifications"].related[0]]


def test_follow_up_without_context_asks_which_one(servers: Servers) -> None:
    reply = servers.say("tell me more about those")
    assert reply.topics == ["fallback"]
    assert reply.customs[0]["reason"] == "no_context"
    assert reply.recommends_provider


def test_two_questions_in_one_message_get_two_answers(servers: Servers) -> None:
    reply = servers.say("what causes them and does my calcium pill matter?")
    assert reply.topics == ["causes", "dietary_calcium"]
    for topic_id in reply.topics:
        assert content().topics[topic_id].answer in reply.text
    assert reply.text.count(content().provider_line) == 1


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("I have crushing chest pain", "chest_pain"),
        ("i cant breathe", "breathing"),
        ("my biopsy site won't stop bleeding", "bleeding"),
        ("I just fainted", "fainting"),
        ("high fever and my breast is red and hot", "infection"),
        ("my lips and tongue are swelling up after the dye", "allergic_reaction"),
        ("I just took 20 tylenol", "overdose"),
        ("I want to kill myself", "self_harm"),
        ("what are microcalcifications? also my bx site is gushing blood and won't stop",
         "bleeding"),
        # No rule's words: the learned reader alone is all but certain (the general reply).
        ("the biopsy cut opened up when I lifted my toddler and it's dripping through everything, "
         "I'm on my third shirt", "unspecified"),
    ],
)
def test_emergencies_get_the_emergency_reply_first_and_alone(
    servers: Servers, message: str, kind: str
) -> None:
    reply = servers.say(message)
    assert reply.topics == ["emergency"]
    assert reply.customs[0]["kind"] == kind
    assert settings().emergency_number in reply.text
    if kind in ("self_harm", "overdose"):
        assert settings().crisis_line in reply.text
    # Emergency care now, not "talk with your provider about what this means for you".
    assert not reply.recommends_provider


@pytest.mark.parametrize(
    ("message", "topic"),
    [
        ("I'm dying to find out if my multivitamin matters", "dietary_calcium"),
        ("my sister had a heart attack last spring; can calcium in blood vessels cause "
         "calcifications?", "causes"),
        ("this isn't urgent, but what are macrocalcifications?", "macrocalcifications"),
        ("no bleeding or fever, just wondering what a stereotactic biopsy is",
         "stereotactic_biopsy"),
    ],
)
def test_near_misses_get_their_answer_not_an_alarm(
    servers: Servers, message: str, topic: str
) -> None:
    reply = servers.say(message)
    assert reply.topics == [topic]
    assert "safety" not in reply.customs[-1]


def test_a_possible_emergency_gets_the_answer_and_one_safety_line(servers: Servers) -> None:
    reply = servers.say("what if I start bleeding heavily after my biopsy? when is a biopsy needed")
    assert "emergency" not in reply.topics and reply.topics
    assert reply.customs[-1]["safety"] == "bleeding"
    assert reply.text.count(settings().emergency_number) == 1
    assert reply.recommends_provider


def test_indirect_self_harm_always_gets_the_crisis_line(servers: Servers) -> None:
    reply = servers.say("I've written letters to my family tonight, I won't need to hear the "
                        "biopsy results")
    assert reply.topics == ["emergency"]
    assert reply.customs[0]["kind"] == "self_harm"
    assert settings().crisis_line in reply.text and settings().emergency_number in reply.text


def test_past_or_denied_self_harm_keeps_the_answer_with_the_crisis_line(servers: Servers) -> None:
    reply = servers.say("Years ago I went through a dark patch and wanted to die, but that's "
                        "behind me now. What causes calcifications?")
    assert reply.topics == ["causes"]
    assert settings().crisis_line in reply.text
    denied = servers.say("I'm not suicidal or anything, just fed up with waiting")
    assert "emergency" not in denied.topics
    assert settings().crisis_line in denied.text


def test_a_forum_style_story_gets_the_answer_to_its_question(servers: Servers) -> None:
    reply = servers.say(
        "Long time reader here. My aunt is 64 and had a mammogram last month, and the "
        "letter mentioned large round calcium deposits. She is fine otherwise and goes "
        "every year. I wonder whether those big round ones are usually nothing to worry "
        "about. Thanks for reading!")
    assert reply.topics == ["macrocalcifications"]


def test_asking_what_her_own_result_means_is_declined_with_the_general_fact(
    servers: Servers,
) -> None:
    reply = servers.say(
        "I got the letter today. It says clustered calcifications in my left breast and "
        "they want a biopsy next week. Does this mean I have cancer?")
    assert reply.topics[0] == "personal_diagnosis"
    assert len(reply.topics) == 2 and reply.topics[1] in content().topics
    assert "In general:" in reply.text
    assert reply.recommends_provider


@pytest.mark.parametrize(
    ("message", "topic"),
    [
        ("how are calcifications treated?", "not_covered"),
        ("what are the odds a biopsy for calcifications finds cancer", "not_covered"),
        ("the needle spot from yesterday's biopsy has a purple bruise, normal?", "aftercare"),
    ],
)
def test_questions_the_source_does_not_answer_say_so(
    servers: Servers, message: str, topic: str
) -> None:
    reply = servers.say(message)
    assert reply.topics == [topic]
    assert settings().clinic_phone in reply.text
    assert reply.recommends_provider


def test_emergency_overrides_mid_conversation(servers: Servers) -> None:
    sender = new_sender()
    servers.say("what are suspicious calcifications?", sender)
    reply = servers.say("do those need a biopsy? also I feel like I'm going to pass out", sender)
    assert reply.topics == ["emergency"]


def test_personal_diagnosis_declines_and_never_advises_skipping(servers: Servers) -> None:
    reply = servers.say("my doctor ordered a biopsy, can I skip it?")
    assert reply.topics == ["personal_diagnosis", "biopsy_when"]
    assert reply.customs[0]["general_fact"] == "biopsy_when"
    assert content().topics["biopsy_when"].answer in reply.text
    assert "skip" not in reply.text.lower()
    assert reply.recommends_provider


def test_out_of_scope_offers_topics_and_provider(servers: Servers) -> None:
    reply = servers.say("what's the weather like tomorrow?")
    assert reply.topics == ["out_of_scope"]
    assert reply.buttons
    assert reply.recommends_provider


def test_handoff_gives_the_clinic_contact(servers: Servers) -> None:
    reply = servers.say("I want to talk to a real person at the clinic")
    assert reply.topics == ["handoff"]
    assert settings().clinic_phone in reply.text
    assert reply.customs[0]["contact"]["portal_url"] == settings().clinic_portal_url


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        ("", "empty"),
        ("   \n\t ", "empty"),
        ("\x00\x01\x02", "empty"),
        ("😀😱🙏", "no_words"),
        ("a" * 10_000, "too_long"),
        ("乳房钙化是癌症吗", "non_english"),
    ],
)
def test_unanswerable_input_gets_a_polite_fallback(
    servers: Servers, message: str, reason: str
) -> None:
    reply = servers.say(message)
    assert reply.topics == ["fallback"]
    assert reply.customs[0]["reason"] == reason
    assert reply.recommends_provider


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("¿Las calcificaciones son cáncer?", "are_they_cancer"),
        ("que son las calcificasiones", "what_are_calcifications"),
        ("¿tengo que dejar las pastillas de calcio?", "dietary_calcium"),
        ("me hicieron callback por calcifications, es malo?", "further_testing"),
    ],
)
def test_a_spanish_question_gets_the_spanish_answer_and_source(
    servers: Servers, question: str, topic: str
) -> None:
    reply = servers.say(question)
    spanish = content("es").topics[topic]
    assert reply.topics == [topic]
    assert reply.customs[0]["language"] == "es"
    assert reply.customs[0]["source"]["url"] == spanish.source.url
    assert spanish.answer in reply.text
    assert content("es").provider_line in reply.text


def test_a_conversation_keeps_its_language_until_she_switches(servers: Servers) -> None:
    sender = new_sender()
    languages = [servers.say(text, sender).customs[0]["language"] for text in (
        "¿Qué causa las calcificaciones?",
        # A number picks an offered topic and "ok" cannot tell: the language holds.
        "1",
        "ok",
        "hola",
        "What are calcifications?",
        "ok",
    )]
    assert languages == ["es", "es", "es", "es", "en", "en"]


def test_a_message_in_neither_language_is_told_which_ones_are_served(servers: Servers) -> None:
    reply = servers.say("Qu'est-ce que les calcifications mammaires ?")
    assert reply.topics == ["fallback"]
    assert reply.customs[0]["reason"] == "non_english"
    assert reply.recommends_provider


def test_a_spanish_emergency_gets_the_emergency_reply_in_spanish(servers: Servers) -> None:
    reply = servers.say("Me tomé 30 pastillas de paracetamol hace media hora")
    assert reply.topics == ["emergency"]
    assert reply.customs[0]["language"] == "es"
    assert settings().emergency_number in reply.text
    assert content("es").provider_line not in reply.text


def test_html_is_never_echoed(servers: Servers) -> None:
    reply = servers.say("<script>alert('x')</script><b>are calcifications cancer?</b>")
    assert reply.topics
    assert "<script>" not in reply.text and "<b>" not in reply.text


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"[1, 2]", b'"text"', b'{"sender": "x"}', b'{"message": "hi"}', b""],
)
def test_malformed_requests_get_400_and_the_server_keeps_serving(
    servers: Servers, body: bytes
) -> None:
    response = servers.post(body)
    assert response.status_code == 400
    assert "error" in response.json()
    assert servers.say("hi").topics == ["greeting"]


def test_conversations_are_stored_in_the_sqlite_tracker_store(servers: Servers) -> None:
    sender = new_sender()
    servers.say("what are calcifications?", sender)
    with sqlite3.connect(servers.tracker_db) as db:
        rows = db.execute(
            "SELECT type_name, intent_name FROM events WHERE sender_id = ?", (sender,)
        ).fetchall()
    assert ("user", "what_are_calcifications") in rows
    assert any(type_name == "bot" for type_name, _ in rows)


def test_patient_text_stays_out_of_the_server_logs(servers: Servers) -> None:
    marker = "zebra-crossing-8841"
    reply = servers.say(f"my name is {marker}, what are calcifications?")
    assert reply.topics
    log = servers.log.read_text(errors="replace")
    assert "up and running" in log, "the servers' INFO log was not captured"
    assert marker not in log
