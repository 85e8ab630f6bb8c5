"""SafetyDecision: the rules' finding weighed against the classifier's scores, message by
message. The emergency reply needs both; a guess alone only ever adds a line."""

from __future__ import annotations

from typing import Any

import pytest
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.components.learned_risk import LEARNED_RISK_KEY, Reading
from bot.components.safety_decision import SafetyDecision, Verdict, weigh
from bot.components.safety_layer import RULE_FINDING_KEY, RULES_ALONE
from bot.components.topic_classifier import (
    EMERGENCY_PEAK,
    EMERGENCY_SCORE,
    RISK_SCORES_KEY,
    SELF_HARM_SCORE,
)
from bot.contract import (
    EMERGENCY_KEY,
    OVERDOSE,
    SAFETY_CONCERN_KEY,
    SELF_HARM,
    SUSPECTED_SELF_HARM,
    UNSPECIFIED,
)

CONFIG = SafetyDecision.get_default_config()
CONFIRM, SIGN, RISK = (CONFIG[key] for key in
                       ("confirm_threshold", "sign_threshold", "risk_threshold"))
SURE, LINE, AGREE, DESPAIR, VETO, ALONE, SIGN_VETO = (CONFIG[key] for key in (
    "learned_confirm_threshold", "learned_line_threshold", "learned_agree_threshold",
    "learned_despair_threshold", "learned_veto_threshold", "learned_alone_threshold",
    "learned_sign_veto_threshold"))
LEARNED_KINDS = frozenset({"bleeding", "chest_pain", OVERDOSE})


def finding(kind: str, certain: bool = False, sign: bool = False,
            stated: str | None = None) -> dict[str, Any]:
    return {"kind": kind, "certain": certain, "sign": sign, "stated": stated}


def scores(peak: float = 0.0, emergency: float = 0.0, self_harm: float = 0.0) -> dict[str, float]:
    return {EMERGENCY_SCORE: emergency, EMERGENCY_PEAK: max(peak, emergency),
            SELF_HARM_SCORE: self_harm}


def reading(emergency: float = 0.0, self_harm: float = 0.0) -> Reading:
    return Reading(emergency=emergency, self_harm=self_harm,
                   not_emergency=1.0 - emergency - self_harm, kinds=LEARNED_KINDS)


def test_thresholds_are_ordered() -> None:
    # A certain rule needs little agreement; a sign needs a sure classifier.
    assert 0 < CONFIRM < RISK < SIGN < 1
    # The learned model adds a line long before it may confirm a finding.
    assert 0 < DESPAIR <= LINE <= AGREE < SURE < ALONE < 1 and 0.5 < SIGN_VETO <= VETO < 1


