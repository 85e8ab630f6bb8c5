"""Fuzzing the routing functions with any parse data a tracker can carry.

Entity values are arbitrary JSON: a patient can type `/follow_up{"size": {"a": [1]}}`, and
Rasa passes such values on as entities."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.content import content
from bot.nlp.vocabulary import concepts
from bot.routing import (
    FOLLOW_UP_INTENT,
    answer_topics,
    closest_topics,
    follow_up_topic,
    general_fact_topic,
    mentioned_concepts,
)

pytestmark = pytest.mark.fuzz

RELATED = {topic_id: topic.related for topic_id, topic in content().topics.items()}
TOPICS = sorted(RELATED)
LABELS = sorted({concept.label for concept in concepts()})
CONCEPT_IDS = sorted({concept.id for concept in concepts()})

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                  max_size=3),
    max_leaves=8,
)
names = st.sampled_from(TOPICS + [FOLLOW_UP_INTENT]) | st.text(max_size=20) | st.none()
entities = st.lists(
    st.fixed_dictionaries(
        {},
        optional={
            "entity": st.sampled_from(LABELS) | json_values,
            "value": st.sampled_from(CONCEPT_IDS) | json_values,
            "start": st.integers(),
            "end": st.integers(),
        },
    ),
    max_size=5,
)
ranking = st.lists(
    st.fixed_dictionaries({}, optional={"name": names, "confidence": st.floats()}), max_size=6
)
parse_data = st.fixed_dictionaries(
    {},
    optional={
        "intent": st.none() | st.fixed_dictionaries({}, optional={"name": names}),
        "entities": st.none() | entities,
        "topics": st.none() | st.lists(names, max_size=4),
        "text": st.text(max_size=50),
    },
)
last_topics = st.none() | st.sampled_from(TOPICS) | st.text(max_size=20)


@given(parse_data, last_topics)
def test_answer_topics_are_always_known_topics(data: dict[str, Any], last: str | None) -> None:
    topics = answer_topics(data, last, RELATED)
    assert set(topics) <= set(RELATED)


@given(entities)
def test_concepts_named_are_known_concepts(found: list[dict[str, Any]]) -> None:
    assert set(mentioned_concepts(found)) <= set(CONCEPT_IDS)
    assert general_fact_topic(found) in {None, *TOPICS}


@given(entities, last_topics)
def test_follow_ups_resolve_to_a_topic_or_nothing(found: list[dict[str, Any]], last: str | None
                                                  ) -> None:
    assert follow_up_topic(found, last, RELATED) in {None, *TOPICS}


@given(ranking, st.integers(min_value=0, max_value=5))
def test_closest_topics_are_known_and_few(entries: list[dict[str, Any]], limit: int) -> None:
    closest = closest_topics(entries, RELATED, limit)
    assert set(closest) <= set(RELATED) and len(closest) <= limit
