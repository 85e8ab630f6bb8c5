"""Telegram end to end: Bot API updates in, sendMessage calls out to the local fake API."""

from __future__ import annotations

import json
import time

import pytest

from bot.content import content
from tests.bot.channels.conftest import (
    TELEGRAM_PUBLIC_URL,
    TELEGRAM_SECRET,
    TELEGRAM_TOKEN,
    ChannelServers,
    new_number,
)
from tests.bot.channels.fake_platforms import Call

pytestmark = pytest.mark.e2e

HEADERS = {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}


def update(chat_id: int, text: str) -> dict:
    """A text message Update, as https://core.telegram.org/bots/api#update describes it."""
    person = {"id": chat_id, "is_bot": False, "first_name": "Ann", "language_code": "en"}
    return {
        "update_id": new_number(),
        "message": {
            "message_id": 1365,
            "from": person,
            "chat": {"id": chat_id, "first_name": "Ann", "type": "private"},
            "date": int(time.time()),
            "text": text,
        },
    }


def button_press(chat_id: int, data: str) -> dict:
    """An inline-button press: a CallbackQuery carrying the button's callback_data."""
    bot = {"id": 123456789, "is_bot": True, "first_name": "Clinic", "username": "clinic_bot"}
    return {
        "update_id": new_number(),
        "callback_query": {
            "id": "4382bfdwdsb323b2d9",
            "from": {"id": chat_id, "is_bot": False, "first_name": "Ann"},
            "message": {"message_id": 1366, "from": bot, "date": int(time.time()),
                        "chat": {"id": chat_id, "type": "private"}, "text": "..."},
            "chat_instance": "-1234567890",
            "data": data,
        },
    }


def sent_to(chat_id: int):
    def match(call: Call) -> bool:
        return (call.platform == "telegram" and call.api_method == "sendMessage"
                and call.data.get("chat_id") == str(chat_id))
    return match


def test_the_webhook_is_registered_with_the_secret_token(channels: ChannelServers) -> None:
    (call,) = channels.platforms.wait_for(
        lambda c: c.platform == "telegram" and c.api_method == "setWebhook"
    )
    assert call.path == f"/telegram/bot{TELEGRAM_TOKEN}/setWebhook"
    assert call.data["url"] == TELEGRAM_PUBLIC_URL
    assert call.data["secret_token"] == TELEGRAM_SECRET
    assert "callback_query" in json.loads(call.data["allowed_updates"])


def test_a_question_gets_the_answer_with_a_source_link_and_topic_buttons(
    channels: ChannelServers,
) -> None:
    chat = new_number()
    reply = channels.post("telegram", json=update(chat, "are these white spots cancer?"),
                          headers=HEADERS)
    assert reply.status_code == 200
    (call,) = channels.platforms.matching(sent_to(chat))
    topic = content().topics["are_they_cancer"]
    assert call.path == f"/telegram/bot{TELEGRAM_TOKEN}/sendMessage"
    assert call.data["parse_mode"] == "HTML"
    assert call.data["text"].startswith(topic.answer)
    assert f'<a href="{topic.source.url}">' in call.data["text"]
    assert call.data["text"].endswith(content().provider_line)
    keyboard = json.loads(call.data["reply_markup"])["inline_keyboard"]
    assert [row[0]["callback_data"] for row in keyboard] == [f"/{t}" for t in topic.related]
    assert [row[0]["text"] for row in keyboard] == [
        content().topics[t].question for t in topic.related
    ]


def test_a_button_press_answers_that_topic_and_stops_the_spinner(
    channels: ChannelServers,
) -> None:
    chat = new_number()
    reply = channels.post("telegram", json=button_press(chat, "/causes"), headers=HEADERS)
    assert reply.status_code == 200
    (call,) = channels.platforms.matching(sent_to(chat))
    assert call.data["text"].startswith(content().topics["causes"].answer)
    assert channels.platforms.matching(
        lambda c: c.api_method == "answerCallbackQuery"
        and c.data.get("callback_query_id") == "4382bfdwdsb323b2d9"
    )


def test_two_picks_the_second_button_of_the_last_answer(channels: ChannelServers) -> None:
    chat = new_number()
    channels.post("telegram", json=update(chat, "what causes calcifications"), headers=HEADERS)
    channels.post("telegram", json=update(chat, "2"), headers=HEADERS)
    first, second = channels.platforms.matching(sent_to(chat))
    second_offered = content().topics["causes"].related[1]
    assert second.data["text"].startswith(content().topics[second_offered].answer)


def test_start_is_greeted(channels: ChannelServers) -> None:
    chat = new_number()
    channels.post("telegram", json=update(chat, "/start"), headers=HEADERS)
    (call,) = channels.platforms.matching(sent_to(chat))
    greeting = content().behaviour_text("greeting")
    assert call.data["text"] == greeting


@pytest.mark.parametrize("headers", [{}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}])
def test_a_missing_or_wrong_secret_token_is_refused(
    channels: ChannelServers, headers: dict
) -> None:
    chat = new_number()
    reply = channels.post("telegram", json=update(chat, "hello"), headers=headers)
    assert reply.status_code == 401
    assert channels.platforms.matching(sent_to(chat)) == []


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[1, 2]",
        json.dumps({"update_id": 1, "message": {"text": "hi"}}).encode(),
        json.dumps({"update_id": 1, "message": {"chat": {"id": None}, "text": "hi"}}).encode(),
        json.dumps({"update_id": 1, "message": {"chat": {"id": 5}, "text": 42}}).encode(),
        json.dumps({"update_id": 1, "callback_query": {"id": "x", "data": "/causes"}}).encode(),
    ],
)
def test_malformed_updates_get_a_400_and_the_channel_keeps_serving(
    channels: ChannelServers, body: bytes
) -> None:
    assert channels.post("telegram", data=body, headers=HEADERS).status_code == 400
    chat = new_number()
    assert channels.post("telegram", json=update(chat, "hi"), headers=HEADERS).status_code == 200
    assert channels.platforms.matching(sent_to(chat))


def test_an_update_without_text_needs_no_answer(channels: ChannelServers) -> None:
    chat = new_number()
    sticker = update(chat, "")
    del sticker["message"]["text"]
    sticker["message"]["sticker"] = {"file_id": "abc", "width": 512, "height": 512}
    reply = channels.post("telegram", json=sticker, headers=HEADERS)
    assert reply.status_code == 200
    assert channels.platforms.matching(sent_to(chat)) == []
