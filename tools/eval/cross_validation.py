"""5-fold cross-validation of the NLU pipeline on the training data, via `rasa test nlu`.

The held-out set says how the whole assistant does on new wording; cross-validation says how
stable the NLU pipeline is across splits of its own data. `follow_up` examples count as errors
whenever they are not predicted as follow_up, although the action resolves many of them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tools.stack import ROOT

FOLDS = 5
TIMEOUT_S = 3600
_FOLD_LINE = re.compile(
    r"\b(train|test) (Accuracy|F1-score|Precision): (\d+(?:\.\d+)?|nan) \((\d+(?:\.\d+)?|nan)\)"
)
_SECTIONS = ("Intent evaluation results", "Entity evaluation results",
             "Response Selection evaluation results")


class CrossValidationError(RuntimeError):
    """`rasa test nlu --cross-validation` failed or logged no intent results."""


@dataclass
class CrossValidation:
    """Per-fold intent metrics as mean and std, and the pooled report of all test folds."""

    folds: int
    # {"test": {"Accuracy": (mean, std), ...}, "train": {...}}
    folds_summary: dict[str, dict[str, tuple[float, float]]]
    pooled: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0
    out: str = ""


def parse_fold_metrics(log: str) -> dict[str, dict[str, tuple[float, float]]]:
    """The "test Accuracy: 0.950 (0.012)" lines of the intent section of Rasa's log.

    Entity results use the same wording, so lines after "Entity evaluation results" (or the
    response-selection header) are ignored.
    """
    found: dict[str, dict[str, tuple[float, float]]] = {}
    in_intents = False
    for line in log.splitlines():
        header = next((name for name in _SECTIONS if name in line), None)
        if header:
            in_intents = header == _SECTIONS[0] and "Accumulated" not in line
            continue
        match = _FOLD_LINE.search(line) if in_intents else None
        if match:
            split, metric, mean, std = match.groups()
            found.setdefault(split, {})[metric] = (float(mean), float(std))
    return found


def pooled_metrics(report: dict[str, Any]) -> dict[str, float]:
    """Accuracy and averaged F1/precision of all test folds pooled (Rasa's intent_report.json)."""
    out: dict[str, float] = {}
    if isinstance(report.get("accuracy"), (int, float)):
        out["accuracy"] = float(report["accuracy"])
    for average in ("macro avg", "weighted avg"):
        for metric in ("precision", "recall", "f1-score"):
            value = (report.get(average) or {}).get(metric)
            if isinstance(value, (int, float)):
                out[f"{average} {metric}"] = float(value)
    return out


def run_cross_validation(out: Path, folds: int = FOLDS, python: str = sys.executable
                         ) -> CrossValidation:
    """Runs Rasa's cross-validation into `out` (cleared first) and reads its figures."""
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    # The English examples only: Rasa's folds lose the intent metadata that sends the Spanish
    # ones (data/nlu/es/) to the Spanish model, and the figure stays comparable with earlier runs.
    english = out / "nlu"
    english.mkdir()
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")):
        shutil.copy(path, english / path.name)
    command = [python, "-m", "rasa", "test", "nlu", "--nlu", str(english), "--config", "config.yml",
               "--cross-validation", "--folds", str(folds), "--out", str(out), "--no-plot"]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RASA_TELEMETRY_ENABLED": "false",
           "TF_CPP_MIN_LOG_LEVEL": "2"}
    log_path = out / "rasa_test_nlu.log"
    started = time.monotonic()
    with log_path.open("w", encoding="utf-8") as log:
        try:
            done = subprocess.run(command, cwd=ROOT, env=env, stdout=log,
                                  stderr=subprocess.STDOUT, timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired as error:
            raise CrossValidationError(f"no result within {TIMEOUT_S} s; see {log_path}") \
                from error
    seconds = time.monotonic() - started
    text = log_path.read_text(encoding="utf-8", errors="replace")
    if done.returncode != 0:
        raise CrossValidationError(f"exit {done.returncode}; see {log_path}:\n{text[-3000:]}")
    summary = parse_fold_metrics(text)
    if "test" not in summary:
        raise CrossValidationError(f"no intent results in {log_path}:\n{text[-3000:]}")
    report_path = out / "intent_report.json"
    pooled = pooled_metrics(json.loads(report_path.read_text())) if report_path.exists() else {}
    return CrossValidation(folds, summary, pooled, seconds, str(out))
