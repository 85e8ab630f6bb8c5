"""Which answers a turn gets: several topics, one intent, follow-ups, general facts, buttons."""

from __future__ import annotations

from typing import Sequence

import pytest

from bot.content import load_content
from bot.nlp.vocabulary import concepts
from bot.routing import (
    answer_topics,
    closest_topics,
    concept_topic,
    follow_up_topic,
    general_fact_topic,
    mentioned_concepts,
)


@pytest.fixture(scope="module")
def related() -> dict[str, Sequence[str]]:
    return {topic.id: topic.related for topic in load_content().topics.values()}


def entity(label: str, value: str) -> dict[str, str]:
    return {"entity": label, "value": value, "start": 0, "end": 1}


def vocabulary_index(concept_id: str) -> int:
    return [concept.id for concept in concepts()].index(concept_id)


# --- answer_topics ------------------------------------------------------------------------


def test_several_asked_topics_are_answered_in_order(related) -> None:
    parse_data = {"intent": {"name": "causes"}, "topics": ["causes", "dietary_calcium"]}
    assert answer_topics(parse_data, None, related) == ["causes", "dietary_calcium"]
    parse_data = {"intent": {"name": "causes"}, "topics": ["dietary_calcium", "causes"]}
    assert answer_topics(parse_data, None, related) == ["dietary_calcium", "causes"]


def test_non_medical_entries_in_topics_are_dropped(related) -> None:
    parse_data = {
        "intent": {"name": "biopsy_when"},
        "topics": ["greeting", "biopsy_when", "nlu_fallback", "stereotactic_biopsy"],
    }
    assert answer_topics(parse_data, None, related) == ["biopsy_when", "stereotactic_biopsy"]


def test_a_single_asked_topic_defers_to_the_intent(related) -> None:
    parse_data = {"intent": {"name": "causes"}, "topics": ["greeting", "dietary_calcium"]}
    assert answer_topics(parse_data, None, related) == ["causes"]


@pytest.mark.parametrize("intent", ["what_are_calcifications", "biopsy_when", "causes"])
def test_plain_medical_intent(related, intent: str) -> None:
    assert answer_topics({"intent": {"name": intent}}, "macrocalcifications", related) == [intent]


@pytest.mark.parametrize("intent", ["greeting", "out_of_scope", "nlu_fallback", "emergency"])
def test_non_medical_intent_gets_no_topic(related, intent: str) -> None:
    parse_data = {"intent": {"name": intent}, "entities": [entity("size", "macro")]}
    assert answer_topics(parse_data, "causes", related) == []


def test_missing_intent_gets_no_topic(related) -> None:
    assert answer_topics({}, "causes", related) == []
    assert answer_topics({"intent": None, "topics": None}, None, related) == []


def test_follow_up_naming_a_size(related) -> None:
    parse_data = {"intent": {"name": "follow_up"}, "entities": [entity("size", "macro")]}
    assert answer_topics(parse_data, "microcalcifications", related) == ["macrocalcifications"]
    parse_data = {"intent": {"name": "follow_up"}, "entities": [entity("size", "micro")]}
    assert answer_topics(parse_data, None, related) == ["microcalcifications"]


def test_follow_up_naming_biopsy_after_suspicious(related) -> None:
    parse_data = {"intent": {"name": "follow_up"}, "entities": [entity("procedure", "biopsy")]}
    assert answer_topics(parse_data, "suspicious_calcifications", related) == ["biopsy_when"]


def test_named_concept_beats_the_last_topic(related) -> None:
    parse_data = {"intent": {"name": "follow_up"}, "entities": [entity("procedure", "biopsy")]}
    assert related["what_are_calcifications"][0] != "biopsy_when"
    assert answer_topics(parse_data, "what_are_calcifications", related) == ["biopsy_when"]


@pytest.mark.parametrize("last_topic", ["causes", "microcalcifications", "biopsy_when"])
def test_follow_up_without_entity_goes_to_first_related(related, last_topic: str) -> None:
    parse_data = {"intent": {"name": "follow_up"}, "entities": []}
    assert answer_topics(parse_data, last_topic, related) == [related[last_topic][0]]


def test_follow_up_with_nothing_to_go_on(related) -> None:
    assert answer_topics({"intent": {"name": "follow_up"}}, None, related) == []
    parse_data = {"intent": {"name": "follow_up"}, "entities": []}
    assert answer_topics(parse_data, "greeting", related) == []


def test_follow_up_entity_with_wrong_label_is_ignored(related) -> None:
    entities = [entity("finding", "macro")]
    assert follow_up_topic(entities, "causes", related) == related["causes"][0]


def test_follow_up_ties_break_in_vocabulary_order(related) -> None:
    assert vocabulary_index("macro") < vocabulary_index("micro")
    entities = [entity("size", "micro"), entity("size", "macro")]
    assert mentioned_concepts(entities) == ["macro", "micro"]
    assert follow_up_topic(entities, None, related) == "macrocalcifications"


def test_every_concept_leads_to_a_medical_topic(related) -> None:
    for concept in concepts():
        assert concept_topic(concept.id) in related, concept.id
        entities = [entity(concept.label, concept.id)]
        assert follow_up_topic(entities, None, related) == concept.topic


# --- general_fact_topic -------------------------------------------------------------------


def test_generic_concepts_give_no_general_fact() -> None:
    generic = [concept for concept in concepts() if concept.generic]
    assert {concept.id for concept in generic} >= {"calcification", "mammogram"}
    assert general_fact_topic([entity("finding", "calcification")]) is None
    entities = [entity("finding", "calcification"), entity("procedure", "mammogram")]
    assert general_fact_topic(entities) is None
    assert general_fact_topic([]) is None


def test_specific_concept_beside_generic_ones_picks_the_fact() -> None:
    entities = [
        entity("finding", "calcification"),
        entity("procedure", "biopsy"),
        entity("procedure", "mammogram"),
    ]
    assert general_fact_topic(entities) == "biopsy_when"


def test_first_specific_concept_in_vocabulary_order_wins() -> None:
    # "is it cancer, do I need a biopsy": cancer comes first in the message, biopsy in the file.
    assert vocabulary_index("biopsy") < vocabulary_index("cancer")
    entities = [entity("finding", "cancer"), entity("procedure", "biopsy")]
    assert general_fact_topic(entities) == "biopsy_when"
    assert general_fact_topic([entity("finding", "cancer")]) == "are_they_cancer"


# --- closest_topics -----------------------------------------------------------------------


RANKING = [
    {"name": "nlu_fallback", "confidence": 0.4},
    {"name": "causes", "confidence": 0.2},
    {"name": "greeting", "confidence": 0.15},
    {"name": "biopsy_when", "confidence": 0.1},
    {"confidence": 0.05},
    {"name": "dietary_calcium", "confidence": 0.05},
    {"name": "macrocalcifications", "confidence": 0.04},
]


def test_closest_topics_keeps_medical_topics_in_rank_order(related) -> None:
    assert closest_topics(RANKING, related) == ["causes", "biopsy_when", "dietary_calcium"]


def test_closest_topics_limit(related) -> None:
    assert closest_topics(RANKING, related, limit=1) == ["causes"]
    assert len(closest_topics(RANKING, related, limit=10)) == 4


def test_closest_topics_of_no_medical_ranking(related) -> None:
    assert closest_topics([{"name": "greeting"}, {"name": "goodbye"}], related) == []
    assert closest_topics([], related) == []
