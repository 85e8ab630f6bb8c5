"""Chooses the FallbackClassifier threshold from 5-fold cross-validation on the training data.

A wrong answer misleads a worried patient; a "could you rephrase?" costs her one more message.
So each threshold is scored as correct answers minus WRONG_COST times wrong answers, over
confidences measured with the fallback switched off. Run with `make tune-fallback`.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "reports" / "tuning"
WRONG_COST = 3.0
THRESHOLDS = [round(0.05 * step, 2) for step in range(1, 15)]


def cross_validate() -> list[tuple[bool, float]]:
    """(correct, confidence) for every training example, predicted by a model that never saw it."""
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    config["pipeline"] = [
        step for step in config["pipeline"] if step["name"] != "FallbackClassifier"
    ]
    with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as handle:
        yaml.safe_dump(config, handle)
    subprocess.run(
        [sys.executable, "-m", "rasa", "test", "nlu", "--nlu", "data/nlu", "--config", handle.name,
         "--cross-validation", "--folds", "5", "--successes", "--no-plot", "--out", str(OUT)],
        cwd=ROOT, check=True,
    )
    results = []
    for name, correct in (("intent_successes.json", True), ("intent_errors.json", False)):
        path = OUT / name
        for item in json.loads(path.read_text()) if path.exists() else []:
            results.append((correct, float(item["intent_prediction"]["confidence"])))
    return results


def main() -> int:
    results = cross_validate()
    print(f"{'threshold':>9} {'answered':>8} {'right':>6} {'wrong':>6} {'score':>7}")
    best = None
    for threshold in THRESHOLDS:
        right = sum(1 for ok, c in results if ok and c >= threshold)
        wrong = sum(1 for ok, c in results if not ok and c >= threshold)
        score = right - WRONG_COST * wrong
        print(f"{threshold:>9} {right + wrong:>8} {right:>6} {wrong:>6} {score:>7.0f}")
        if best is None or score > best[1]:
            best = (threshold, score)
    print(f"best threshold: {best[0]} (set FallbackClassifier.threshold in config.yml)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
