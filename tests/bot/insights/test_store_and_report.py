"""The insights read back what the Rasa server stored: counts, the unanswered list, votes and
the export, and nothing once the conversation is purged."""

from __future__ import annotations

import time

from bot.contract import ANSWER_ID_FIELD
from bot.insights import store
from bot.insights.report import build_report, conversation_id, export_rows, spreadsheet_safe
from bot.privacy.retention import purge
from tests.bot.insights.conftest import Conversations

DAY = 86_400


def report(conversations: Conversations, days: int = 30) -> object:
    until = time.time() + 1
    since = until - days * DAY
    return build_report(store.count_period(conversations.engine, since, until), since, until,
                        days)


def scripted(conversations: Conversations) -> None:
    """Two conversations: answers, a fallback, an emergency, off-topic, a vote."""
    conversations.turn("ana", "are these white spots cancer?",
                       {"topic": "are_they_cancer", "language": "en", ANSWER_ID_FIELD: "a1"})
    conversations.turn("ana", "blorp zzz", {"topic": "fallback", "reason": "unclear"})
    conversations.turn("ana", "Blorp   ZZZ", {"topic": "fallback", "reason": "unclear"})
    conversations.turn("bea", "¿las calcificaciones son cáncer?",
                       {"topic": "are_they_cancer", "language": "es", ANSWER_ID_FIELD: "b1"},
                       channel="socketio", language="es")
    conversations.turn("bea", "I can't breathe",
                       {"topic": "emergency", "kind": "breathing", "language": "en"},
                       language=None)
    conversations.turn("bea", "what's the weather", {"topic": "out_of_scope", "language": "en"})
    conversations.vote("ana", "a1", "are_they_cancer", "helpful")


def test_the_report_counts_what_was_stored(conversations: Conversations) -> None:
    scripted(conversations)
    figures = report(conversations)
    assert (figures.messages, figures.conversations) == (6, 2)
    assert [(conv, msgs) for _, conv, msgs in figures.per_day] == [(2, 6)]
    assert figures.channels == {"rest": 5, "socketio": 1}
    assert figures.languages == {"en": 5, "es": 1}
    assert figures.topics["are_they_cancer"] == 2
    assert figures.reasons == {"fallback": 2, "not_covered": 0, "out_of_scope": 1}
    assert round(figures.rate("fallback"), 3) == round(2 / 6, 3)
    assert figures.emergencies == {"breathing": 1}
    assert figures.feedback == {"are_they_cancer": {"helpful": 1, "not_helpful": 0}}


def test_unanswered_messages_are_grouped_with_their_counts(conversations: Conversations) -> None:
    scripted(conversations)
    listed = [(item.text, item.reason, item.count) for item in report(conversations).unanswered]
    assert listed == [("blorp zzz", "fallback", 2), ("what's the weather", "out_of_scope", 1)]


def test_the_period_leaves_out_older_messages(conversations: Conversations) -> None:
    conversations.turn("old", "do I need a biopsy?", {"topic": "biopsy_when"},
                       at=time.time() - 40 * DAY)
    conversations.turn("new", "do I need a biopsy?", {"topic": "biopsy_when"})
    assert report(conversations, days=30).messages == 1
    assert report(conversations, days=90).messages == 2


def test_the_export_has_one_row_per_message_with_its_vote(conversations: Conversations) -> None:
    scripted(conversations)
    until = time.time() + 1
    rows = list(export_rows(store.read_period(conversations.engine, until - DAY, until), "key"))
    assert [row[6] for row in rows] == [
        "are these white spots cancer?", "blorp zzz", "Blorp   ZZZ",
        "¿las calcificaciones son cáncer?", "I can't breathe", "what's the weather"]
    assert rows[0][1] == conversation_id("ana", "key") != "ana"
    assert rows[3][1] == conversation_id("bea", "key")
    assert [row[7] for row in rows] == ["helpful", "", "", "", "", ""]
    assert [row[5] for row in rows] == ["", "fallback:unclear", "fallback:unclear", "",
                                        "emergency:breathing", "out_of_scope"]
    assert rows[3][2:5] == ["socketio", "es", "are_they_cancer"]


def test_a_formula_typed_by_a_patient_is_exported_as_text() -> None:
    assert spreadsheet_safe('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert spreadsheet_safe("-1 pills?") == "'-1 pills?"
    assert spreadsheet_safe("do I need a biopsy?") == "do I need a biopsy?"


def test_a_purged_conversation_leaves_the_page(conversations: Conversations) -> None:
    scripted(conversations)
    conversations.turn("cara", "do I need a biopsy?", {"topic": "biopsy_when"},
                       at=time.time() - 100 * DAY)
    assert report(conversations, days=365).messages == 7
    purge(conversations.engine, days=90)
    assert report(conversations, days=365).messages == 6
    purge(conversations.engine, days=1, now=time.time() + 2 * DAY)
    empty = report(conversations, days=365)
    assert (empty.messages, empty.conversations, empty.feedback) == (0, 0, {})
