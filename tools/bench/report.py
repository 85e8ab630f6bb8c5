"""The benchmark report: every figure of the three targets side by side, the ratios, and
whether the assistant meets its speed and size targets (reports/bench/summary.md, results.json).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tools.targets import Check, status

TARGETS = {"ours": "Our assistant", "stock": "Stock `rasa init`", "echo": "Sanic echo"}

# The targets the issue sets for the assistant.
MIN_THROUGHPUT_RATIO_32 = 5.0
MAX_MEDIAN_RATIO_1 = 0.5
MAX_RASA_RSS_MB = 700.0
MAX_WHOLE_SERVER_MB = 450.0
MAX_TRAINING_S = 60.0
MAX_LONG_CONVERSATION_RATIO = 1.5

def scenario_stats(results: dict[str, Any], target: str, concurrency: int) -> dict | None:
    """The stats of `target` in the scenario with that many conversations at once, if run."""
    for scenario in (results["targets"].get(target) or {}).get("scenarios", []):
        if scenario["scenario"]["concurrency"] == concurrency:
            return scenario["stats"]
    return None


def _ratio(ours: float | None, stock: float | None) -> float | None:
    if ours is None or stock is None or stock == 0:
        return None
    return ours / stock


def ratios(results: dict[str, Any]) -> dict[str, float | None]:
    """Ours / stock: throughput at 32 at once (higher is better), single-user median latency
    (lower is better)."""
    ours32, stock32 = scenario_stats(results, "ours", 32), scenario_stats(results, "stock", 32)
    ours1, stock1 = scenario_stats(results, "ours", 1), scenario_stats(results, "stock", 1)
    return {
        "throughput_32_ours_over_stock": _ratio(
            ours32 and ours32["messages_per_s"], stock32 and stock32["messages_per_s"]),
        "median_1_ours_over_stock": _ratio(
            ours1 and ours1["median_ms"], stock1 and stock1["median_ms"]),
    }


def _check(name: str, threshold: str, value: float | None, ok: Callable[[float], bool],
           measured: Callable[[float], str]) -> Check:
    if value is None:
        return Check(name, "-", status(None), threshold)
    return Check(name, measured(value), status(ok(value)), threshold)


def largest_rss(target: dict[str, Any], process: str) -> float | None:
    """Peak RSS of a server: of its largest process when it runs worker processes."""
    peaks = [peak for name, peak in (target.get("peak_rss_mb") or {}).items()
             if peak is not None and (name == process or name.startswith(f"{process} worker"))]
    return max(peaks, default=None)


def checks(results: dict[str, Any]) -> list[Check]:
    """The targets of the issue, each met, not met or not measured; memory is checked both
    per process and for the whole server, since workers share memory with their parent."""
    ratio = ratios(results)
    ours32, stock32 = scenario_stats(results, "ours", 32), scenario_stats(results, "stock", 32)
    ours1, stock1 = scenario_stats(results, "ours", 1), scenario_stats(results, "stock", 1)
    rss = largest_rss(results["targets"].get("ours") or {}, "rasa")
    whole = (results["targets"].get("ours") or {}).get("server_pss_mb_after_load")
    training = results.get("training_s", {}).get("ours")
    long = (results["targets"].get("ours") or {}).get("long_conversation") or {}
    medians = {int(k): v for k, v in (long.get("window_medians_ms") or {}).items()}
    return [
        _check("Throughput, 32 at once: ours / stock", f">= {MIN_THROUGHPUT_RATIO_32:g}x",
               ratio["throughput_32_ours_over_stock"], lambda v: v >= MIN_THROUGHPUT_RATIO_32,
               lambda v: f"{v:.3f}x ({ours32['messages_per_s']:.1f} vs "
                         f"{stock32['messages_per_s']:.1f} msg/s)"),
        _check("Median latency, 1 at a time: ours / stock", f"<= {MAX_MEDIAN_RATIO_1:g}x",
               ratio["median_1_ours_over_stock"], lambda v: v <= MAX_MEDIAN_RATIO_1,
               lambda v: f"{v:.3f}x ({ours1['median_ms']:.1f} vs {stock1['median_ms']:.1f} ms)"),
        _check("Peak RSS of our Rasa server (its largest process)", f"<= {MAX_RASA_RSS_MB:g} MB",
               rss,
               lambda v: v <= MAX_RASA_RSS_MB, lambda v: f"{v:.0f} MB"),
        _check("Memory of our whole Rasa server, all processes (PSS after load)",
               f"<= {MAX_WHOLE_SERVER_MB:g} MB", whole,
               lambda v: v <= MAX_WHOLE_SERVER_MB, lambda v: f"{v:.0f} MB"),
        _check("One conversation: messages 291-300 / messages 1-10 (medians)",
               f"<= {MAX_LONG_CONVERSATION_RATIO:g}x",
               long.get("last_over_first") if not long.get("error") else None,
               lambda v: v <= MAX_LONG_CONVERSATION_RATIO,
               lambda v: f"{v:.2f}x ({medians[max(medians)]:.1f} vs {medians[1]:.1f} ms)"),
        _check("Training time of our model", f"<= {MAX_TRAINING_S:g} s", training,
               lambda v: v <= MAX_TRAINING_S, lambda v: f"{v:.1f} s"),
    ]


def _num(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _load_rows(results: dict[str, Any]) -> list[str]:
    names = [name for name in TARGETS if name in results["targets"]]
    rows = ["| Scenario | Figure | " + " | ".join(TARGETS[n] for n in names) + " |",
            "| --- | --- | " + " | ".join("---:" for _ in names) + " |"]
    for scenario in results["config"]["scenarios"]:
        runs = {}
        for name in names:
            for run in (results["targets"][name] or {}).get("scenarios", []):
                if run["scenario"]["name"] == scenario["name"]:
                    runs[name] = run
        figures: list[tuple[str, Callable[[dict], str]]] = [
            ("median ms", lambda r: _num(r["stats"]["median_ms"])),
            ("p95 ms", lambda r: _num(r["stats"]["p95_ms"])),
            ("p99 ms", lambda r: _num(r["stats"]["p99_ms"])),
            ("messages/s", lambda r: _num(r["stats"]["messages_per_s"])),
            ("answered / errors", lambda r: f"{r['stats']['messages']} / {r['stats']['errors']}"),
            ("conversations done", lambda r: f"{r['conversations_finished']}"
                                             f"/{r['scenario']['conversations']}"
                                             + (" (time cap)" if r["capped"] else "")),
            ("wall s", lambda r: _num(r["wall_s"], 2)),
        ]
        title = (f"{scenario['concurrency']} at once, {scenario['conversations']} conversations"
                 if scenario["concurrency"] > 1
                 else f"1 at a time, {scenario['conversations']} conversations")
        for index, (label, cell) in enumerate(figures):
            cells = [cell(runs[n]) if n in runs else "-" for n in names]
            rows.append(f"| {title if index == 0 else ''} | {label} | " + " | ".join(cells) + " |")
    return rows


def _long_rows(results: dict[str, Any]) -> list[str]:
    """The long conversation's window medians, for the targets that ran it."""
    runs = {name: (results["targets"].get(name) or {}).get("long_conversation")
            for name in TARGETS}
    runs = {name: run for name, run in runs.items() if run}
    if not runs:
        return []
    rows = ["## One long conversation: 300 messages, one patient", "",
            "| Messages | " + " | ".join(f"{TARGETS[n]}, median ms" for n in runs) + " |",
            "| --- | " + " | ".join("---:" for _ in runs) + " |"]
    starts = sorted({int(k) for run in runs.values() for k in run["window_medians_ms"]})
    for start in starts:
        if start in (1, 51, 101, 151, 201, 251, 291):
            cells = [_num(run["window_medians_ms"].get(str(start),
                                                       run["window_medians_ms"].get(start)))
                     for run in runs.values()]
            rows.append(f"| {start}-{start + 9} | " + " | ".join(cells) + " |")
    errors = [f"{TARGETS[n]}: {run['error']}" for n, run in runs.items() if run.get("error")]
    return [*rows, *([""] + errors if errors else []), ""]


