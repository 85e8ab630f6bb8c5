"""SafetyRuleLayer, message by message: crisis language decides the turn at once, other
emergency findings wait for SafetyDecision, a bare number picks an option, and input that
cannot be a question is marked for the fallback."""

from __future__ import annotations

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import SPACY_DOCS
from rasa.nlu.utils.spacy_utils import SpacyModel
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from spacy.language import Language

from bot.components.safety_layer import (
    FIGURES_ONLY_KEY,
    RULE_FINDING_KEY,
    RULES_ALONE,
    SCREENED_OUT_KEY,
    SafetyRuleLayer,
    is_decided,
)
from bot.contract import (
    EMERGENCY_KEY,
    ENGLISH,
    INPUT_ISSUE_KEY,
    LANGUAGE_KEY,
    OPTION_KEY,
    SAFETY_CONCERN_KEY,
    SELF_HARM,
    SPANISH,
)


@pytest.fixture(scope="module")
def layer(tmp_path_factory: pytest.TempPathFactory) -> SafetyRuleLayer:
    return SafetyRuleLayer.create({}, LocalModelStorage(tmp_path_factory.mktemp("m")),
                                  Resource("safety"), ExecutionContext(GraphSchema({})))


def read(layer: SafetyRuleLayer, nlp: Language, text: str) -> Message:
    # Rasa's SpacyNLP lowercases the text before spaCy reads it.
    message = Message(data={TEXT: text})
    message.set(SPACY_DOCS[TEXT], nlp(text.lower()))
    layer.process([message], SpacyModel(model=nlp, model_name="en_calcifications"))
    return message


def test_crisis_language_decides_the_turn_at_once(layer: SafetyRuleLayer, nlp: Language) -> None:
    message = read(layer, nlp, "I want to end my life tonight")
    assert message.get(EMERGENCY_KEY) == SELF_HARM
    assert message.get(INTENT)["name"] == "emergency"
    assert is_decided(message)


@pytest.mark.parametrize("text", ["I want to end my life tonight",
                                  "I can't breathe and my chest hurts"])
def test_an_english_emergency_is_marked_english(layer: SafetyRuleLayer, nlp: Language,
                                                text: str) -> None:
    """So that it is answered in English in a conversation that was in Spanish so far."""
    assert read(layer, nlp, text).get(LANGUAGE_KEY) == ENGLISH


def test_a_physical_emergency_waits_for_the_classifier(
    layer: SafetyRuleLayer, nlp: Language
) -> None:
    message = read(layer, nlp, "I can't breathe and my lips are turning blue")
    assert message.get(RULE_FINDING_KEY) == {"kind": "breathing", "certain": True, "sign": False,
                                                 "stated": None}
    assert message.get(EMERGENCY_KEY) is None
    assert not is_decided(message)


def test_a_plain_question_carries_no_finding(layer: SafetyRuleLayer, nlp: Language) -> None:
    message = read(layer, nlp, "what are breast calcifications?")
    assert message.get(RULE_FINDING_KEY) is None
    assert not is_decided(message)


@pytest.mark.parametrize(
    ("text", "figures"),
    [("I'm dying to know what these white spots are", True),
     ("me mato trabajando y no tengo tiempo ni para respirar, ¿cuándo me llaman?", True),
     ("what are breast calcifications?", None),
     # A finding is SafetyDecision's to weigh, figures or not.
     ("my blood is boiling and the biopsy site is bleeding through the gauze", None)],
)
def test_a_message_whose_alarm_words_are_all_figures_is_marked(
    layer: SafetyRuleLayer, nlp: Language, text: str, figures: bool | None
) -> None:
    assert read(layer, nlp, text).get(FIGURES_ONLY_KEY) is figures


def test_a_bare_number_picks_an_option(layer: SafetyRuleLayer, nlp: Language) -> None:
    message = read(layer, nlp, "2")
    assert message.get(OPTION_KEY) == 2
    assert message.get(INTENT)["name"] == "choose_option"


@pytest.mark.parametrize("text", ["", "   ", "🙂🙂🙂"])
def test_input_that_is_no_question_goes_to_the_fallback(
    layer: SafetyRuleLayer, nlp: Language, text: str
) -> None:
    message = read(layer, nlp, text)
    assert message.get(INPUT_ISSUE_KEY)
    assert message.get(INTENT)["name"] == "nlu_fallback"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Mi mamá se desmayó y no reacciona, ¿qué hago?", "fainting"),
        # "tome", "tylenol" and "error" are English words too: the screen lets it through.
        ("me tome 10 pastillas de tylenol x error", "overdose"),
        # Spanish with English words that lingua leans English on.
        ("siento mucho dolor en el pecho, no se si es heart attack", "chest_pain"),
    ],
)
def test_a_spanish_emergency_is_found_certain_and_left_to_the_safety_decision(
    layer: SafetyRuleLayer, nlp: Language, text: str, kind: str
) -> None:
    message = read(layer, nlp, text)
    found = message.get(RULE_FINDING_KEY)
    assert (found["kind"], found["certain"], found[RULES_ALONE]) == (kind, True, True)
    assert message.get(LANGUAGE_KEY) == SPANISH
    # SafetyDecision decides it; the Spanish classifier is not asked to confirm it.
    assert message.get(EMERGENCY_KEY) is None