@pytest.mark.parametrize(
    ("found", "scored", "learned", "expected"),
    [
        # Sure of an emergency: what the rules left possible is certain.
        (finding("bleeding"), scores(), reading(emergency=SURE), Verdict(emergency="bleeding")),
        (finding("bleeding"), scores(), reading(emergency=SURE - 0.01),
         Verdict(concern="bleeding")),
        (finding("chest_pain", sign=True), scores(), reading(emergency=SURE),
         Verdict(emergency="chest_pain")),
        # Sure it is none, of a kind it learned: a certain finding keeps the answer, with a line.
        (finding("bleeding", certain=True), scores(peak=1.0), reading(),
         Verdict(concern="bleeding")),
        (finding("bleeding", certain=True), scores(peak=1.0),
         reading(emergency=1.0 - VETO + 0.01), Verdict(emergency="bleeding")),
        # Its agreement confirms a certain finding the topic classifier scores low.
        (finding("bleeding", certain=True), scores(peak=CONFIRM / 2), reading(emergency=AGREE),
         Verdict(emergency="bleeding")),
        (finding("bleeding", certain=True), scores(peak=CONFIRM / 2),
         reading(emergency=AGREE - 0.01), Verdict(concern="bleeding")),
        (finding("bleeding"), scores(peak=CONFIRM), reading(emergency=AGREE),
         Verdict(concern="bleeding")),
        # Nearly sure it is none: a sign the topic classifier scores high only adds its line.
        (finding("chest_pain", sign=True), scores(peak=1.0),
         reading(emergency=1.0 - SIGN_VETO - 0.01), Verdict(concern="chest_pain")),
        (finding("chest_pain", sign=True), scores(peak=1.0),
         reading(emergency=1.0 - SIGN_VETO + 0.01), Verdict(emergency="chest_pain")),
        (finding("fainting", sign=True), scores(peak=1.0), reading(),
         Verdict(emergency="fainting")),
        # A kind it never learned is the rules' alone ("he doesn't know what year it is").
        (finding("general", certain=True), scores(peak=1.0), reading(),
         Verdict(emergency="general")),
        # Crisis language is never weighed down by it.
        (finding(SELF_HARM, certain=True), scores(), reading(), Verdict(emergency=SELF_HARM)),
        # The Spanish rules need no classifier's confirmation; the learned model may rule out.
        ({**finding("fainting", certain=True), RULES_ALONE: True}, scores(),
         reading(emergency=0.5), Verdict(emergency="fainting")),
        ({**finding("bleeding", certain=True), RULES_ALONE: True}, scores(peak=1.0),
         reading(), Verdict(concern="bleeding")),
        ({**finding("bleeding"), RULES_ALONE: True}, scores(), reading(emergency=SURE),
         Verdict(emergency="bleeding")),
        # Alone, it adds a line, and replaces the answer only when all but certain.
        (None, scores(), reading(emergency=ALONE - 0.01), Verdict(concern=UNSPECIFIED)),
        (None, scores(), reading(emergency=ALONE), Verdict(emergency=UNSPECIFIED)),
        (None, scores(self_harm=RISK), reading(emergency=ALONE), Verdict(emergency=SELF_HARM)),
        (None, scores(), reading(emergency=LINE - 0.01), Verdict()),
        (None, scores(), reading(self_harm=DESPAIR), Verdict(concern=SUSPECTED_SELF_HARM)),
        (None, None, reading(self_harm=DESPAIR), Verdict(concern=SUSPECTED_SELF_HARM)),
        # The topic classifier's self-harm guess gives the crisis line even when the learned
        # model reads no despair at all (a floor under it cost a self-harm message its line).
        (None, scores(self_harm=RISK), reading(), Verdict(concern=SUSPECTED_SELF_HARM)),
        (finding(SELF_HARM), scores(), reading(), Verdict(concern=SELF_HARM)),
        # Despair beside pills taken: the crisis reply, which gives the emergency number too.
        (finding(OVERDOSE, certain=True), scores(peak=CONFIRM), reading(self_harm=DESPAIR),
         Verdict(emergency=SELF_HARM)),
        (finding("bleeding"), scores(), reading(self_harm=DESPAIR),
         Verdict(concern=SUSPECTED_SELF_HARM)),
        # Pills it is all but sure are suicidal: the crisis reply, a possible overdose or a sign.
        (finding(OVERDOSE), scores(), reading(self_harm=SURE), Verdict(emergency=SELF_HARM)),
        (finding(OVERDOSE, sign=True), scores(), reading(self_harm=SURE),
         Verdict(emergency=SELF_HARM)),
        (finding(OVERDOSE), scores(), reading(self_harm=SURE - 0.01),
         Verdict(concern=SUSPECTED_SELF_HARM)),
        (finding("bleeding"), scores(), reading(self_harm=SURE),
         Verdict(concern=SUSPECTED_SELF_HARM)),
        # A fainting it reads as despair ("i won't wake up tomorrow. bye"): the fainting reply
        # with the crisis line under it.
        (finding("fainting", sign=True), scores(peak=SIGN, emergency=0.9),
         reading(self_harm=DESPAIR), Verdict(emergency="fainting", concern=SUSPECTED_SELF_HARM)),
        (finding("fainting", sign=True), scores(peak=SIGN, emergency=0.9),
         reading(self_harm=DESPAIR - 0.01), Verdict(emergency="fainting")),
    ],
)
def test_weigh_with_the_learned_model(found: dict[str, Any] | None,
                                      scored: dict[str, float] | None, learned: Reading,
                                      expected: Verdict) -> None:
    assert weigh(found, scored, CONFIG, learned) == expected


