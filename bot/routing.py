"""Decides which answers a turn gets, from the NLU result and the last topic answered.

Pure functions over plain data, so the context rules can be tested without any server.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping, Sequence

from bot.contract import TOPICS_KEY
from bot.nlp.vocabulary import concepts

FOLLOW_UP_INTENT = "follow_up"


def mentioned_concepts(entities: Iterable[Mapping[str, Any]]) -> list[str]:
    """Concept ids named in the message, in vocabulary order (the order that breaks ties).

    Values typed as `/intent{...}` can be any JSON; only strings can name a concept."""
    named = {
        (entity.get("entity"), entity.get("value"))
        for entity in entities
        if isinstance(entity.get("entity"), str) and isinstance(entity.get("value"), str)
    }
    return [concept.id for concept in concepts() if (concept.label, concept.id) in named]


def concept_topic(concept_id: str) -> str:
    return next(concept.topic for concept in concepts() if concept.id == concept_id)


def follow_up_topic(
    entities: Iterable[Mapping[str, Any]],
    last_topic: str | None,
    related: Mapping[str, Sequence[str]],
) -> str | None:
    """"and the big ones?" names a concept; "tell me more" leans on the last topic's first
    related topic; with neither there is nothing to go on."""
    named = mentioned_concepts(entities)
    if named:
        return concept_topic(named[0])
    if last_topic is not None and last_topic in related:
        return related[last_topic][0]
    return None


def answer_topics(
    parse_data: Mapping[str, Any],
    last_topic: str | None,
    related: Mapping[str, Sequence[str]],
) -> list[str]:
    """The medical topics to answer this turn, in the order the patient asked them."""
    asked = [topic for topic in parse_data.get(TOPICS_KEY) or () if topic in related]
    if len(asked) >= 2:
        return asked
    intent = (parse_data.get("intent") or {}).get("name")
    if isinstance(intent, str) and intent in related:
        return [intent]
    if intent == FOLLOW_UP_INTENT:
        topic = follow_up_topic(parse_data.get("entities") or (), last_topic, related)
        return [topic] if topic else []
    return []


def general_fact_topic(entities: Iterable[Mapping[str, Any]]) -> str | None:
    """The topic whose general fact fits a personal question ("my doctor wants a biopsy...")."""
    generic = {concept.id for concept in concepts() if concept.generic}
    specific = [found for found in mentioned_concepts(entities) if found not in generic]
    return concept_topic(specific[0]) if specific else None


def closest_topics(
    ranking: Iterable[Mapping[str, Any]], related: Mapping[str, Any], limit: int = 3
) -> list[str]:
    """The medical topics the classifier ranked highest, for "did you mean" buttons."""
    return [entry["name"] for entry in ranking if entry.get("name") in related][:limit]
