"""The Spanish edition of the answers: the same rules as the English, read with a Spanish
readability formula, its facts from the Spanish edition of the article, and the same ids and
placeholders as answers.yml (bot/content/__init__.py, `localise`)."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import fields
from typing import Any

import pytest
import textstat
import yaml

from bot.content import (
    ANSWERS_FILE,
    EDITION_FILES,
    Content,
    ContentError,
    content,
    localise,
    parse_content,
)
from bot.content.statements import statements
from bot.settings import ClinicSettings
from tests.bot.test_content import sentence_count

SPANISH_URL = "https://medlineplus.gov/spanish/ency/article/002113.htm"
MIN_FERNANDEZ_HUERTA = 70.0


@pytest.fixture(scope="module")
def spanish() -> Content:
    return content("es")


@pytest.fixture()
def spanish_reading() -> Iterator[None]:
    textstat.set_lang("es")
    yield
    textstat.set_lang("en_US")


@pytest.fixture(scope="module")
def files() -> tuple[dict[str, Any], dict[str, Any]]:
    return (yaml.safe_load(ANSWERS_FILE.read_text(encoding="utf-8")),
            yaml.safe_load(EDITION_FILES["es"].read_text(encoding="utf-8")))


SPANISH_TOPICS = sorted(content("es").topics)


def test_every_english_topic_and_behaviour_has_its_spanish_text(spanish: Content) -> None:
    english = content()
    assert set(spanish.topics) == set(english.topics)
    for name, variants in english.behaviours.items():
        assert set(spanish.behaviours[name]) == set(variants), name
    assert spanish.provider_line != english.provider_line


@pytest.mark.parametrize("topic_id", SPANISH_TOPICS)
def test_spanish_answers_are_short_and_easy_to_read(
    spanish: Content, topic_id: str, spanish_reading: None
) -> None:
    answer = spanish.topics[topic_id].answer
    assert 2 <= sentence_count(answer) <= 5, answer
    assert textstat.fernandez_huerta(answer) >= MIN_FERNANDEZ_HUERTA, answer
    assert spanish.provider_line not in answer


@pytest.mark.parametrize("topic_id", SPANISH_TOPICS)
def test_spanish_answers_cite_the_spanish_edition_and_only_what_it_says(
    spanish: Content, topic_id: str
) -> None:
    topic = spanish.topics[topic_id]
    assert topic.source.url == SPANISH_URL
    assert topic.source.citation.startswith("Fuente: ") and "2023" in topic.source.citation
    assert set(topic.statements) <= statements().in_edition("es")
    assert topic.related == content().topics[topic_id].related


def test_the_crisis_texts_give_the_lifelines_spanish_service(spanish: Content) -> None:
    for variant in ("self_harm", "crisis_line"):
        text = spanish.behaviour_text("emergency", variant)
        assert "{crisis_line}" in text and "{emergency_number}" in text
        assert "marque el 2" in text


def _missing_topic(edition: dict[str, Any]) -> None:
    del edition["topics"]["causes"]


def _extra_variant(edition: dict[str, Any]) -> None:
    edition["behaviours"]["greeting"]["hola"] = "¡Hola!"


def _lost_placeholder(edition: dict[str, Any]) -> None:
    edition["behaviours"]["handoff"]["text"] = "Llame a la clínica."


def _statement_not_in_spanish(edition: dict[str, Any]) -> None:
    edition["topics"]["biopsy_when"]["statements"].append("biopsy-purpose")


@pytest.mark.parametrize("breakage", [_missing_topic, _extra_variant, _lost_placeholder,
                                      _statement_not_in_spanish],
                         ids=lambda breakage: breakage.__name__.lstrip("_"))
def test_an_edition_that_strays_from_the_english_structure_is_refused(
    files: tuple[dict[str, Any], dict[str, Any]], breakage
) -> None:
    base, edition = copy.deepcopy(files[0]), copy.deepcopy(files[1])
    breakage(edition)
    with pytest.raises(ContentError):
        parse_content(localise(base, edition), {f.name for f in fields(ClinicSettings)},
                      statements().in_edition("es"), "es")
