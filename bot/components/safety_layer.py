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
    INPUT_ISSUE_KEY,
    LANGUAGE_KEY,
    OPTION_KEY,
    SAFETY_CONCERN_KEY,
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
            text = message.get(TEXT) or ""
            doc = message.get(SPACY_DOCS[TEXT])
            finding = detector.detect(doc) if doc is not None else None
            if finding and finding.kind == SELF_HARM and finding.certain:
                # The crisis reply never waits for the classifier.
                logger.info("Crisis rule matched.")
                message.set(EMERGENCY_KEY, SELF_HARM, add_to_output=True)
                decide(message, EMERGENCY)
                continue
            if finding:
                # Weighed against the classifier by SafetyDecision.
                message.set(RULE_FINDING_KEY, asdict(finding))
                if finding.certain:
                    continue
            option = option_number(text)
            if option:
                message.set(OPTION_KEY, option, add_to_output=True)
                decide(message, CHOOSE_OPTION_INTENT)
                continue
            issue = screen.issue(text, doc)
            if issue == NON_ENGLISH and read_spanish(message, spanish.detect(text)):
                continue
            if issue:
                logger.debug("Input screened out (%s).", issue)
                message.set(INPUT_ISSUE_KEY, issue, add_to_output=True)
                decide(message, FALLBACK_INTENT)
        return messages


def read_spanish(message: Message, finding: Finding | None) -> bool:
    """Marks a message that is not English as Spanish when its Spanish rules find an emergency
    or the identifier is sure of it; True when a certain emergency settles the turn. A physical sign
    alone counts for nothing, as in English without a classifier to confirm it."""
    if finding is None or finding.sign:
        identified = language.identify(message.get(TEXT) or "")
        if identified.language == SPANISH and identified.sure:
            message.set(LANGUAGE_KEY, SPANISH, add_to_output=True)
        return False
    message.set(LANGUAGE_KEY, SPANISH, add_to_output=True)
    if finding.certain:
        logger.info("Spanish emergency rule matched (%s).", finding.kind)
        message.set(EMERGENCY_KEY, finding.kind, add_to_output=True)
        decide(message, EMERGENCY)
        return True
    message.set(SAFETY_CONCERN_KEY, finding.kind, add_to_output=True)
    return False


def decide(message: Message, intent: str) -> None:
    """Settles the message's intent; the classifiers after this keep it."""
    decided = {"name": intent, "confidence": 1.0}
    message.set(INTENT, decided, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [decided], add_to_output=True)