@pytest.mark.parametrize(
    ("found", "scored", "expected"),
    [
        # Certain rules, confirmed or contradicted by the classifier.
        (finding("bleeding", certain=True), scores(peak=CONFIRM), Verdict(emergency="bleeding")),
        (finding("bleeding", certain=True), scores(peak=CONFIRM / 2), Verdict(concern="bleeding")),
        # A plain sign: certain only with a sure classifier, otherwise no line of its own.
        (finding("fainting", sign=True), scores(peak=SIGN), Verdict(emergency="fainting")),
        (finding("fainting", sign=True), scores(peak=SIGN - 0.01), Verdict()),
        (finding("fainting", sign=True), scores(peak=SIGN - 0.01, emergency=RISK),
         Verdict(concern=UNSPECIFIED)),
        # A sign beside an uncertain statement: the statement's line when not confirmed.
        (finding("bleeding", sign=True, stated="allergic_reaction"), scores(peak=SIGN),
         Verdict(emergency="bleeding")),
        (finding("bleeding", sign=True, stated="allergic_reaction"),
         scores(peak=SIGN - 0.01, emergency=RISK), Verdict(concern="allergic_reaction")),
        (finding("bleeding", sign=True, stated="allergic_reaction"), scores(self_harm=RISK),
         Verdict(concern=SUSPECTED_SELF_HARM)),
        # Uncertain rules (hypothetical, earlier) keep their line, whatever the classifier says.
        (finding("infection"), scores(peak=0.99, emergency=0.99), Verdict(concern="infection")),
        (finding("infection"), scores(), Verdict(concern="infection")),
        # Crisis language is never weighed down.
        (finding(SELF_HARM), scores(), Verdict(concern=SELF_HARM)),
        (finding(SELF_HARM, certain=True), scores(), Verdict(emergency=SELF_HARM)),
        # Pills taken as despair: the crisis reply, which also gives the emergency number.
        (finding(OVERDOSE, certain=True), scores(peak=CONFIRM, self_harm=RISK),
         Verdict(emergency=SELF_HARM)),
        (finding(OVERDOSE, sign=True), scores(peak=SIGN, self_harm=RISK),
         Verdict(emergency=SELF_HARM)),
        # A confirmed physical sign in a message read as despair more than as an emergency: the
        # crisis reply too; read as an emergency more than as despair: its own reply, with the
        # crisis line under it.
        (finding("chest_pain", sign=True), scores(peak=SIGN, self_harm=RISK),
         Verdict(emergency=SELF_HARM)),
        (finding("chest_pain", sign=True), scores(peak=SIGN, emergency=0.5, self_harm=RISK),
         Verdict(emergency="chest_pain", concern=SUSPECTED_SELF_HARM)),
        (finding("chest_pain", sign=True), scores(peak=SIGN, emergency=0.5),
         Verdict(emergency="chest_pain")),
        (finding(OVERDOSE, certain=True), scores(peak=CONFIRM, self_harm=RISK - 0.01),
         Verdict(emergency=OVERDOSE)),
        # Despair read by the classifier confirms a certain rule finding too.
        (finding(OVERDOSE, certain=True), scores(peak=CONFIRM / 2, self_harm=0.8),
         Verdict(emergency=SELF_HARM)),
        (finding("bleeding", certain=True), scores(peak=CONFIRM, self_harm=RISK),
         Verdict(emergency="bleeding", concern=SUSPECTED_SELF_HARM)),
        # The classifier's suspicion of self-harm outranks a rule's physical kind in the line.
        (finding("bleeding"), scores(self_harm=RISK), Verdict(concern=SUSPECTED_SELF_HARM)),
        # No classifier scores (input it never read): the rules stand alone.
        (finding("breathing", certain=True), None, Verdict(emergency="breathing")),
        (finding("breathing"), None, Verdict(concern="breathing")),
        (finding("breathing", sign=True), None, Verdict()),
        # The classifier alone: a line at most.
        (None, scores(peak=1.0, emergency=1.0), Verdict(concern=UNSPECIFIED)),
        (None, scores(self_harm=0.9), Verdict(concern=SUSPECTED_SELF_HARM)),
        (None, scores(emergency=RISK - 0.01), Verdict()),
        (None, None, Verdict()),
    ],
)
def test_weigh(found: dict[str, Any] | None, scored: dict[str, float] | None,
               expected: Verdict) -> None:
    assert weigh(found, scored, CONFIG) == expected


def _message(found: dict[str, Any] | None, scored: dict[str, float] | None) -> Message:
    message = Message(data={TEXT: "a message"})
    message.set(INTENT, {"name": "causes", "confidence": 0.8})
    if found is not None:
        message.set(RULE_FINDING_KEY, found)
    if scored is not None:
        message.set(RISK_SCORES_KEY, scored)
    return message


def test_a_confirmed_finding_becomes_the_emergency_intent() -> None:
    message = _message(finding("chest_pain", certain=True), scores(peak=0.9))
    SafetyDecision(CONFIG).process([message])
    assert message.get(EMERGENCY_KEY) == "chest_pain"
    assert message.get(INTENT) == {"name": "emergency", "confidence": 1.0}
    assert message.get(SAFETY_CONCERN_KEY) is None


def test_a_contradicted_finding_keeps_the_answer_and_adds_a_line() -> None:
    message = _message(finding("chest_pain", certain=True), scores(peak=0.01))
    SafetyDecision(CONFIG).process([message])
    assert message.get(EMERGENCY_KEY) is None
    assert message.get(INTENT)["name"] == "causes"
    assert message.get(SAFETY_CONCERN_KEY) == "chest_pain"


def test_the_learned_reading_is_weighed_with_the_finding() -> None:
    message = _message(finding("bleeding"), scores())
    message.set(LEARNED_RISK_KEY, reading(emergency=SURE))
    SafetyDecision(CONFIG).process([message])
    assert message.get(EMERGENCY_KEY) == "bleeding"


def test_a_turn_the_rules_settled_is_left_alone() -> None:
    message = _message(None, scores(peak=1.0, emergency=1.0))
    message.set(EMERGENCY_KEY, SELF_HARM)
    SafetyDecision(CONFIG).process([message])
    assert message.get(EMERGENCY_KEY) == SELF_HARM
    assert message.get(SAFETY_CONCERN_KEY) is None


def test_the_learned_model_alone_never_replaces_an_answer_whose_alarm_words_are_figures() -> None:
    sure = reading(emergency=ALONE)
    assert weigh(None, scores(), CONFIG, sure) == Verdict(emergency=UNSPECIFIED)
    assert weigh(None, scores(), CONFIG, sure, figures_only=True) == Verdict(
        concern=UNSPECIFIED)
