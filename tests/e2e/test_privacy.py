"""Identifiers that patients type never reach the conversation store or the logs."""

from __future__ import annotations

import json
import sqlite3

import pytest

from tests.conftest import Servers, new_sender

pytestmark = pytest.mark.e2e

IDENTIFIERS = {
    "jane.doe.4417@example.org": "[email]",
    "(555) 301-4417": "[phone]",
    "03/14/1962": "[date of birth]",
    "84417321": "[record number]",
}


def stored_user_events(servers: Servers, sender: str) -> list[dict]:
    with sqlite3.connect(servers.tracker_db) as db:
        rows = db.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user'", (sender,)
        ).fetchall()
    return [json.loads(data) for (data,) in rows]


def test_identifiers_are_redacted_before_the_conversation_is_stored(servers: Servers) -> None:
    sender = new_sender()
    email, phone, birth, record = IDENTIFIERS
    servers.say(f"hi, I'm {email}, call me on {phone}", sender)
    reply = servers.say(f"DOB {birth}, MRN {record}. Do I need a biopsy?", sender)
    assert reply.topics == ["biopsy_when"]

    events = stored_user_events(servers, sender)
    assert [event["text"] for event in events] == [
        "hi, I'm [email], call me on [phone]",
        "DOB [date of birth], MRN [record number]. Do I need a biopsy?",
    ]
    assert all(event["parse_data"]["text"] == event["text"] for event in events)
    with sqlite3.connect(servers.tracker_db) as db:
        everything = "\n".join(data for (data,) in db.execute("SELECT data FROM events"))
    log = servers.log.read_text(errors="replace")
    for original in IDENTIFIERS:
        assert original not in everything
        assert original not in log


def test_an_emergency_with_a_phone_number_is_still_an_emergency(servers: Servers) -> None:
    sender = new_sender()
    reply = servers.say("I took all my pills, call me at 555-123-4567", sender)
    assert reply.topics == ["emergency"]
    assert [event["text"] for event in stored_user_events(servers, sender)] == [
        "I took all my pills, call me at [phone]"
    ]
