"""`python -m tools.eval`: baselines, the assistant end to end, cross-validation, report.

Order: the two baselines (cheap, nothing served), then the assistant alone on its stack, then
cross-validation. A step that fails is reported and the others still run; the exit status is 1
only if something could not run (a low score is a finding, not a failure: this is a report).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from tools.eval import data, languages, patient_sets, report
from tools.eval.assistant import run_assistant
from tools.eval.cross_validation import FOLDS, CrossValidation, run_cross_validation
from tools.eval.embedding_runner import EVAL_PYTHON, run_embedding_baseline
from tools.eval.metrics import NONE, Outcome, SystemScores, provider_line_share
from tools.eval.plots import confusion_png
from tools.eval.tfidf_baseline import nearest_labels
from tools.stack import ROOT

DEFAULT_OUT = ROOT / "reports" / "eval"
WORK = ROOT / "build" / "eval"


def say(message: str) -> None:
    print(f"[eval] {message}", file=sys.stderr, flush=True)


def outcomes_from(examples: Sequence[data.Example], returned: Sequence[Sequence[str]]
                  ) -> list[Outcome]:
    """Pairs each held-out example with the labels a system returned for it."""
    return [Outcome(example.text, example.intent, example.acceptable, tuple(labels))
            for example, labels in zip(examples, returned, strict=True)]


def single(labels: Sequence[str]) -> list[tuple[str, ...]]:
    """A baseline's one label per question as a reply's topic list (NONE means no topic)."""
    return [() if label == NONE else (label,) for label in labels]


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tools.eval", description=__doc__)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="report folder")
    parser.add_argument("--heldout", type=Path, default=data.HELDOUT, help="held-out NLU file")
    parser.add_argument("--embedding-python", type=Path, default=EVAL_PYTHON,
                        help="python of .venv-eval (default %(default)s)")
    parser.add_argument("--folds", type=int, default=FOLDS, help="cross-validation folds")
    parser.add_argument("--no-cv", action="store_true", help="skip the cross-validation")
    parser.add_argument("--skip", default="",
                        help="comma-separated systems to leave out: assistant,tfidf,minilm")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Runs every step, writes the report and returns the exit status."""
    args = parse_args(argv)
    started = time.monotonic()
    skip = {name.strip() for name in args.skip.split(",") if name.strip()}
    unknown = skip - set(report.SYSTEMS)
    if unknown:
        raise SystemExit(f"unknown systems: {sorted(unknown)}")

    labels = data.topic_contract()
    heldout = data.load_heldout(args.heldout)
    data.check_heldout(heldout, labels)
    training = data.load_training()
    texts = [example.text for example in heldout]
    train_texts = [example.text for example in training]
    train_labels = [example.intent for example in training]
    say(f"{len(heldout)} held-out questions, {len(training)} training examples, "
        f"{len(labels)} topics")

    shutil.rmtree(args.out, ignore_errors=True)
    args.out.mkdir(parents=True)
    WORK.mkdir(parents=True, exist_ok=True)
    systems: dict[str, SystemScores | None] = {key: None for key in report.SYSTEMS}
    errors: dict[str, str] = {}
    timings: dict[str, float] = {}
    extra: dict[str, Any] = {}

    if "tfidf" not in skip:
        step = time.monotonic()
        try:
            predicted = nearest_labels(train_texts, train_labels, texts)
            systems["tfidf"] = SystemScores("tfidf", outcomes_from(heldout, single(predicted)),
                                            labels)
        except Exception as error:  # reported; the other steps still run
            errors["tfidf"] = f"{type(error).__name__}: {error}"
        timings["tfidf_s"] = time.monotonic() - step
        say(f"TF-IDF baseline: {timings['tfidf_s']:.1f} s")

    if "minilm" not in skip:
        step = time.monotonic()
        try:
            answer = run_embedding_baseline(train_texts, train_labels, texts, WORK,
                                            args.embedding_python)
            systems["minilm"] = SystemScores(
                "minilm", outcomes_from(heldout, single(answer["predictions"])), labels)
            extra["minilm"] = {key: answer.get(key)
                               for key in ("model_dir", "package_version", "seconds")}
        except Exception as error:
            errors["minilm"] = f"{type(error).__name__}: {error}"
        timings["minilm_s"] = time.monotonic() - step
        say(f"MiniLM baseline: {timings['minilm_s']:.1f} s")

    safety_sets = {split: patient_sets.load_safety(split) for split in patient_sets.SPLITS}
    story_sets = {split: patient_sets.load_narrative(split) for split in patient_sets.SPLITS}
    spanish_sets = {split: patient_sets.load_spanish_safety(split)
                    for split in patient_sets.SPLITS}
    safety: dict[str, patient_sets.SafetyScores] = {}
    spanish_safety: dict[str, patient_sets.SafetyScores] = {}
    spanish_routing: dict[str, languages.SpanishRouting] = {}
    narrative: dict[str, patient_sets.NarrativeScores] = {}
    if "assistant" not in skip:
        step = time.monotonic()
        try:
            from bot.content import content
            from bot.contract import SPANISH
            from bot.settings import settings

            shutil.rmtree(WORK / "stack", ignore_errors=True)
            extra_texts = [item.text for split in patient_sets.SPLITS
                           for item in (*safety_sets[split], *story_sets[split],
                                        *spanish_sets[split])]
            replies, served = run_assistant([*texts, *extra_texts], WORK / "stack")
            seen = iter(patient_sets.Seen.of(reply.messages) for reply in replies[len(texts):])
            for split in patient_sets.SPLITS:
                safety[split] = patient_sets.SafetyScores(
                    safety_sets[split], [next(seen) for _ in safety_sets[split]],
                    settings().crisis_line, settings().emergency_number)
                narrative[split] = patient_sets.NarrativeScores(
                    story_sets[split], [next(seen) for _ in story_sets[split]])
                spanish_seen = [next(seen) for _ in spanish_sets[split]]
                spanish_safety[split] = patient_sets.SafetyScores(
                    spanish_sets[split], spanish_seen,
                    settings().crisis_line, settings().emergency_number)
                # The Spanish questions are among the Spanish safety set's near-misses.
                by_text = {item.text: one for item, one in zip(spanish_sets[split],
                                                               spanish_seen, strict=True)}
                questions = languages.load_spanish_questions(split)
                spanish_urls = {topic.source.url for topic in content(SPANISH).topics.values()}
                spanish_routing[split] = languages.score_routing(
                    questions, [by_text[q.text] for q in questions], spanish_urls)
            replies = replies[: len(texts)]
            failed = [(text, reply.error) for text, reply in zip(texts, replies, strict=True)
                      if reply.error]
            line = content().provider_line
            systems["assistant"] = SystemScores(
                "assistant", outcomes_from(heldout, [reply.topics for reply in replies]), labels,
                provider=provider_line_share(
                    ((reply.topics, line in reply.text) for reply in replies),
                    content().needs_provider_line))
            extra["assistant"] = {**served, "request_errors": len(failed)}
            if failed:
                errors["assistant requests"] = (f"{len(failed)} of {len(texts)} requests failed, "
                                                f"e.g. {failed[:3]}")
        except Exception as error:
            errors["assistant"] = f"{type(error).__name__}: {error}"
        timings["assistant_s"] = time.monotonic() - step
        say(f"assistant: {timings['assistant_s']:.1f} s")

    cv: CrossValidation | None = None
    if not args.no_cv:
        step = time.monotonic()
        say(f"cross-validation ({args.folds} folds)…")
        try:
            cv = run_cross_validation(args.out / "cross_validation", args.folds)
        except Exception as error:
            errors["cross_validation"] = f"{type(error).__name__}: {error}"
        timings["cross_validation_s"] = time.monotonic() - step
        say(f"cross-validation: {timings['cross_validation_s']:.1f} s")

    files = ["summary.md", "results.json"]
    for key, scores in systems.items():
        if scores is None:
            continue
        try:
            name = f"confusion_{key}.png"
            confusion_png(scores.matrix, scores.matrix_labels, args.out / name,
                          f"{report.SYSTEMS[key]}: held-out questions")
            files.append(name)
        except Exception as error:
            errors[f"plot {key}"] = f"{type(error).__name__}: {error}"
    for split, scores in safety.items():
        try:
            name = f"confusion_safety_{split}.png"
            confusion_png(scores.matrix(), patient_sets.EXPECTED, args.out / name,
                          f"Assistant: safety messages, {split} split",
                          columns=patient_sets.OUTCOMES, xlabel="what the patient got",
                          ylabel="what the message is")
            files.append(name)
        except Exception as error:
            errors[f"plot safety {split}"] = f"{type(error).__name__}: {error}"
    if cv is not None:
        files.append("cross_validation/ (rasa test nlu output and log)")

    info = {
        "machine": report.machine_info(),
        "labels": labels,
        "heldout": str(args.heldout.relative_to(ROOT) if args.heldout.is_relative_to(ROOT)
                       else args.heldout),
        "heldout_count": len(heldout),
        "safety_counts": {split: len(items) for split, items in safety_sets.items()},
        "narrative_counts": {split: len(items) for split, items in story_sets.items()},
        "training_count": len(training),
        "timings": timings,
        "systems": extra,
        "files": files,
        "wall_s": time.monotonic() - started,
    }
    english = [*texts, *(item.text for items in safety_sets.values() for item in items)]
    language_rows = languages.score(
        english, {split: languages.load_spanish(split) for split in patient_sets.SPLITS})
    info["languages"] = [asdict(row) for row in language_rows]
    (args.out / "summary.md").write_text(
        report.render_summary(systems, errors, cv, info, safety, narrative)
        + "\n" + "\n".join(languages.table(language_rows))
        + "\n\n" + "\n".join(languages.routing_table(spanish_routing))
        + "\n\n" + "\n".join(languages.safety_table(spanish_safety)) + "\n", encoding="utf-8")
    report.write_json(args.out / "results.json", systems, errors, cv, info, safety, narrative)
    print(report.console_summary(systems, errors, cv, safety, narrative))
    print("\n" + "\n".join(languages.table(language_rows)))
    print("\n" + "\n".join(languages.routing_table(spanish_routing)))
    print("\n" + "\n".join(languages.safety_table(spanish_safety)))
    print(f"\nReport: {args.out / 'summary.md'} (wall time {info['wall_s']:.0f} s)")
    for name, error in errors.items():
        say(f"FAILED {name}: {error.splitlines()[0] if error else ''}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
