"""Intent classifier over spaCy lemmas and vocabulary concepts, which also reads each question
of a multi-question message on its own (only medical topics are combined).

A linear model on TF-IDF word and character n-grams: fast (about 0.1 ms a message, scored by
CompiledTextModel), robust to typos through the character n-grams, and to lay words through the
concept tokens that the EntityRuler adds ("white spots" and "calcs" both read as
C_calcification).
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List

import joblib
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.constants import SPACY_DOCS
from rasa.nlu.utils.spacy_utils import SpacyNLP
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline
from spacy.tokens import Doc, Span

from bot.components.compiled_model import CompiledTextModel
from bot.components.safety_layer import RULE_FINDING_KEY, is_decided
from bot.content import content
from bot.contract import (
    EMERGENCY,
    FACT_TOPIC_KEY,
    NOT_COVERED,
    PERSONAL_DIAGNOSIS,
    SELF_HARM,
    TOPICS_KEY,
)
from bot.nlp.clauses import PersonalReader, question_clauses, question_sentences

logger = logging.getLogger(__name__)

MODEL_FILE = "topic_classifier.joblib"
# Intents the classifier scores but never decides: SafetyDecision weighs their scores.
RISK_INTENTS = frozenset({SELF_HARM, EMERGENCY})
# Where the classifier leaves those scores for SafetyDecision (not part of the parse output).
RISK_SCORES_KEY = "risk_scores"
# Its scores: the emergency intent's probability in the message's ranking, its highest
# probability in the message or any one sentence (an emergency told inside a question), and the
# self-harm intent's probability in the ranking.
EMERGENCY_SCORE, EMERGENCY_PEAK, SELF_HARM_SCORE = "emergency", "emergency_peak", "self_harm"


def normalise(tokens: Doc | Span) -> str:
    """Lemmas of the words, each vocabulary concept also written as one C_<id> token."""
    parts = []
    for token in tokens:
        if token.ent_id_ and token.ent_iob_ == "B":
            parts.append(f"C_{token.ent_id_}")
        if token.is_alpha or token.like_num:
            parts.append(token.lemma_.lower() or token.lower_)
    return " ".join(parts)


def _build_model(config: Dict[str, Any]) -> Pipeline:
    features = FeatureUnion(
        [
            (
                "words",
                TfidfVectorizer(token_pattern=r"\S+", ngram_range=(1, 2), sublinear_tf=True),
            ),
            (
                "chars",
                TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True),
            ),
        ]
    )
    classifier = LogisticRegression(
        C=config["C"], max_iter=5000, random_state=config["random_seed"]
    )
    return Pipeline([("features", features), ("classifier", classifier)])


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True
)
class TopicClassifier(GraphComponent, IntentClassifier):
    @classmethod
    def required_components(cls) -> List[type]:
        return [SpacyNLP]

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {
            "C": 20.0,
            "random_seed": 42,
            "ranking_length": 10,
            # A question inside a multi-question message counts from this confidence on.
            "clause_threshold": 0.45,
            # In a message of several sentences, how much the sentences that ask count against
            # the whole story when the topic is scored.
            "question_weight": 0.6,
            # A clear question on the subject scored below this (FallbackClassifier's threshold)
            # is one the source does not answer: not_covered, never "ask another way".
            "unplaced_question_threshold": 0.3,
        }

    def __init__(
        self,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: Pipeline | None = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._scorer = CompiledTextModel(model) if model is not None else None
        self._personal: PersonalReader | None = None

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> TopicClassifier:
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [
            example
            for example in training_data.intent_examples
            if example.get(SPACY_DOCS[TEXT]) is not None
        ]
        texts = [normalise(example.get(SPACY_DOCS[TEXT])) for example in examples]
        labels = [example.get(INTENT) for example in examples]
        model = _build_model(self._config).fit(texts, labels)
        self._scorer = CompiledTextModel(model)
        self.scorer.check_against(model, texts)
        with self._model_storage.write_to(self._resource) as directory:
            joblib.dump(model, directory / MODEL_FILE)
        logger.info("Trained on %d examples of %d intents.", len(texts), len(set(labels)))
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> TopicClassifier:
        try:
            with model_storage.read_from(resource) as directory:
                model = joblib.load(directory / MODEL_FILE)
        except (ValueError, FileNotFoundError):
            logger.warning("No trained topic classifier found; every message will fall back.")
            model = None
        return cls(config, model_storage, resource, model)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            if is_decided(message):
                continue
            doc = message.get(SPACY_DOCS[TEXT])
            if doc is None or self._scorer is None:
                top = {"name": None, "confidence": 0.0}
                message.set(INTENT, top, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [], add_to_output=True)
                continue
            self._read(message, doc)
        return messages

    def _read(self, message: Message, doc: Doc) -> None:
        """Ranks the message, then applies what the ranking alone cannot know: a guess of
        emergency only adds a safety line, a question about her own result is declined with
        the general fact, and a message that asks several things gets each answer."""
        questions = question_sentences(doc)
        ranking = self._rank_message(doc, questions)
        message.set(RISK_SCORES_KEY, self._risk_scores(doc, ranking,
                                                       bool(message.get(RULE_FINDING_KEY))))
        ranking = [entry for entry in ranking if entry["name"] not in RISK_INTENTS]
        medical = content().topics
        top = ranking[0]
        personal = top["name"] == PERSONAL_DIAGNOSIS
        if personal or self._reader(doc).asks_about_herself(doc, questions):
            fact = next((entry["name"] for entry in ranking if entry["name"] in medical), None)
            if fact:
                message.set(FACT_TOPIC_KEY, fact, add_to_output=True)
            top = {"name": PERSONAL_DIAGNOSIS, "confidence": max(top["confidence"], 1.0)}
            ranking = [top] + [entry for entry in ranking if entry["name"] != PERSONAL_DIAGNOSIS]
        elif self._unplaced(doc, questions, top):
            top = {"name": NOT_COVERED, "confidence": 1.0}
            ranking = [top] + [entry for entry in ranking if entry["name"] != NOT_COVERED]
        else:
            topics = self._clause_topics(doc, questions)
            if len(topics) >= 2:
                message.set(TOPICS_KEY, [name for name, _ in topics], add_to_output=True)
                asked = dict(topics)
                top = {"name": topics[0][0], "confidence": topics[0][1]}
                ranking = sorted(
                    [{"name": name, "confidence": c} for name, c in topics]
                    + [entry for entry in ranking if entry["name"] not in asked],
                    key=lambda entry: entry["confidence"],
                    reverse=True,
                )
        message.set(INTENT, top, add_to_output=True)
        message.set(INTENT_RANKING_KEY, ranking[: self._config["ranking_length"]],
                    add_to_output=True)

    def _risk_scores(self, doc: Doc, ranking: List[Dict[str, Any]],
                     found: bool) -> Dict[str, float]:
        """What SafetyDecision weighs. The peak over single sentences, which finds an
        emergency told beside a question, is computed only when the rules found something."""
        scores = {entry["name"]: entry["confidence"] for entry in ranking}
        emergency = scores.get(EMERGENCY, 0.0)
        peak = emergency
        if found:
            index = list(self.scorer.classes).index(EMERGENCY)
            parts: List[Doc | Span] = [doc, *doc.sents]
            peak = max(peak, *(float(self.scorer.probabilities(normalise(part))[index])
                               for part in parts))
        return {EMERGENCY_SCORE: emergency, EMERGENCY_PEAK: peak,
                SELF_HARM_SCORE: scores.get(SELF_HARM, 0.0)}

    def _unplaced(self, doc: Doc, questions: List[Span], top: Dict[str, Any]) -> bool:
        """A question about calcifications, mammograms or biopsies that no topic fits."""
        return (
            bool(questions)
            and top["confidence"] < self._config["unplaced_question_threshold"]
            and any(entity.ent_id_ for entity in doc.ents)
        )

    @property
    def scorer(self) -> CompiledTextModel:
        """The trained model; process() reads no message without one."""
        if self._scorer is None:
            raise RuntimeError("the topic classifier has not been trained")
        return self._scorer

    def _reader(self, doc: Doc) -> PersonalReader:
        if self._personal is None:
            self._personal = PersonalReader(doc.vocab)
        return self._personal

    def _rank_message(self, doc: Doc, questions: List[Span]) -> List[Dict[str, Any]]:
        """Every intent with its probability; a story is scored mostly by what it asks."""
        whole = self.scorer.probabilities(normalise(doc))
        if len(questions) and len(list(doc.sents)) > 1:
            asked = self.scorer.probabilities(" ".join(normalise(q) for q in questions))
            weight = self._config["question_weight"]
            whole = weight * asked + (1 - weight) * whole
        pairs = sorted(zip(self.scorer.classes, whole, strict=True),
                       key=lambda pair: pair[1], reverse=True)
        return [{"name": str(name), "confidence": float(c)} for name, c in pairs]

    def _rank(self, text: str) -> List[Dict[str, Any]]:
        probabilities = self.scorer.probabilities(text)
        pairs = zip(self.scorer.classes, probabilities, strict=True)
        ranked = sorted(pairs, key=lambda pair: pair[1], reverse=True)
        return [
            {"name": str(name), "confidence": float(confidence)}
            for name, confidence in ranked[: self._config["ranking_length"]]
        ]

    def _clause_topics(self, doc: Doc, questions: List[Span]) -> List[tuple[str, float]]:
        """Distinct confident topics of the questions in a message, in the order asked."""
        clauses = [clause for sentence in questions for clause in question_clauses(sentence)]
        if len(clauses) < 2:
            return []
        medical = content().topics
        topics: List[tuple[str, float]] = []
        for clause in clauses:
            best = self._rank(normalise(clause))[0]
            name, confidence = best["name"], best["confidence"]
            if (
                confidence >= self._config["clause_threshold"]
                and name in medical
                and name not in [seen for seen, _ in topics]
            ):
                topics.append((name, confidence))
        return topics
