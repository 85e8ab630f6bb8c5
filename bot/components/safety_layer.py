"""The rule layer that runs before the classifier and overrides it.

Emergencies and crisis language are caught by spaCy rules read in context in every message,
whatever the conversation state: certain crisis language decides the turn at once; every other
finding is passed on to SafetyDecision, which weighs it against the classifier. A reply of
just a number picks one of the topics offered last; input that cannot be answered as a
question is marked for the fallback.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.constants import SPACY_DOCS
from rasa.nlu.utils.spacy_utils import SpacyModel, SpacyNLP
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot import rasa_patches
from bot.contract import (
    EMERGENCY,
    EMERGENCY_KEY,
    ENGLISH,
    INPUT_ISSUE_KEY,
    LANGUAGE_KEY,
    OPTION_KEY,
    SELF_HARM,
    SPANISH,
)
from bot.nlp import language
from bot.nlp.emergency import EmergencyDetector, Finding
from bot.nlp.options import option_number
from bot.nlp.screening import NON_ENGLISH, InputScreen
from bot.nlp.spanish import SpanishSafety

logger = logging.getLogger(__name__)

# Where the rules leave their finding for SafetyDecision (not part of the parse output).
RULE_FINDING_KEY = "rule_finding"
# Set when a message's alarm words are all figures of speech (mark_figures_only).
FIGURES_ONLY_KEY = "figures_only"
# Marks a finding that the topic classifier's scores need not confirm.
RULES_ALONE = "rules_alone"
# Why the input screen would not answer a message that a later component may still place.
SCREENED_OUT_KEY = "screened_out"
# What the identifier found for a message the screen let through (language.Identified), so that
# the topic classifier does not ask it again.
LEANING_KEY = "language_leaning"
FALLBACK_INTENT = "nlu_fallback"
CHOOSE_OPTION_INTENT = "choose_option"


def is_decided(message: Message) -> bool:
    """True when the rule layer has already settled the intent and classifiers must keep it."""
    return bool(
        message.get(EMERGENCY_KEY) or message.get(INPUT_ISSUE_KEY) or message.get(OPTION_KEY)
    )


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER],
    is_trainable=False,
    model_from="SpacyNLP",
)
class SafetyRuleLayer(GraphComponent, IntentClassifier):
    @classmethod
    def required_components(cls) -> List[type]:
        return [SpacyNLP]

    def __init__(self) -> None:
        self._detector: EmergencyDetector | None = None
        self._screen: InputScreen | None = None
        self._spanish: SpanishSafety | None = None

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SafetyRuleLayer:
        # The Rasa CLI (train, shell, test) builds the model without bot/serve.py.
        rasa_patches.install()
        return cls()

    def _rules(self, model: SpacyModel) -> tuple[EmergencyDetector, InputScreen, SpanishSafety]:
        if self._detector is None or self._screen is None or self._spanish is None:
            self._detector = EmergencyDetector(model.model)
            self._screen = InputScreen(model.model)
            self._spanish = SpanishSafety()
            # Loaded now, before the server forks its workers, so that they share it.
            language.detector()
        return self._detector, self._screen, self._spanish

    def process(self, messages: List[Message], model: SpacyModel) -> List[Message]:
        detector, screen, spanish = self._rules(model)
        for message in messages:
            self._read(message, detector, screen, spanish)
            if message.get(RULE_FINDING_KEY) is None and not is_decided(message):
                mark_figures_only(message, detector, spanish)
        return messages

    def _read(self, message: Message, detector: EmergencyDetector, screen: InputScreen,
              spanish: SpanishSafety) -> None:
        text = message.get(TEXT) or ""
        doc = message.get(SPACY_DOCS[TEXT])
        finding = detector.detect(doc) if doc is not None else None
        read_in_spanish = False
        if finding and language.has_spanish_sentence(text):
            # Spanglish ("tuve un heart attack en 2019"): the Spanish rules know the English
            # words it borrows and read the Spanish words around them, unless they leave
            # possible what the English rules find certain ("i keep almost passing out"). Words
            # they read as a figure or a name are known too ("¿la entrada es por emergency room?").
            reading = spanish.read(text)
            knows_words = reading.has_targets or reading.figures_only
            in_spanish = reading.finding
            if knows_words and (in_spanish is None or in_spanish.certain
                                or not finding.certain):
                if read_spanish(message, in_spanish):
                    return
                read_in_spanish = True
                finding = None
        if finding:
            # The English rules found it: an English emergency is answered in English,
            # also in a conversation that was in Spanish so far.
            mark_language(message, text)
        if finding and finding.kind == SELF_HARM and finding.certain:
            # The crisis reply never waits for the classifier.
            logger.info("Crisis rule matched.")
            message.set(EMERGENCY_KEY, SELF_HARM, add_to_output=True)
            decide(message, EMERGENCY)
            return
        if finding:
            # Weighed against the classifier by SafetyDecision.
            message.set(RULE_FINDING_KEY, asdict(finding))
            if finding.certain:
                return
        option = option_number(text)
        if option:
            message.set(OPTION_KEY, option, add_to_output=True)
            decide(message, CHOOSE_OPTION_INTENT)
            return
        issue = screen.issue(text, doc)
        if issue == NON_ENGLISH:
            settled = not read_in_spanish and read_spanish(message, spanish.detect(text))
            if not settled and message.get(LANGUAGE_KEY) != SPANISH:
                # The topic classifier tries Spanish before it settles on the
                # non-English fallback ("me hicieron callback por calcifications").
                message.set(SCREENED_OUT_KEY, NON_ENGLISH)
            return
        if issue is None and message.get(LEANING_KEY) is None:
            # Not identified yet (a finding above was, once).
            mark_language(message, text)
        if issue is None and finding is None and not read_in_spanish:
            # Spanish whose words pass for English ("me tome 10 pastillas de tylenol x
            # error": tome, tylenol, error) is read by the Spanish rules too, also when the
            # identifier leans English on its English words ("siento mucho dolor en el pecho,
            # no se si es heart attack").
            leaning = message.get(LEANING_KEY).language
            if leaning == SPANISH or language.has_spanish_sentence(text, leaning):
                found = spanish.detect(text)
                if found and read_spanish(message, found):
                    return
        if issue:
            logger.debug("Input screened out (%s).", issue)
            message.set(INPUT_ISSUE_KEY, issue, add_to_output=True)
            decide(message, FALLBACK_INTENT)


def mark_figures_only(message: Message, detector: EmergencyDetector,
                      spanish: SpanishSafety) -> None:
    """Marks a message whose alarm words all sit in figures of speech the rules know, read in
    its language ("me estoy matando trabajando ... ni tiempo tengo pa respirar"): the learned
    model may not give the emergency reply alone on it (bot/components/safety_decision.py)."""
    text = message.get(TEXT) or ""
    doc = message.get(SPACY_DOCS[TEXT])
    if message.get(LANGUAGE_KEY) == SPANISH:
        figures = spanish.read(text).figures_only
    else:
        figures = doc is not None and detector.read(doc).figures_only
    if figures:
        message.set(FIGURES_ONLY_KEY, True)


def mark_language(message: Message, text: str) -> None:
    """Marks English a message the input screen lets through when the identifier is sure of
    it, so that a patient may switch back to English. A message it is not sure of ("ok")
    keeps the conversation's language (actions/replies.py); Spanish is for the topic
    classifier to tell, since on a word or two ("thx") the identifier can be sure and wrong."""
    identified = language.identify(text)
    message.set(LEANING_KEY, identified)
    if identified.language == ENGLISH and identified.sure:
        message.set(LANGUAGE_KEY, ENGLISH, add_to_output=True)


def read_spanish(message: Message, finding: Finding | None) -> bool:
    """Marks a message that is not English as Spanish when its Spanish rules find an emergency
    or the identifier leans Spanish, so that the topic classifier reads it in Spanish; True
    when a certain finding leaves nothing more for this layer to read. Only crisis language
    settles the turn here; every other finding is SafetyDecision's, and a physical sign is
    weighed against the Spanish classifier as it is in English."""
    if finding is None or finding.sign:
        if language.identify(message.get(TEXT) or "").language == SPANISH:
            message.set(LANGUAGE_KEY, SPANISH, add_to_output=True)
            if finding:
                message.set(RULE_FINDING_KEY, asdict(finding))
        return False
    message.set(LANGUAGE_KEY, SPANISH, add_to_output=True)
    if finding.certain and finding.kind == SELF_HARM:
        logger.info("Spanish crisis rule matched.")
        message.set(EMERGENCY_KEY, SELF_HARM, add_to_output=True)
        decide(message, EMERGENCY)
        return True
    # SafetyDecision weighs it with the learned model; the Spanish classifier, which has seen
    # few emergencies, is not asked to confirm it.
    message.set(RULE_FINDING_KEY, {**asdict(finding), RULES_ALONE: True})
    return finding.certain


def decide(message: Message, intent: str) -> None:
    """Settles the message's intent; the classifiers after this keep it."""
    decided = {"name": intent, "confidence": 1.0}
    message.set(INTENT, decided, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [decided], add_to_output=True)
