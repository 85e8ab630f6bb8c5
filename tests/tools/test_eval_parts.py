"""The evaluation's readers, baselines and report, on small data made here (no servers)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tools import targets
from tools.eval import report
from tools.eval.assistant import topics_of
from tools.eval.cross_validation import CrossValidation, parse_fold_metrics, pooled_metrics
from tools.eval.data import (
    EvalDataError,
    Example,
    check_heldout,
    load_heldout,
    parse_nlu,
    plain_text,
    topic_contract,
)
from tools.eval.embedding_baseline import nearest
from tools.eval.metrics import NONE, Outcome, Share, SystemScores
from tools.eval.plots import confusion_png
from tools.eval.tfidf_baseline import nearest_labels


def test_parse_nlu_reads_both_example_forms_and_the_alternates() -> None:
    document = {"nlu": [
        {"intent": "causes", "examples": "- what causes them\n- why do [calcs](concept) form\n\n"},
        {"intent": "are_they_cancer", "examples": [
            {"text": "is it cancer"},
            {"text": "white spots, cancer?", "metadata": {"also": ["what_are_calcifications"]}},
        ]},
        {"synonym": "calcs", "examples": "- calcifications\n"},
    ]}
    assert parse_nlu(document) == [
        Example("what causes them", "causes"),
        Example("why do calcs form", "causes"),
        Example("is it cancer", "are_they_cancer"),
        Example("white spots, cancer?", "are_they_cancer", ("what_are_calcifications",)),
    ]
    assert parse_nlu(document)[3].acceptable == {"are_they_cancer", "what_are_calcifications"}


def test_plain_text_drops_entity_markup() -> None:
    assert plain_text('do [biopsies]{"entity": "procedure"} hurt') == "do biopsies hurt"
    assert plain_text("[micro](size:small) ones") == "micro ones"


def test_the_real_heldout_set_fits_the_topic_contract() -> None:
    contract = topic_contract()
    assert "emergency" in contract and "fallback" in contract and "follow_up" not in contract
    examples = load_heldout()
    assert len(examples) > 100
    check_heldout(examples, contract)
    with pytest.raises(EvalDataError, match="follow_up"):
        check_heldout([Example("and those?", "follow_up")], contract)


def test_tfidf_baseline_takes_the_label_of_the_nearest_example() -> None:
    train = ["what causes calcifications", "is it cancer", "hello there"]
    labels = ["causes", "are_they_cancer", "greeting"]
    assert nearest_labels(train, labels, ["could it be cancer", "hello", "zzz qqq"]) == [
        "are_they_cancer", "greeting", NONE]
    assert nearest_labels(train, labels, []) == []
    with pytest.raises(ValueError):
        nearest_labels(train, labels[:2], ["x"])


def test_embedding_nearest_uses_cosine_not_length() -> None:
    train = np.array([[10.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    test = np.array([[0.1, 0.0], [0.2, 0.3], [0.0, 5.0]])
    indices, similarities = nearest(train, test)
    assert indices == [0, 2, 1]
    assert similarities[0] == pytest.approx(1.0)
    assert similarities[1] == pytest.approx((0.2 + 0.3) / (np.sqrt(0.13) * np.sqrt(2)))
    with pytest.raises(ValueError):
        nearest(train, np.array([[1.0, 2.0, 3.0]]))


def test_topics_of_reads_every_custom_topic_in_order() -> None:
    messages = [{"text": "Hi"}, {"custom": {"topic": "causes", "source": {}}},
                {"text": "x", "custom": {"topic": "dietary_calcium"}}, {"custom": {}}]
    assert topics_of(messages) == ("causes", "dietary_calcium")


RASA_LOG = """\
2026-11-25 10:26:49 INFO     rasa.nlu.test  - Accumulated test folds intent evaluation results:
2026-11-25 10:26:49 INFO     rasa.model_testing  - CV evaluation (n=5)
2026-11-25 10:26:49 INFO     rasa.model_testing  - Intent evaluation results
2026-11-25 10:26:49 INFO     rasa.nlu.test  - train Accuracy: 0.994 (0.001)
2026-11-25 10:26:49 INFO     rasa.nlu.test  - train F1-score: 0.997 (0.000)
2026-11-25 10:26:49 INFO     rasa.nlu.test  - test Accuracy: 0.815 (0.026)
2026-11-25 10:26:49 INFO     rasa.nlu.test  - test F1-score: 0.810 (0.027)
2026-11-25 10:26:49 INFO     rasa.nlu.test  - test Precision: 0.836 (0.026)
2026-11-25 10:26:49 INFO     rasa.model_testing  - Entity evaluation results
2026-11-25 10:26:49 INFO     rasa.nlu.test  - Entity extractor: ConceptExtractor
2026-11-25 10:26:49 INFO     rasa.nlu.test  - test Accuracy: 0.111 (0.222)
"""


def test_cv_log_parser_keeps_the_intent_section_only() -> None:
    parsed = parse_fold_metrics(RASA_LOG)
    assert parsed["test"] == {"Accuracy": (0.815, 0.026), "F1-score": (0.810, 0.027),
                              "Precision": (0.836, 0.026)}
    assert parsed["train"]["Accuracy"] == (0.994, 0.001)
    assert parse_fold_metrics("nothing here") == {}


def test_pooled_metrics_read_rasas_intent_report() -> None:
    pooled = pooled_metrics({"accuracy": 0.8, "weighted avg": {"f1-score": 0.79, "support": 9},
                             "causes": {"f1-score": 0.1}})
    assert pooled == {"accuracy": 0.8, "weighted avg f1-score": 0.79}


def system(name: str, right: int, wrong: int, emergency_missed: bool = False,
           provider: Share | None = None) -> SystemScores:
    outcomes = [Outcome(f"q{i}", "causes", frozenset({"causes"}), ("causes",))
                for i in range(right)]
    outcomes += [Outcome(f"w{i}", "causes", frozenset({"causes"}), ("greeting",))
                 for i in range(wrong)]
    outcomes.append(Outcome("help", "emergency", frozenset({"emergency"}),
                            ("fallback",) if emergency_missed else ("emergency",)))
    return SystemScores(name, outcomes, ["causes", "greeting", "emergency", "fallback"], provider)


def test_checks_mark_each_target_met_or_not() -> None:
    systems = {"assistant": system("assistant", 99, 0, provider=Share(10, 10)),
               "tfidf": system("tfidf", 80, 19), "minilm": system("minilm", 99, 0)}
    found = {check.name: check.status for check in report.checks(systems)}
    assert list(found.values()) == [targets.MET, targets.NOT_MET, targets.MET, targets.MET]

    systems["assistant"] = system("assistant", 90, 9, emergency_missed=True,
                                  provider=Share(9, 10))
    systems["minilm"] = None
    found = {check.name: check.status for check in report.checks(systems)}
    assert list(found.values()) == [targets.NOT_MET, targets.NOT_MEASURED, targets.NOT_MET,
                                    targets.NOT_MET]


def test_summary_shows_the_three_systems_cv_and_targets(tmp_path: Path) -> None:
    systems = {"assistant": system("assistant", 9, 1, provider=Share(10, 10)),
               "tfidf": system("tfidf", 5, 5), "minilm": None}
    cv = CrossValidation(5, {"test": {"Accuracy": (0.8, 0.02)}}, {"accuracy": 0.81})
    info = {"machine": report.machine_info(), "labels": ["causes", "greeting", "emergency"],
            "heldout": "tests/eval/heldout.yml", "heldout_count": 11, "training_count": 30,
            "wall_s": 12.0, "files": ["summary.md"]}
    text = report.render_summary(systems, {"minilm": "EmbeddingError: missing"}, cv, info)
    for needle in ("Assistant (Rasa, end to end)", "TF-IDF nearest example", "| failed |",
                   "0.909 (10/11)", "0.800 ± 0.020", "emergency recall", "**not met**",
                   "nproc", "- minilm: EmbeddingError: missing", "| w0 | causes | greeting |"):
        assert needle in text, needle
    report.write_json(tmp_path / "results.json", systems, {}, cv, info)
    assert (tmp_path / "results.json").read_text().startswith("{")


def test_confusion_png_is_written(tmp_path: Path) -> None:
    path = confusion_png([[3, 1], [0, 2]], ["causes", NONE], tmp_path / "m.png", "test")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
