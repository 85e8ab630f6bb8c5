"""The project's YAML files agree with the one source of truth for topics and actions."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from bot.content import BEHAVIOURS, content
from bot.contract import FEEDBACK_SLOT, LAST_TOPIC_SLOT, OFFERED_TOPICS_SLOT
from bot.nlp.vocabulary import concepts

ROOT = Path(__file__).resolve().parents[1]


def load(relative: str) -> dict:
    return yaml.safe_load((ROOT / relative).read_text(encoding="utf-8"))


def domain_intents() -> set[str]:
    return set(load("domain.yml")["intents"])


def test_every_medical_topic_is_an_intent_with_training_data() -> None:
    trained = {
        block["intent"]
        for path in sorted((ROOT / "data" / "nlu").glob("*.yml"))
        for block in load(str(path.relative_to(ROOT)))["nlu"]
    }
    assert set(content().topics) <= domain_intents()
    assert set(content().topics) <= trained
    assert trained <= domain_intents()


def test_behaviour_topics_have_an_intent_or_a_rule_layer() -> None:
    # "fallback" comes from Rasa's FallbackClassifier (nlu_fallback), the rest are intents.
    for behaviour in BEHAVIOURS:
        intent = "nlu_fallback" if behaviour == "fallback" else behaviour
        assert intent in domain_intents(), behaviour


def test_every_intent_has_a_rule_to_an_action_the_domain_declares() -> None:
    rules = load("data/stories/rules.yml")["rules"]
    ruled = {rule["steps"][0]["intent"]: rule["steps"][1]["action"] for rule in rules}
    assert set(ruled) == domain_intents()
    assert set(ruled.values()) <= set(load("domain.yml")["actions"])


def test_entity_types_match_the_vocabulary_labels() -> None:
    assert set(load("domain.yml")["entities"]) == {concept.label for concept in concepts()}


def test_vocabulary_concepts_route_to_real_topics() -> None:
    assert {concept.topic for concept in concepts()} <= set(content().topics)


def _settings(tree: object, path: str = "") -> list[tuple[str, object]]:
    if isinstance(tree, dict):
        return [pair for key, value in tree.items() for pair in _settings(value, f"{path}.{key}")]
    return [(path, tree)]


def test_no_secrets_in_channel_credentials() -> None:
    raw = (ROOT / "credentials.yml").read_text(encoding="utf-8")
    for path, value in _settings(yaml.safe_load(raw)):
        if re.search(r"(secret|token|password|key)$", path, re.I) and value:
            assert str(value).startswith("${"), f"literal secret in credentials.yml: {path}"


def test_training_is_repeatable() -> None:
    classifier = next(
        step for step in load("config.yml")["pipeline"] if step["name"].endswith("TopicClassifier")
    )
    assert isinstance(classifier.get("random_seed"), int)


def test_an_unplaced_question_goes_to_not_covered_exactly_where_the_fallback_would_start() -> None:
    pipeline = {step["name"].rsplit(".", 1)[-1]: step for step in load("config.yml")["pipeline"]}
    assert (pipeline["TopicClassifier"]["unplaced_question_threshold"]
            == pipeline["FallbackClassifier"]["threshold"])


def test_the_slots_the_actions_keep_are_declared_in_the_domain() -> None:
    assert {LAST_TOPIC_SLOT, OFFERED_TOPICS_SLOT, FEEDBACK_SLOT} <= set(load("domain.yml")["slots"])
