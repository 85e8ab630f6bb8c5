"""The project's spaCy pipeline: lookup lemmas and the vocabulary's EntityRuler."""

from __future__ import annotations

import pytest
from spacy.language import Language

from bot.contract import SPANISH
from bot.nlp.pipeline import build_pipeline
from bot.nlp.vocabulary import concepts, fold

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


@pytest.fixture(scope="module")
def spanish_nlp() -> Language:
    return build_pipeline(SPANISH)


def test_spanish_concepts_are_the_english_ones_with_spanish_phrases() -> None:
    english = {concept.id: concept for concept in concepts()}
    spanish = concepts(SPANISH)
    assert {concept.id for concept in spanish} == set(english)
    for concept in spanish:
        assert (concept.label, concept.topic, concept.generic) == (
            english[concept.id].label, english[concept.id].topic, english[concept.id].generic)
        assert all(phrase == fold(phrase) for phrase in concept.phrases)


def test_folding_drops_accents_and_case_as_a_phone_keyboard_might() -> None:
    assert fold("¿Qué es una BIOPSÍA? Mamografía, año") == "¿que es una biopsia? mamografia, ano"


def test_spanish_pipeline_reads_folded_text_with_lemmas_and_concepts(spanish_nlp: Language) -> None:
    assert spanish_nlp.lang == "es"
    doc = spanish_nlp(fold("Me hicieron una biopcia y salieron calcificasiones sospechosas"))
    assert [token.lemma_ for token in doc][1:3] == ["hacer", "uno"]
    assert [token.lemma_ for token in doc if token.text == "salieron"] == ["salir"]
    assert [(ent.text, ent.ent_id_) for ent in doc.ents] == [
        ("biopcia", "biopsy"), ("calcificasiones", "calcification"), ("sospechosas", "suspicious")]
    assert [(ent.text, ent.ent_id_) for ent in spanish_nlp(fold("¿y las chiquitas?")).ents] == [
        ("las chiquitas", "micro")]


def test_spanish_lemma_table_keeps_only_the_lemmas_the_training_data_uses(
    spanish_nlp: Language,
) -> None:
    # The full table has about 490,000 forms and costs every server process about 150 MB.
    table = spanish_nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
    assert 1_000 < len(table) < 50_000
