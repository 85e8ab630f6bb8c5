"""The compiled scorer gives scikit-learn's probabilities, and refuses what it cannot copy."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.components.compiled_model import TOLERANCE, CompilationError, CompiledTextModel
from bot.components.topic_classifier import _build_model

TEXTS = [
    "what be C_calcification", "C_calcification meaning", "be C_cancer dangerous",
    "be they C_cancer", "do i need a C_biopsy", "when C_biopsy need", "hello there", "hi",
    "what C_cause them", "why do i have C_calcification",
]
LABELS = ["what", "what", "cancer", "cancer", "biopsy", "biopsy", "greet", "greet", "cause",
          "cause"]


def test_probabilities_match_scikit_learn_on_seen_and_unseen_text() -> None:
    model = _build_model({"C": 20.0, "random_seed": 42}).fit(TEXTS, LABELS)
    compiled = CompiledTextModel.from_pipeline(model)
    unseen = ["is it C_cancer", "biopsi when", "", "zzz qqq", "what C_cause C_cancer"]
    for text in TEXTS + unseen:
        assert np.allclose(compiled.probabilities(text), model.predict_proba([text])[0],
                           atol=TOLERANCE), text
    compiled.check_against(model, TEXTS + unseen)
    assert compiled.classes == [str(name) for name in model.classes_]


def test_check_against_notices_a_different_model() -> None:
    model = _build_model({"C": 20.0, "random_seed": 42}).fit(TEXTS, LABELS)
    other = _build_model({"C": 0.1, "random_seed": 42}).fit(TEXTS, LABELS)
    with pytest.raises(CompilationError):
        CompiledTextModel.from_pipeline(model).check_against(other, TEXTS)


def test_two_class_models_are_refused() -> None:
    model = _build_model({"C": 1.0, "random_seed": 42}).fit(TEXTS[:4], LABELS[:4])
    with pytest.raises(CompilationError):
        CompiledTextModel.from_pipeline(model)


def test_saved_and_loaded_it_scores_as_scikit_learn_does(tmp_path: Path) -> None:
    model = _build_model({"C": 20.0, "random_seed": 42}).fit(TEXTS, LABELS)
    CompiledTextModel.from_pipeline(model).save(tmp_path / "model.npz")
    loaded = CompiledTextModel.load(tmp_path / "model.npz")
    loaded.check_against(model, TEXTS + ["is it C_cancer", "biopsi when", "", "zzz qqq"])
    assert loaded.classes == [str(name) for name in model.classes_]


def test_a_vocabulary_it_could_not_store_is_refused() -> None:
    texts = [f"{text}\x00" for text in TEXTS]
    model = _build_model({"C": 20.0, "random_seed": 42}).fit(texts, LABELS)
    with pytest.raises(CompilationError, match="separator"):
        CompiledTextModel.from_pipeline(model)