def _server_rows(results: dict[str, Any]) -> list[str]:
    names = [name for name in TARGETS if name in results["targets"]]
    targets = {n: results["targets"][n] or {} for n in names}
    rows = ["| Figure | " + " | ".join(TARGETS[n] for n in names) + " |",
            "| --- | " + " | ".join("---:" for _ in names) + " |"]

    def rss(target: dict, *process_names: str) -> str:
        for process in process_names:
            peak = largest_rss(target, process)
            if peak is not None:
                return f"{peak:.0f}"
        return "-"

    training = results.get("training_s", {})
    rows += [
        "| start-up s (until health checks answer) | "
        + " | ".join(_num(targets[n].get("start_s")) for n in names) + " |",
        "| peak RSS, Rasa / echo server (largest process), MB | "
        + " | ".join(rss(targets[n], "rasa", "server") for n in names) + " |",
        "| memory of the whole Rasa / echo server, all its processes (PSS after load), MB | "
        + " | ".join(_num(targets[n].get("server_pss_mb_after_load"), 0) for n in names) + " |",
        "| peak RSS, action server, MB | "
        + " | ".join(rss(targets[n], "actions") for n in names) + " |",
        "| training s (`rasa train --force`) | "
        + " | ".join(_num(training.get(n)) if n != "echo" else "-" for n in names) + " |",
    ]
    return rows


