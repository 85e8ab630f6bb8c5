"""An edit to answers.yml reads the same in every process that shows text: the action server's
replies, the channels' apology and numbered list, the widget's disclaimer and nginx's
rate-limit reply, because all of them render through bot/content/render.py."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from rasa_sdk.executor import CollectingDispatcher

import bot.content
from actions.replies import Reply
from bot.channels.formatting import Option, numbered_list
from bot.channels.unavailable import unavailable_text
from bot.content import ANSWERS_FILE, content, render
from bot.contract import FALLBACK, SPANISH
from bot.widget_config import widget_config
from tools.prod.nginx import rate_limited_reply

PROVIDER = "Ask the breast care nurse what this means for you."
APOLOGY = "Sorry, the assistant is resting."
SLOW_DOWN = "Sorry, please send fewer messages."
DISCLAIMER = "Edited disclaimer: general information only."
INTRO = "Edited: reply with a number."
NO_OPTION = "Edited: that number is not on the list."


@pytest.fixture()
def edited(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """answers.yml with the provider line and some behaviour texts changed."""
    raw = yaml.safe_load(ANSWERS_FILE.read_text(encoding="utf-8"))
    raw["provider_line"] = PROVIDER
    behaviours = raw["behaviours"]
    behaviours[FALLBACK].update(service_unavailable=APOLOGY, rate_limited=SLOW_DOWN,
                                no_option=NO_OPTION)
    behaviours["disclaimer"]["text"] = DISCLAIMER
    behaviours["numbered_topics"]["text"] = INTRO
    path = tmp_path / "answers.yml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    original = bot.content.load_content
    monkeypatch.setattr(bot.content, "load_content", lambda: original(path))
    content.cache_clear()
    yield
    content.cache_clear()


def test_the_action_servers_replies_follow_the_file(edited: None) -> None:
    dispatcher = CollectingDispatcher()
    Reply().behaviour(FALLBACK, "no_option").send(dispatcher)
    assert dispatcher.messages[-1]["text"] == f"{NO_OPTION}{render.PARAGRAPH}{PROVIDER}"


def test_the_channels_apology_and_numbered_list_follow_the_file(edited: None) -> None:
    assert unavailable_text().startswith(f"{APOLOGY}{render.PARAGRAPH}{PROVIDER}")
    listed = numbered_list((Option(1, "What causes them?", "/causes"),))
    assert listed.splitlines() == [INTRO, "1. What causes them?"]


def test_an_apology_without_a_known_language_is_said_in_english_then_spanish() -> None:
    spanish = content(SPANISH)
    spanish_part = render.PARAGRAPH.join([
        render.behaviour_text(FALLBACK, "service_unavailable", SPANISH), spanish.provider_line])
    assert unavailable_text().endswith(render.PARAGRAPH + spanish_part)
    assert render.apology("service_unavailable", SPANISH) == spanish_part
    reply = json.loads(rate_limited_reply().replace("\\\\", "\\"))
    assert spanish.behaviour_text(FALLBACK, "rate_limited") in reply[0]["text"]


def test_the_widget_and_the_rate_limit_reply_follow_the_file(edited: None) -> None:
    assert widget_config("http://rasa")["disclaimer"] == DISCLAIMER
    # What nginx sends: it reads each doubled backslash of its config as one.
    reply = json.loads(rate_limited_reply().replace("\\\\", "\\"))
    assert reply[0]["text"].startswith(f"{SLOW_DOWN}{render.PARAGRAPH}{PROVIDER}")


def test_every_reply_that_needs_it_ends_with_the_provider_line_once() -> None:
    text = render.with_provider_line("An answer.", ["causes", "greeting"])
    assert text.endswith(content().provider_line)
    assert text.count(content().provider_line) == 1
    assert render.with_provider_line("Hello.", ["greeting"]) == "Hello."


def test_blocks_draw_as_the_plain_text_the_action_sends() -> None:
    topic = content().topics["causes"]
    blocks = render.answer_blocks("causes", "In general: {fact}")
    assert render.plain_text(blocks, topic.source) == (
        f"In general: {topic.answer}{render.PARAGRAPH}{topic.source.citation}")
    assert render.plain_text(blocks, None) == f"In general: {topic.answer}"


@pytest.mark.parametrize(
    "raw", [None, [], "text", [{"type": "text"}], [{"type": "image", "url": "x"}], [["text"]]])
def test_malformed_blocks_are_not_drawn(raw: object) -> None:
    assert render.read_blocks(raw) is None


def test_a_behaviour_that_names_the_emergency_number_is_known_by_its_template() -> None:
    assert render.names_emergency_number("aftercare")
    assert not render.names_emergency_number("fallback")
