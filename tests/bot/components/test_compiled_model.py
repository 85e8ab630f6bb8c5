"""The compiled scorer gives scikit-learn's probabilities, and refuses what it cannot copy."""

from __future__ import annotations

import json
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


def test_fit_gives_the_compiled_copy_of_the_pipeline_it_fitted() -> None:
    pipeline = _build_model({"C": 20.0, "random_seed": 42})
    compiled = CompiledTextModel.fit(pipeline, TEXTS, LABELS)
    reference = _build_model({"C": 20.0, "random_seed": 42}).fit(TEXTS, LABELS)
    compiled.check_against(reference, TEXTS + ["is it C_cancer", "biopsi when"])


def _saved(tmp_path: Path) -> Path:
    model = _build_model({"C": 20.0, "random_seed": 42}).fit(TEXTS, LABELS)
    CompiledTextModel.from_pipeline(model).save(tmp_path / "model.npz")
    return tmp_path / "model.npz"


def _rewritten(path: Path, **changes: np.ndarray) -> Path:
    with np.load(path, allow_pickle=False) as stored:
        arrays = {name: stored[name] for name in stored.files}
    arrays.update(changes)
    arrays = {name: array for name, array in arrays.items() if array is not None}
    with path.open("wb") as file:
        np.savez(file, **arrays)
    return path


def test_a_model_stored_in_another_format_is_refused_by_name(tmp_path: Path) -> None:
    path = _saved(tmp_path)
    with np.load(path, allow_pickle=False) as stored:
        meta = json.loads(str(stored["meta"]))
    _rewritten(path, meta=np.array(json.dumps({**meta, "format": 2})))
    with pytest.raises(CompilationError, match="stored in format 2"):
        CompiledTextModel.load(path)


def test_a_damaged_file_is_reported_as_such(tmp_path: Path) -> None:
    with pytest.raises(CompilationError, match="not a stored text model"):
        CompiledTextModel.load(_rewritten(_saved(tmp_path), idf0=None))
    (tmp_path / "text.npz").write_text("not arrays at all")
    with pytest.raises(CompilationError, match="not a stored text model"):
        CompiledTextModel.load(tmp_path / "text.npz")
    (tmp_path / "cut").mkdir()
    cut = _saved(tmp_path / "cut")
    cut.write_bytes(cut.read_bytes()[: cut.stat().st_size // 2])
    with pytest.raises(CompilationError, match="not a stored text model"):
        CompiledTextModel.load(cut)


def test_weights_that_do_not_fit_the_vocabulary_are_refused_by_shape(tmp_path: Path) -> None:
    path = _saved(tmp_path)
    with np.load(path, allow_pickle=False) as stored:
        weights = stored["weights"]
    with pytest.raises(CompilationError, match="do not fit"):
        CompiledTextModel.load(_rewritten(path, weights=weights[1:]))


def test_a_loaded_model_is_not_saved_again(tmp_path: Path) -> None:
    loaded = CompiledTextModel.load(_saved(tmp_path))
    with pytest.raises(CompilationError, match="no vocabulary text"):
        loaded.save(tmp_path / "again.npz")
