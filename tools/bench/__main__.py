"""`python -m tools.bench`: trains, serves and loads the three targets one after another.

Order: both trainings first (nothing else running), then each target alone: start it, one
untimed warm-up conversation, the scenarios (ours: then one 300-message conversation), read
peak RSS, stop it. A step that fails is
reported and the others still run; the exit status is 1 only if something could not run.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from tools.bench import ours, report, stock
from tools.bench.echo import running_echo
from tools.bench.load import (
    Scenario,
    assistant_conversations,
    run_scenario,
    stock_conversations,
)
from tools.bench.long import run_long_conversation
from tools.bench.procs import BenchError, Served, machine_info
from tools.stack import MODEL, ROOT, StackError, exit_cleanly_on_sigterm

BUILD = ROOT / "build" / "bench"
LOGS = BUILD / "logs"
RUNS = BUILD / "run"
DEFAULT_OUT = ROOT / "reports" / "bench"
TIME_CAP_S = 40.0


def scenarios(quick: bool, time_cap_s: float) -> tuple[Scenario, ...]:
    """One patient at a time, then 8 and 32 at once; --quick is a short check of the tool."""
    if quick:
        return (Scenario("1 at a time", 1, 2, time_cap_s), Scenario("8 at once", 8, 8, time_cap_s),
                Scenario("32 at once", 32, 32, time_cap_s))
    return (Scenario("1 at a time", 1, 40, time_cap_s), Scenario("8 at once", 8, 64, time_cap_s),
            Scenario("32 at once", 32, 64, time_cap_s))


def say(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def measure(
    name: str,
    start: Callable[[], AbstractContextManager[Served]],
    conversations: Sequence[Sequence[str]],
    plan: Sequence[Scenario],
    long_conversation: bool = False,
) -> dict[str, Any]:
    """Starts one target, warms it up, runs every scenario (and the long conversation) and
    reads its peak RSS."""
    say(f"{name}: starting")
    with start() as served:
        say(f"{name}: up in {served.start_seconds:.1f} s at {served.url}")
        warm = run_scenario(served.url, Scenario("warm-up", 1, 1, 60), conversations,
                            label=f"{name}-warm")
        if warm.stats.errors:
            say(f"{name}: warm-up errors: {warm.error_samples}")
        runs = []
        for scenario in plan:
            result = run_scenario(served.url, scenario, conversations, label=name)
            stats = result.stats
            say(f"{name}: {scenario.name}: {stats.messages} answered, {stats.errors} errors, "
                f"median {stats.median_ms or 0:.1f} ms, {stats.messages_per_s:.1f} msg/s, "
                f"{result.wall_s:.1f} s" + (" (time cap)" if result.capped else ""))
            if result.error_samples:
                say(f"{name}: errors, e.g. {result.error_samples[:2]}")
            runs.append(result.as_dict())
        long = run_long_conversation(served.url) if long_conversation else None
        if long is not None:
            say(f"{name}: long conversation: {long['answered']} answered, window medians "
                + ", ".join(f"{k}: {v:.1f} ms" for k, v in long["window_medians_ms"].items()
                            if k in (1, 101, 201, 291)))
        peak = served.peak_rss_mb()
        server = "rasa" if "rasa" in served.pids else "server"
        total_pss = served.total_pss_mb(server)
    return {"url": served.url, "start_s": served.start_seconds, "peak_rss_mb": peak,
            "server_pss_mb_after_load": total_pss,
            "pids": served.pids, "log": str(served.log), "scenarios": runs,
            "long_conversation": long, **served.extra}


def fresh(path: Path) -> Path:
    """An empty working folder under build/bench/run (old trackers would skew the store)."""
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tools.bench", description=__doc__)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="report folder")
    parser.add_argument("--seed", type=int, default=7, help="seed for the conversations")
    parser.add_argument("--time-cap", type=float, default=TIME_CAP_S,
                        help="most seconds a scenario may run (default %(default)s)")
    parser.add_argument("--quick", action="store_true",
                        help="few conversations per scenario: checks the tool, not the speed")
    parser.add_argument("--no-train", action="store_true",
                        help="skip both training timings (the stock project is still created)")
    parser.add_argument("--targets", default="ours,stock,echo",
                        help="comma-separated subset of ours,stock,echo")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the benchmark, writes the report and returns the exit status."""
    args = parse_args(argv)
    exit_cleanly_on_sigterm()
    started = time.monotonic()
    targets = [name.strip() for name in args.targets.split(",") if name.strip()]
    unknown = set(targets) - set(report.TARGETS)
    if unknown:
        raise SystemExit(f"unknown targets: {sorted(unknown)}")
    plan = scenarios(args.quick, args.time_cap)
    results: dict[str, Any] = {
        "machine": machine_info(),
        "config": {"seed": args.seed, "quick": args.quick, "model": str(MODEL),
                   "scenarios": [s.__dict__ for s in plan]},
        "training_s": {},
        "targets": {},
        "errors": {},
    }
    LOGS.mkdir(parents=True, exist_ok=True)
    needed = max(s.conversations for s in plan)
    ours_talk = assistant_conversations(needed, args.seed)
    stock_talk = stock_conversations(needed, args.seed)

    def attempt(step: str, action: Callable[[], Any]) -> Any:
        try:
            return action()
        except (BenchError, StackError, OSError) as error:
            say(f"{step} failed: {error}")
            results["errors"][step] = str(error).splitlines()[0]
            return None

    if "ours" in targets and not args.no_train:
        say("timing `rasa train --force` of our model (log: build/bench/logs/ours-train.log)")
        results["training_s"]["ours"] = attempt("training ours", lambda: ours.train(LOGS))
    stock_ready = False
    if "stock" in targets:
        say(f"stock project: {stock.STOCK_DIR}")
        created = attempt("creating the stock project",
                          lambda: stock.ensure_project(stock.STOCK_DIR, LOGS))
        stock_ready = created is not None
        results["config"]["stock_project_created"] = bool(created)
        if stock_ready and not args.no_train:
            say("timing `rasa train --force` of the stock project (log: stock-train.log)")
            results["training_s"]["stock"] = attempt(
                "training stock", lambda: stock.train(stock.STOCK_DIR, LOGS))

    if "ours" in targets:
        results["targets"]["ours"] = attempt("serving ours", lambda: measure(
            "ours", lambda: ours.running_ours(fresh(RUNS / "ours")), ours_talk, plan,
            long_conversation=not args.quick))
    if "stock" in targets and stock_ready:
        results["targets"]["stock"] = attempt("serving stock", lambda: measure(
            "stock", lambda: stock.running_stock(stock.STOCK_DIR, fresh(RUNS / "stock")),
            stock_talk, plan))
    if "echo" in targets:
        results["targets"]["echo"] = attempt("serving echo", lambda: measure(
            "echo", lambda: running_echo(fresh(RUNS / "echo")), ours_talk, plan))
    for name in targets:
        results["targets"].setdefault(name, None)

    results["wall_s"] = time.monotonic() - started
    summary, raw = report.write(results, args.out)
    print(summary.read_text(encoding="utf-8"))
    say(f"report: {summary.relative_to(ROOT) if summary.is_relative_to(ROOT) else summary}, "
        f"raw figures: {raw.name}; whole run {results['wall_s']:.0f} s")
    return 1 if results["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
