"""Runs the MiniLM baseline in .venv-eval from the Rasa venv, through JSON files.

torch cannot live in the Rasa venv (Python 3.10 would pull a multi-GB CUDA build), so the
baseline runs under Python 3.11 in its own venv, built by `make .venv-eval/.installed`.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tools.stack import ROOT

EVAL_PYTHON = ROOT / ".venv-eval" / "bin" / "python"
SCRIPT = Path(__file__).with_name("embedding_baseline.py")
TIMEOUT_S = 1800


class EmbeddingError(RuntimeError):
    """The baseline could not run; the message says why and ends with its stderr."""


def run_embedding_baseline(
    train_texts: Sequence[str],
    train_labels: Sequence[str],
    test_texts: Sequence[str],
    work: Path,
    python: Path = EVAL_PYTHON,
) -> dict[str, Any]:
    """The script's JSON answer: one predicted label per test text, plus where the model was."""
    python = python.absolute()  # not resolve(): a venv's python is a symlink out of the venv
    if not python.exists():
        raise EmbeddingError(f"{python} is missing: run `make .venv-eval/.installed`")
    work.mkdir(parents=True, exist_ok=True)
    request, answer = work / "embedding_in.json", work / "embedding_out.json"
    answer.unlink(missing_ok=True)
    request.write_text(json.dumps({"train_texts": list(train_texts),
                                   "train_labels": list(train_labels),
                                   "test_texts": list(test_texts)}), encoding="utf-8")
    # Offline: the weights ship in the package; a hub lookup would only fail or hang here.
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    env.update({"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
                "TOKENIZERS_PARALLELISM": "false"})
    try:
        done = subprocess.run([str(python), str(SCRIPT), str(request), str(answer)], env=env,
                              cwd=work, capture_output=True, text=True, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired as error:
        raise EmbeddingError(f"no answer within {TIMEOUT_S} s") from error
    (work / "embedding.log").write_text(done.stdout + done.stderr, encoding="utf-8")
    if done.returncode != 0 or not answer.exists():
        raise EmbeddingError(f"exit {done.returncode}:\n{done.stderr[-3000:]}")
    result = json.loads(answer.read_text(encoding="utf-8"))
    if len(result.get("predictions", [])) != len(test_texts):
        raise EmbeddingError("the script returned a prediction count unlike the test count")
    return result
