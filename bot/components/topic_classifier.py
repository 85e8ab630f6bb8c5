"""Intent classifier over spaCy lemmas and vocabulary concepts, which also reads each question
of a multi-question message on its own (only medical topics are combined).

English and Spanish each have their own model, trained on their own examples (Spanish ones
carry `language: es` in data/nlu/es/), over their own spaCy pipeline. A message the rule layer
marked Spanish is read in Spanish. One the input screen found not English is read in Spanish
when the Spanish model places it ("me hicieron callback por calcifications"), else it gets the
non-English fallback. One the screen let through is read in Spanish when it has a Spanish
sentence in it (Spanglish: "¿Es normal el bruising después de la biopsia?"), or when the
identifier leans Spanish and the Spanish model, more confident, reads it otherwise ("hola" is
too short for the screen to tell).

A linear model on TF-IDF word and character n-grams: fast (about 0.1 ms a message, scored by
CompiledTextModel), robust to typos through the character n-grams, and to lay words through the
concept tokens that the EntityRuler adds ("white spots" and "calcs" both read as
C_calcification).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Dict, List

import spacy
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.constants import SPACY_DOCS
from rasa.nlu.utils.spacy_utils import SpacyNLP
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_RANKING_KEY,
    METADATA,
    METADATA_INTENT,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline
from spacy.language import Language
from spacy.tokens import Doc, Span

from bot.components.char_grams import WordwiseCharVectorizer
from bot.components.compiled_model import CompilationError, CompiledTextModel
from bot.components.concepts import EXTRACTOR, concept_entities
from bot.components.safety_layer import (
    FALLBACK_INTENT,
    LEANING_KEY,
    RULE_FINDING_KEY,
    SCREENED_OUT_KEY,
    decide,
    is_decided,
)
from bot.content import content
from bot.contract import (
    EMERGENCY,
    ENGLISH,
    FACT_TOPIC_KEY,
    INPUT_ISSUE_KEY,
    LANGUAGE_KEY,
    NOT_COVERED,
    PERSONAL_DIAGNOSIS,
    SELF_HARM,
    SPANISH,
    TOPICS_KEY,
)
from bot.nlp import language
from bot.nlp.clauses import PERSONAL_FILES, PersonalReader, question_clauses, question_sentences
from bot.nlp.screening import NON_ENGLISH
from bot.nlp.vocabulary import fold

logger = logging.getLogger(__name__)

MODEL_FILES = {ENGLISH: "topic_classifier.npz", SPANISH: "topic_classifier.es.npz"}
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
                WordwiseCharVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True),
            ),
        ]
    )
    # newton-cg: the same optimum as the default lbfgs (probabilities within 0.0002) in half the
    # fit's time; training time is a benchmark target.
    classifier = LogisticRegression(
        C=config["C"], max_iter=5000, solver="newton-cg", random_state=config["random_seed"]
    )
    return Pipeline([("features", features), ("classifier", classifier)])


# The reading before any: nothing placed.
UNPLACED: Dict[str, Any] = {"name": None, "confidence": 0.0}


def example_language(example: Message) -> str:
    """The language an intent's examples are written in (`metadata: language:`), else English."""
    intent_metadata = (example.get(METADATA) or {}).get(METADATA_INTENT) or {}
    return intent_metadata.get("language", ENGLISH)


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
            # The Spanish spaCy pipeline (`make spacy-model` builds it).
            "spanish_model": "build/spacy/es_calcifications",
        }

    def __init__(
        self,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        scorers: Dict[str, CompiledTextModel] | None = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._scorers = dict(scorers or {})
        self._personal: Dict[str, PersonalReader] = {}
        self._spanish_nlp: Language | None = None

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
        english = [
            example
            for example in training_data.intent_examples
            if example.get(SPACY_DOCS[TEXT]) is not None and example_language(example) == ENGLISH
        ]
        spanish = [
            example for example in training_data.intent_examples
            if example_language(example) == SPANISH
        ]
        readings = {
            ENGLISH: [normalise(example.get(SPACY_DOCS[TEXT])) for example in english],
            SPANISH: [normalise(self._read_spanish_text(example.get(TEXT))) for example in spanish],
        }
        labels = {
            ENGLISH: [example.get(INTENT) for example in english],
            SPANISH: [example.get(INTENT) for example in spanish],
        }
        with self._model_storage.write_to(self._resource) as directory:
            for name, texts in readings.items():
                if not texts:
                    continue
                self._scorers[name] = CompiledTextModel.fit(_build_model(self._config), texts,
                                                            labels[name])
                self._scorers[name].save(directory / MODEL_FILES[name])
                logger.info("Trained the %s model on %d examples of %d intents.", name,
                            len(texts), len(set(labels[name])))
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
        scorers = {}
        try:
            with model_storage.read_from(resource) as directory:
                for name, file_name in MODEL_FILES.items():
                    if (directory / file_name).exists():
                        scorers[name] = CompiledTextModel.load(directory / file_name)
        except CompilationError:
            raise
        except ValueError:
            # Rasa's storage: the component was never trained (no resource to read).
            pass
        if ENGLISH not in scorers:
            logger.warning("No trained topic classifier found; every message will fall back.")
        classifier = cls(config, model_storage, resource, scorers)
        if SPANISH in scorers:
            # Loaded now, before the server forks its workers, so that they share it.
            classifier.spanish_nlp()
        return classifier

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            if is_decided(message):
                continue
            doc = message.get(SPACY_DOCS[TEXT])
            if message.get(SCREENED_OUT_KEY) == NON_ENGLISH:
                if not self._read_in_spanish(message, only_if_better=UNPLACED):
                    message.set(INPUT_ISSUE_KEY, NON_ENGLISH, add_to_output=True)
                    decide(message, FALLBACK_INTENT)
            elif message.get(LANGUAGE_KEY) == SPANISH and SPANISH in self._scorers:
                self._read_in_spanish(message)
            elif doc is None or ENGLISH not in self._scorers:
                message.set(INTENT, dict(UNPLACED), add_to_output=True)
                message.set(INTENT_RANKING_KEY, [], add_to_output=True)
            else:
                top = self._read(message, doc, ENGLISH)
                # What the English rules found is weighed with the English scores.
                if not message.get(RULE_FINDING_KEY) and SPANISH in self._scorers:
                    text = message.get(TEXT) or ""
                    identified = message.get(LEANING_KEY) or language.identify(text)
                    if language.has_spanish_sentence(text, identified.language):
                        self._read_in_spanish(message, only_if_better=UNPLACED)
                    elif identified.language == SPANISH:
                        surely = language.surely_spanish(text, identified)
                        self._read_in_spanish(message, only_if_better=None if surely else top)
        return messages

    def spanish_nlp(self) -> Language:
        if self._spanish_nlp is None:
            self._spanish_nlp = spacy.load(Path(self._config["spanish_model"]))
        return self._spanish_nlp

    def _read_spanish_text(self, text: str) -> Doc:
        return self.spanish_nlp()(fold(text or ""))

    def _read_in_spanish(self, message: Message,
                         only_if_better: Dict[str, Any] | None = None) -> bool:
        """Reads the message with the Spanish pipeline and model, its concepts as entities;
        True when it did. `only_if_better`, the top intent read so far, stands unless the
        Spanish reading places the message elsewhere and with more confidence: when both agree
        ("thx", "ok"), the message cannot tell its language and the conversation's holds."""
        if SPANISH not in self._scorers:
            return False
        doc = self._read_spanish_text(message.get(TEXT))
        if only_if_better is not None:
            top = self._rank(normalise(doc), SPANISH)[0]
            if (top["name"] == only_if_better["name"]
                    or top["confidence"] < max(only_if_better["confidence"],
                                               self._config["unplaced_question_threshold"])):
                return False
        # What an English reading before this one decided no longer holds.
        for key in (TOPICS_KEY, FACT_TOPIC_KEY):
            if message.get(key) is not None:
                message.set(key, None, add_to_output=True)
        english_concepts = [entity for entity in message.get(ENTITIES, [])
                            if entity.get("extractor") != EXTRACTOR]
        message.set(ENTITIES, english_concepts + concept_entities(doc), add_to_output=True)
        message.set(LANGUAGE_KEY, SPANISH, add_to_output=True)
        self._read(message, doc, SPANISH)
        return True

    def _read(self, message: Message, doc: Doc, language_code: str) -> Dict[str, Any]:
        """Ranks the message, then applies what the ranking alone cannot know: a guess of
        emergency only adds a safety line, a question about her own result is declined with
        the general fact, and a message that asks several things gets each answer. Returns
        the top intent."""
        questions = question_sentences(doc)
        ranking = self._rank_message(doc, questions, language_code)
        message.set(RISK_SCORES_KEY, self._risk_scores(doc, ranking, language_code,
                                                       bool(message.get(RULE_FINDING_KEY))))
        ranking = [entry for entry in ranking if entry["name"] not in RISK_INTENTS]
        medical = content().topics
        top = ranking[0]
        personal = top["name"] == PERSONAL_DIAGNOSIS
        if personal or self._reader(doc, language_code).asks_about_herself(doc, questions):
            fact = next((entry["name"] for entry in ranking if entry["name"] in medical), None)
            if fact:
                message.set(FACT_TOPIC_KEY, fact, add_to_output=True)
            top = {"name": PERSONAL_DIAGNOSIS, "confidence": max(top["confidence"], 1.0)}
            ranking = [top] + [entry for entry in ranking if entry["name"] != PERSONAL_DIAGNOSIS]
        elif self._unplaced(doc, questions, top):
            top = {"name": NOT_COVERED, "confidence": 1.0}
            ranking = [top] + [entry for entry in ranking if entry["name"] != NOT_COVERED]
        else:
            topics = self._clause_topics(questions, language_code)
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
        return top

    def _risk_scores(self, doc: Doc, ranking: List[Dict[str, Any]], language_code: str,
                     found: bool) -> Dict[str, float]:
        """What SafetyDecision weighs. The peak over single sentences, which finds an
        emergency told beside a question, is computed only when the rules found something."""
        scores = {entry["name"]: entry["confidence"] for entry in ranking}
        emergency = scores.get(EMERGENCY, 0.0)
        peak = emergency
        if found:
            scorer = self._scorers[language_code]
            index = list(scorer.classes).index(EMERGENCY)
            parts: List[Doc | Span] = [doc, *doc.sents]
            peak = max(peak, *(float(scorer.probabilities(normalise(part))[index])
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

    def _reader(self, doc: Doc, language_code: str) -> PersonalReader:
        if language_code not in self._personal:
            self._personal[language_code] = PersonalReader(doc.vocab, PERSONAL_FILES[language_code])
        return self._personal[language_code]

    def _rank_message(self, doc: Doc, questions: List[Span],
                      language_code: str) -> List[Dict[str, Any]]:
        """Every intent with its probability; a story is scored mostly by what it asks."""
        scorer = self._scorers[language_code]
        whole = scorer.probabilities(normalise(doc))
        if len(questions) and len(list(doc.sents)) > 1:
            asked = scorer.probabilities(" ".join(normalise(q) for q in questions))
            weight = self._config["question_weight"]
            whole = weight * asked + (1 - weight) * whole
        pairs = sorted(zip(scorer.classes, whole, strict=True),
                       key=lambda pair: pair[1], reverse=True)
        return [{"name": str(name), "confidence": float(c)} for name, c in pairs]

    def _rank(self, text: str, language_code: str) -> List[Dict[str, Any]]:
        scorer = self._scorers[language_code]
        probabilities = scorer.probabilities(text)
        pairs = zip(scorer.classes, probabilities, strict=True)
        ranked = sorted(pairs, key=lambda pair: pair[1], reverse=True)
        return [
            {"name": str(name), "confidence": float(confidence)}
            for name, confidence in ranked[: self._config["ranking_length"]]
        ]

    def _clause_topics(self, questions: List[Span],
                       language_code: str) -> List[tuple[str, float]]:
        """Distinct confident topics of the questions in a message, in the order asked."""
        clauses = [clause for sentence in questions for clause in question_clauses(sentence)]
        if len(clauses) < 2:
            return []
        medical = content().topics
        topics: List[tuple[str, float]] = []
        for clause in clauses:
            best = self._rank(normalise(clause), language_code)[0]
            name, confidence = best["name"], best["confidence"]
            if (
                confidence >= self._config["clause_threshold"]
                and name in medical
                and name not in [seen for seen, _ in topics]
            ):
                topics.append((name, confidence))
        return topics