def test_spanish_crisis_language_decides_the_turn_in_spanish(
    layer: SafetyRuleLayer, nlp: Language
) -> None:
    message = read(layer, nlp, "ya no quiero vivir, tengo las pastillas juntadas para hoy")
    assert message.get(EMERGENCY_KEY) == SELF_HARM
    assert message.get(LANGUAGE_KEY) == SPANISH
    assert message.get(INTENT)["name"] == "emergency"


def test_a_possible_spanish_emergency_is_left_to_the_safety_decision(
    layer: SafetyRuleLayer, nlp: Language
) -> None:
    message = read(layer, nlp, "¿Qué hago si me sale mucha sangre después de la biopsia?")
    found = message.get(RULE_FINDING_KEY)
    assert (found["kind"], found["certain"]) == ("bleeding", False)
    assert message.get(EMERGENCY_KEY) is None
    # The topic classifier answers her question in Spanish, the safety line under it.
    assert not is_decided(message)


def test_a_spanish_question_is_left_to_the_classifier_to_read_in_spanish(
    layer: SafetyRuleLayer, nlp: Language
) -> None:
    message = read(layer, nlp, "¿Las calcificaciones del seno son cáncer?")
    assert message.get(LANGUAGE_KEY) == SPANISH
    assert message.get(SAFETY_CONCERN_KEY) is None
    assert not is_decided(message)


@pytest.mark.parametrize(
    "text",
    [
        "tuve un heart attack en 2016, ¿puedo tomar ibuprofen después de la biopsy?",
        "casi me da un heart attack cuando vi BI-RADS 4 en el portal jaja, ¿qué es eso?",
    ],
)
def test_spanglish_is_read_in_its_spanish_context(
    layer: SafetyRuleLayer, nlp: Language, text: str
) -> None:
    # The English rules alone read "heart attack" as happening now.
    message = read(layer, nlp, text)
    assert message.get(EMERGENCY_KEY) is None
    assert message.get(RULE_FINDING_KEY) is None
    assert message.get(LANGUAGE_KEY) == SPANISH


def test_spanglish_words_the_spanish_rules_read_as_a_name_raise_nothing(
    layer: SafetyRuleLayer, nlp: Language
) -> None:
    # The English rules alone read "emergency" as a call for help.
    message = read(layer, nlp, "la entrada pa la biopsia es por emergency room o por el lobby?")
    assert message.get(EMERGENCY_KEY) is None
    assert message.get(RULE_FINDING_KEY) is None


def test_spanglish_keeps_what_the_english_rules_find_certain(
    layer: SafetyRuleLayer, nlp: Language
) -> None:
    message = read(layer, nlp, "i keep almost passing out, todo se pone negro a veces")
    finding = message.get(RULE_FINDING_KEY)
    assert finding and finding["certain"] and finding["kind"] == "fainting"


def test_a_spanish_physical_sign_waits_for_the_spanish_classifier(
    layer: SafetyRuleLayer, nlp: Language
) -> None:
    message = read(layer, nlp, "tengo sangre en la gasa de la biopsia, ¿es normal?")
    assert message.get(LANGUAGE_KEY) == SPANISH
    finding = message.get(RULE_FINDING_KEY)
    assert finding and finding["sign"] and finding["kind"] == "bleeding"
    assert message.get(SAFETY_CONCERN_KEY) is None


def test_text_in_neither_language_is_screened_out_for_the_classifier_to_try_spanish(
    layer: SafetyRuleLayer, nlp: Language
) -> None:
    message = read(layer, nlp, "Wat zijn verkalkingen in de borst precies?")
    assert message.get(SCREENED_OUT_KEY) == "non_english"
    assert message.get(LANGUAGE_KEY) is None
    assert not is_decided(message)


@pytest.mark.parametrize(("text", "language"), [
    ("What do the white spots on my mammogram mean?", "en"),
    # Too short to tell, or Spanish the screen let through: left to the classifier.
    ("ok", None),
    ("thx", None),
])
def test_only_a_sure_english_message_is_marked_english(
    layer: SafetyRuleLayer, nlp: Language, text: str, language: str | None
) -> None:
    assert read(layer, nlp, text).get(LANGUAGE_KEY) == language