def render_markdown(results: dict[str, Any]) -> str:
    """The summary, as Markdown that also reads well on a terminal."""
    machine = results["machine"]
    memory = machine.get("memory_gb")
    load = " ".join(f"{v:g}" for v in machine.get("load_average", []))
    lines = [
        f"# Benchmark, {machine['date']}",
        "",
        f"Machine: {machine['nproc']} CPUs (nproc), "
        f"{_num(memory)} GB memory, {machine.get('cpu_model') or 'unknown CPU'}; "
        f"load average at start {load}. Python {machine['python']}, Rasa {machine['rasa']}, "
        f"rasa-sdk {machine['rasa_sdk']}, Sanic {machine['sanic']}, aiohttp {machine['aiohttp']}."
        f" Seed {results['config']['seed']}; whole run {_num(results.get('wall_s'))} s.",
        "",
        "## Load: 10-message conversations through `POST /webhooks/rest/webhook`",
        "",
        *_load_rows(results),
        "",
        *_long_rows(results),
        "## Servers",
        "",
        *_server_rows(results),
        "",
        "## Targets",
        "",
        "| Target | Threshold | Measured | Status |",
        "| --- | --- | --- | --- |",
        *[f"| {c.name} | {c.threshold} | {c.measured} | **{c.status}** |"
          for c in checks(results)],
        "",
        "## How to read it",
        "",
        "- Latency: from sending a message to having read the whole reply, for answered"
        " messages (HTTP 200 with a non-empty list). Errors (other statuses, empty replies,"
        " failed requests) are counted, not timed. Messages/s: answered messages over the"
        " scenario's wall time.",
        "- Each simulated patient waits for a reply before the next message; \"8 at once\" is"
        " eight such patients. Each target gets an untimed warm-up conversation first.",
        "- Ours includes the custom-action round trip to the action server and the SQLite"
        " tracker store; the stock bot answers with responses from its domain and keeps"
        " trackers in memory. The echo server is the floor: HTTP and JSON only.",
        "- The load generator runs on the same machine, so it takes CPU from the servers; the"
        " figures compare targets measured the same way, not absolute capacity.",
    ]
    problems = [f"- {name}: {error}" for name, error in results.get("errors", {}).items()]
    if problems:
        lines += ["", "## What did not run", "", *problems]
    return "\n".join(lines) + "\n"


def write(results: dict[str, Any], out_dir: Path) -> tuple[Path, Path]:
    """Writes summary.md and results.json (raw latencies included) and returns their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    results = {**results, "ratios": ratios(results),
               "checks": [check.__dict__ for check in checks(results)]}
    summary, raw = out_dir / "summary.md", out_dir / "results.json"
    summary.write_text(render_markdown(results), encoding="utf-8")
    raw.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return summary, raw
