"""Fuzzing the actions with any tracker Rasa could send: every action of the domain answers,
through rasa_sdk's executor as the action server runs it, and recommends a provider where the
content says it must."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from rasa_sdk.executor import ActionExecutor

from bot.content import content
from bot.nlp.screening import EMPTY, NO_WORDS, NON_ENGLISH, TOO_LONG
from bot.nlp.vocabulary import concepts

pytestmark = pytest.mark.fuzz

DOMAIN = yaml.safe_load((Path(__file__).resolve().parents[2] / "domain.yml").read_text())
TOPICS = sorted(content().topics)
LABELS = sorted({concept.label for concept in concepts()})
CONCEPT_IDS = sorted({concept.id for concept in concepts()})

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                  max_size=3),
    max_leaves=8,
)
intent_names = st.sampled_from(DOMAIN["intents"]) | st.text(max_size=20)
intent = st.fixed_dictionaries({"name": intent_names, "confidence": st.floats(0, 1)})
entities = st.lists(
    st.fixed_dictionaries({"entity": st.sampled_from(LABELS) | st.text(max_size=10),
                           "value": st.sampled_from(CONCEPT_IDS) | json_values}),
    max_size=4,
)
# What the NLU pipeline puts in parse data: the rule layer's keys only ever hold its own values.
latest_message = st.fixed_dictionaries(
    {"intent": intent, "entities": entities, "text": st.text(max_size=80)},
    optional={
        "intent_ranking": st.lists(intent, max_size=5),
        "topics": st.lists(st.sampled_from(TOPICS) | st.text(max_size=10), max_size=4),
        "emergency": st.sampled_from(["self_harm", "chest_pain", "breathing", "bleeding"]),
        "input_issue": st.sampled_from([EMPTY, NO_WORDS, TOO_LONG, NON_ENGLISH]),
    },
)
slots = st.fixed_dictionaries(
    {},
    optional={
        "last_topic": st.none() | st.sampled_from(TOPICS) | st.text(max_size=20),
        "offered_topics": st.none() | st.lists(st.sampled_from(TOPICS) | st.text(max_size=10),
                                               max_size=4),
    },
)


@pytest.fixture(scope="module")
def executor() -> ActionExecutor:
    executor = ActionExecutor()
    executor.register_package("actions")
    return executor


@pytest.mark.parametrize("action_name", DOMAIN["actions"])
@given(message=latest_message, slot_values=slots)
def test_every_action_answers_any_tracker(
    executor: ActionExecutor, action_name: str, message: dict[str, Any],
    slot_values: dict[str, Any],
) -> None:
    call = {
        "next_action": action_name,
        "sender_id": "fuzz",
        "tracker": {"sender_id": "fuzz", "slots": slot_values, "latest_message": message,
                    "events": [], "latest_action_name": "action_listen"},
        "domain": DOMAIN,
    }
    result = asyncio.run(executor.run(call))
    responses = result["responses"]
    assert responses, f"{action_name} sent nothing"
    topics = [r["custom"]["topic"] for r in responses if "topic" in (r.get("custom") or {})]
    assert topics, f"{action_name} sent no topic"
    if any(content().needs_provider_line(topic) for topic in topics):
        assert content().provider_line in responses[-1]["text"]
