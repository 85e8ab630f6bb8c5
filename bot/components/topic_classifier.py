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
from bot.components.safety_layer import is_decided
from bot.content import content
from bot.nlp.clauses import question_clauses

logger = logging.getLogger(__name__)

MODEL_FILE = "topic_classifier.joblib"
# Parse-data key listing the topics of a message that asks several questions.
TOPICS_KEY = "topics"


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
        self._scorer.check_against(model, texts)
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
            ready = doc is not None and self._scorer is not None
            ranking = self._rank(normalise(doc)) if ready else []
            topics = self._clause_topics(doc) if ready else []
            top = ranking[0] if ranking else {"name": None, "confidence": 0.0}
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
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages

    def _rank(self, text: str) -> List[Dict[str, Any]]:
        probabilities = self._scorer.probabilities(text)
        pairs = zip(self._scorer.classes, probabilities, strict=True)
        ranked = sorted(pairs, key=lambda pair: pair[1], reverse=True)
        return [
            {"name": str(name), "confidence": float(confidence)}
            for name, confidence in ranked[: self._config["ranking_length"]]
        ]

    def _clause_topics(self, doc: Doc) -> List[tuple[str, float]]:
        """Distinct confident topics of the questions in a message, in the order asked."""
        clauses = question_clauses(doc)
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
