"""LearnedRisk: a model trained on the writers' corpus, persisted with the Rasa model and
loaded back to score messages the same way."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.learned_risk import (
    LABELS,
    LEARNED_RISK_KEY,
    MIN_KIND_EXAMPLES,
    LearnedRisk,
    load_corpus,
)

ROOT = Path(__file__).resolve().parents[3]
PHYSICAL_KINDS = {"bleeding", "breathing", "chest_pain", "fainting", "infection",
                  "allergic_reaction", "overdose"}


def test_the_corpus_teaches_every_physical_kind_in_both_languages() -> None:
    corpus = load_corpus(ROOT / "data" / "writers")
    assert corpus.kinds == PHYSICAL_KINDS
    assert set(corpus.labels) == set(LABELS)
    assert len(corpus.texts) == len(set(corpus.texts)) > 5000
    languages = [yaml.safe_load(path.read_text(encoding="utf-8"))["language"]
                 for path in (ROOT / "data" / "writers").glob("*.yml")]
    assert {"en", "es"} <= set(languages)


def _write(directory: Path, messages: list[dict[str, str]]) -> None:
    directory.mkdir()
    (directory / "w1.yml").write_text(
        yaml.safe_dump({"writer": "w1", "language": "en", "messages": messages}),
        encoding="utf-8")


def test_an_unknown_label_is_refused(tmp_path: Path) -> None:
    _write(tmp_path / "corpus", [{"text": "help", "expect": "urgent", "kind": "bleeding"}])
    with pytest.raises(ValueError, match="unknown label"):
        load_corpus(tmp_path / "corpus")


def test_trained_persisted_and_loaded_it_reads_what_it_learned(tmp_path: Path) -> None:
    emergencies = [f"I am bleeding through the bandage number {i} and it will not stop"
                   for i in range(MIN_KIND_EXAMPLES)]
    crises = [f"I have saved up my pills, goodbye to all {i} of you" for i in range(20)]
    questions = [f"what do calcifications look like on mammogram {i}" for i in range(60)]
    _write(tmp_path / "corpus",
           [{"text": t, "expect": "emergency", "kind": "bleeding"} for t in emergencies]
           + [{"text": t, "expect": "self_harm", "kind": "general"} for t in crises]
           + [{"text": t, "expect": "not_emergency", "kind": "general"} for t in questions])
    config = {**LearnedRisk.get_default_config(), "corpus": str(tmp_path / "corpus")}
    (tmp_path / "model").mkdir()
    storage = LocalModelStorage(tmp_path / "model")
    resource = Resource("learned_risk")
    context = ExecutionContext(GraphSchema({}))
    LearnedRisk.create(config, storage, resource, context).train(TrainingData())
    loaded = LearnedRisk.load(config, storage, resource, context)

    messages = [Message(data={TEXT: text}) for text in (
        "the bandage is bleeding and it will not stop", "goodbye, I saved my pills",
        "what do calcifications look like")]
    loaded.process(messages)
    bleeding, crisis, question = (message.get(LEARNED_RISK_KEY) for message in messages)
    assert bleeding.kinds == frozenset({"bleeding"})
    assert bleeding.emergency > max(bleeding.self_harm, bleeding.not_emergency)
    assert crisis.self_harm > max(crisis.emergency, crisis.not_emergency)
    assert question.not_emergency > max(question.emergency, question.self_harm)
    assert question.rules_out("bleeding", 0.5) and not question.rules_out("fainting", 0.5)
