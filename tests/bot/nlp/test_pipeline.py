"""The project's spaCy pipeline: lookup lemmas and the vocabulary's EntityRuler."""

from __future__ import annotations

import pytest
from spacy.language import Language

from bot.nlp.vocabulary import concepts

PHRASES = [(concept, phrase) for concept in concepts() for phrase in concept.phrases]


def ents(nlp: Language, text: str) -> list[tuple[str, str, str]]:
    return [(ent.text, ent.label_, ent.ent_id_) for ent in nlp(text).ents]


def test_components(nlp: Language) -> None:
    assert nlp.lang == "en"
    assert nlp.pipe_names == ["sentencizer", "lemmatizer", "entity_ruler"]


def test_lookup_lemmas(nlp: Language) -> None:
    lemmas = [token.lemma_ for token in nlp("biopsies hurts bleeding mammograms")]
    assert lemmas == ["biopsy", "hurt", "bleed", "mammogram"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("biospy", ("biospy", "procedure", "biopsy")),
        ("white spots", ("white spots", "finding", "calcification")),
        ("big ones", ("big ones", "size", "macro")),
        ("tiny specks", ("tiny specks", "size", "micro")),
        ("Biospy", ("Biospy", "procedure", "biopsy")),
        ("WHITE SPOTS", ("WHITE SPOTS", "finding", "calcification")),
    ],
)
def test_named_entities(nlp: Language, text: str, expected: tuple[str, str, str]) -> None:
    assert ents(nlp, text) == [expected]


def test_entities_inside_a_question(nlp: Language) -> None:
    found = ents(nlp, "do i need a biospy for the big ones on my mammogram?")
    assert found == [
        ("biospy", "procedure", "biopsy"),
        ("big ones", "size", "macro"),
        ("mammogram", "procedure", "mammogram"),
    ]


def test_longest_phrase_wins(nlp: Language) -> None:
    assert ents(nlp, "big white spots") == [("big white spots", "size", "macro")]
    assert ents(nlp, "stereotactic biopsy") == [
        ("stereotactic biopsy", "procedure", "stereotactic")
    ]


def test_words_only_match_whole_tokens(nlp: Language) -> None:
    assert ents(nlp, "calculator") == []
    assert ents(nlp, "cancerfree") == []


def test_no_phrase_belongs_to_two_concepts() -> None:
    owners: dict[str, list[str]] = {}
    for concept, phrase in PHRASES:
        owners.setdefault(phrase, []).append(concept.id)
    assert {phrase: ids for phrase, ids in owners.items() if len(set(ids)) > 1} == {}


@pytest.mark.parametrize(("concept", "phrase"), PHRASES, ids=[f"{c.id}:{p}" for c, p in PHRASES])
def test_every_vocabulary_phrase_matches_its_own_concept(nlp: Language, concept, phrase) -> None:
    doc = nlp(phrase)
    assert [(ent.text, ent.label_, ent.ent_id_) for ent in doc.ents] == [
        (doc.text, concept.label, concept.id)
    ]


def test_every_concept_is_a_rasa_entity_value(nlp: Language) -> None:
    ruler = nlp.get_pipe("entity_ruler")
    assert {(p["label"], p["id"]) for p in ruler.patterns} == {
        (concept.label, concept.id) for concept in concepts()
    }
    assert len(ruler.patterns) == len(PHRASES)
