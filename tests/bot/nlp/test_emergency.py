"""Emergency and crisis rules: every kind is caught, self-harm wins, FAQ questions are not alarms.

Rasa's SpacyNLP lowercases text before spaCy sees it, so every text is lowercased here too.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
import yaml
from spacy.language import Language

from bot.nlp.emergency import EMERGENCY_FILE, SELF_HARM, EmergencyDetector

ROOT = Path(__file__).resolve().parents[3]
KINDS = yaml.safe_load(EMERGENCY_FILE.read_text(encoding="utf-8"))["kinds"]


@pytest.fixture(scope="module")
def detect(nlp: Language):
    detector = EmergencyDetector(nlp)
    return lambda text: detector.detect(nlp(text.lower()))


POSITIVE = [
    ("chest_pain", "I have chest pain"),
    ("chest_pain", "my chest hurts"),
    ("chest_pain", "sharp pain in my chest since this morning"),
    ("chest_pain", "Crushing chest pressure"),
    ("breathing", "i can't breathe"),
    ("breathing", "cant breathe"),
    ("breathing", "I CANNOT BREATHE"),
    ("breathing", "I'm short of breath after the biopsy"),
    ("breathing", "having a hard time breathing"),
    ("bleeding", "bleeding won't stop"),
    ("bleeding", "the biopsy site won't stop bleeding"),
    ("bleeding", "I'm bleeding heavily from the biopsy site"),
    ("bleeding", "there is a lot of blood on the bandage"),
    ("fainting", "I fainted"),
    ("fainting", "i passed out after the procedure"),
    ("fainting", "I feel faint"),
    ("infection", "I have a fever and my breast is red"),
    ("infection", "high temperature and the breast feels hot"),
    ("infection", "my breast is swollen and I have chills"),
    ("self_harm", "i want to kill myself"),
    ("self_harm", "I don't want to be here anymore"),
    ("self_harm", "i dont want to be here anymore"),
    ("self_harm", "everyone would be better off without me"),
    ("self_harm", "I'm thinking about suicide"),
    ("self_harm", "i'm not sure i want to live"),
    ("general", "this is an emergency"),
    ("general", "I need an ambulance"),
]


def test_examples_cover_every_kind() -> None:
    assert {kind for kind, _ in POSITIVE} == set(KINDS)


@pytest.mark.parametrize(("kind", "text"), POSITIVE)
def test_emergency_is_detected(detect, kind: str, text: str) -> None:
    assert detect(text) == kind


@pytest.mark.parametrize(
    "text",
    [
        "I have chest pain and I want to die",
        "my chest hurts and i want to kill myself",
        "i can't breathe, i don't want to be here anymore",
        "Bleeding won't stop and everyone would be better off without me",
    ],
)
def test_self_harm_wins_over_other_kinds(detect, text: str) -> None:
    assert detect(text) == SELF_HARM


@pytest.mark.parametrize(
    "text",
    ["I have a fever", "I've had a fever since yesterday", "my breast is red", "it feels warm"],
)
def test_infection_needs_both_fever_and_a_red_or_hot_breast(detect, text: str) -> None:
    assert detect(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "are these white spots cancer?",
        "does a biopsy hurt?",
        "should I stop my calcium pills?",
        "what is a stereotactic biopsy",
        "What are calcifications?",
        "do I need more pictures after my mammogram?",
        "what does probably benign mean",
        "will the biopsy site bleed a little?",
        "my doctor wants a biopsy, is that bad?",
        "",
    ],
)
def test_faq_questions_are_not_emergencies(detect, text: str) -> None:
    assert detect(text) is None


# --- every phrasing in emergency.yml ------------------------------------------------------


PHRASES = [(kind, phrase) for kind, rules in KINDS.items() for phrase in rules.get("phrases", [])]


@pytest.mark.parametrize(("kind", "phrase"), PHRASES, ids=[p for _, p in PHRASES])
def test_every_listed_phrase_is_its_own_kind(detect, kind: str, phrase: str) -> None:
    # A phrase that a tokenizer change or an earlier kind would shadow shows up here.
    assert detect(f"help, {phrase} now") == kind


def test_every_all_of_combination_matches_and_no_single_group_does(detect) -> None:
    for kind, rules in KINDS.items():
        groups = rules.get("all_of") or []
        if not groups:
            continue
        for combo in itertools.product(*groups):
            assert detect(" and my breast is ".join(combo)) == kind, combo
        for group in groups:
            for phrase in group:
                assert detect(f"i have {phrase}") != kind, phrase


# --- the project's own NLU examples -------------------------------------------------------


def _examples(path: Path) -> list[tuple[str, str]]:
    found = []
    for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
        if "intent" not in block:
            continue
        examples = block["examples"]
        if isinstance(examples, str):
            texts = [line.strip()[2:] for line in examples.splitlines() if line.strip()]
        else:
            texts = [example["text"] for example in examples]
        found += [(block["intent"], text) for text in texts]
    return found


NLU_FILES = sorted((ROOT / "data" / "nlu").glob("*.yml")) + [ROOT / "tests/eval/heldout.yml"]
NLU_EXAMPLES = [example for path in NLU_FILES for example in _examples(path)]
EMERGENCY_EXAMPLES = [text for intent, text in NLU_EXAMPLES if intent == "emergency"]


def test_nlu_examples_were_read() -> None:
    intents = {intent for intent, _ in NLU_EXAMPLES}
    assert {"emergency", "causes", "follow_up", "greeting"} <= intents
    assert len(EMERGENCY_EXAMPLES) >= 20


@pytest.mark.parametrize("text", EMERGENCY_EXAMPLES)
def test_every_emergency_example_is_caught_by_the_rules(detect, text: str) -> None:
    assert detect(text) is not None


def test_no_other_example_raises_an_alarm(nlp: Language) -> None:
    detector = EmergencyDetector(nlp)
    texts = [text.lower() for intent, text in NLU_EXAMPLES if intent != "emergency"]
    kinds = [detector.detect(doc) for doc in nlp.pipe(texts)]
    alarms = [(text, kind) for text, kind in zip(texts, kinds, strict=True) if kind is not None]
    assert len(texts) > 500
    assert alarms == []
