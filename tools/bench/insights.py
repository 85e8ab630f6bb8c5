"""`python -m tools.bench.insights`: how fast the insights page reads a big conversation store.

Builds a SQLite store of a million events (by default) in the project's own tracker store
format, made of Rasa's own event classes with the replies the actions send (real answer texts,
so rows have their real size), spread over the 90 days a store keeps by default, with the
insights row the Rasa server writes for each patient message (bot/insights/store.py). Then it times
what a staff member waits for: the 30-day page (the default) and the whole store, read and
turned into the report, and the 30-day CSV export; the median of several runs each. Writes
reports/bench/insights.md.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable, Iterator

import sqlalchemy as sa
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    Event,
    SlotSet,
    UserUttered,
)

from bot.content import content
from bot.contract import (
    ANSWER_ID_FIELD,
    EMERGENCY,
    FALLBACK,
    FEEDBACK_SLOT,
    HELPFUL,
    LANGUAGE_KEY,
    NOT_COVERED,
    NOT_HELPFUL,
    OUT_OF_SCOPE,
    TOPIC_FIELD,
)
from bot.insights import store
from bot.insights.report import build_report, export_rows
from bot.insights.store import SECONDS_PER_DAY
from bot.insights.turns import Turn, summarise
from bot.tracker_store import _row
from tools.stack import ROOT

DEFAULT_OUT = ROOT / "reports" / "bench" / "insights.md"
BUILD = ROOT / "build" / "bench"
TARGET_S = 2.0
STORE_DAYS = 90


def _turn(sender: str, at: float, rng: random.Random, topics: list[str]) -> list[Event]:
    """One patient message and the events Rasa stores for it, in the shapes it stores them."""
    roll = rng.random()
    topic = (rng.choice(topics) if roll < 0.8 else FALLBACK if roll < 0.88 else
             NOT_COVERED if roll < 0.93 else OUT_OF_SCOPE if roll < 0.98 else EMERGENCY)
    language = "es" if rng.random() < 0.2 else "en"
    answer = content(language).topics.get(topic)
    text = answer.question if answer else "a question the assistant cannot place"
    custom: dict[str, Any] = {TOPIC_FIELD: topic, LANGUAGE_KEY: language,
                              "blocks": [{"type": "text", "text": text}], "options": []}
    if answer:
        custom |= {"source": answer.source.as_payload(), "related": list(answer.related),
                   ANSWER_ID_FIELD: f"{sender}-{at}"}
    if topic == EMERGENCY:
        custom["kind"] = rng.choice(["bleeding", "breathing", "chest_pain", "self_harm"])
    ranking = [{"name": name, "confidence": 0.01} for name in topics[:10]]
    events: list[Event] = [
        UserUttered(text, {"name": topic, "confidence": 0.9},
                    parse_data={"intent": {"name": topic, "confidence": 0.9},
                                "intent_ranking": ranking, "entities": [], "text": text,
                                LANGUAGE_KEY: language},
                    input_channel=rng.choice(["socketio", "socketio", "rest", "twilio"]),
                    timestamp=at),
        ActionExecuted("action_answer", policy="RulePolicy", confidence=1.0, timestamp=at + 0.01),
        BotUttered(answer.answer if answer else text, data={"custom": custom},
                   timestamp=at + 0.02),
        SlotSet("offered_topics", list(answer.related) if answer else [], timestamp=at + 0.02),
        ActionExecuted("action_listen", policy="RulePolicy", confidence=1.0, timestamp=at + 0.03),
    ]
    if answer and rng.random() < 0.1:
        vote = {ANSWER_ID_FIELD: custom[ANSWER_ID_FIELD], TOPIC_FIELD: topic,
                LANGUAGE_KEY: language, "value": rng.choice([HELPFUL, HELPFUL, NOT_HELPFUL])}
        events.append(SlotSet(FEEDBACK_SLOT, vote, timestamp=at + 20))
    return events


def turns(events: int, now: float, seed: int = 7) -> Iterator[tuple[list[dict], Turn]]:
    """Conversations of a few messages each, at random times in the last STORE_DAYS days,
    in the order a server writes them (by time): each turn's event rows and insights row."""
    rng = random.Random(seed)
    topics = list(content().topics)
    plan: list[tuple[float, str, int]] = []
    # Turns have five or six events: plan enough of them, then write the first `events`.
    while len(plan) * 5 < events:
        sender = f"bench-{len(plan)}"
        at = now - rng.random() * STORE_DAYS * SECONDS_PER_DAY
        for _ in range(rng.randint(1, 6)):
            plan.append((at, sender, rng.randrange(2**32)))
            at += rng.uniform(5, 120)
    plan.sort()
    written = 0
    for at, sender, turn_seed in plan:
        turn_events = _turn(sender, at, random.Random(turn_seed), topics)[:events - written]
        written += len(turn_events)
        user = turn_events[0].as_dict()
        replies = [e.data.get("custom") for e in turn_events if isinstance(e, BotUttered)]
        yield [_row(sender, event) for event in turn_events], summarise(user, sender, replies)
        if written == events:
            return


def build_store(path: Path, events: int, now: float) -> sa.engine.Engine:
    path.unlink(missing_ok=True)
    engine = sa.create_engine(f"sqlite:///{path}")
    from rasa.core.tracker_store import SQLTrackerStore

    SQLTrackerStore.Base.metadata.create_all(engine)
    store.ensure_tables(engine)
    store.ensure_votes_index(engine)
    table = SQLTrackerStore.SQLEvent.__table__
    batch: list[dict[str, Any]] = []
    batch_turns: list[Turn] = []
    with engine.begin() as connection:
        for event_rows, turn in turns(events, now):
            batch.extend(event_rows)
            batch_turns.append(turn)
            if len(batch) >= 20_000:
                connection.execute(table.insert(), batch)
                store.record_turns(connection, batch_turns)
                batch, batch_turns = [], []
        if batch:
            connection.execute(table.insert(), batch)
            store.record_turns(connection, batch_turns)
    return engine


def timed(work: Callable[[], Any], runs: int) -> tuple[float, Any]:
    seconds, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    now = time.time()
    BUILD.mkdir(parents=True, exist_ok=True)
    print(f"[bench] writing a store of {args.events} events", file=sys.stderr, flush=True)
    started = time.perf_counter()
    engine = build_store(BUILD / "insights.db", args.events, now)
    built = time.perf_counter() - started

    def page(days: int) -> Any:
        since = now - days * SECONDS_PER_DAY
        return build_report(store.count_period(engine, since, now), since, now, days)

    def export(days: int) -> int:
        out = io.StringIO()
        period = store.read_period(engine, now - days * SECONDS_PER_DAY, now)
        csv.writer(out).writerows(export_rows(period, "bench-key"))
        return len(period.turns)

    results = []
    for label, days, work in (("page, last 30 days (default)", 30, page),
                              (f"page, whole store ({STORE_DAYS} days)", STORE_DAYS, page),
                              ("CSV export, last 30 days", 30, export)):
        seconds, result = timed(lambda work=work, days=days: work(days), args.runs)
        messages = result if isinstance(result, int) else result.messages
        results.append((label, messages, seconds))
        print(f"[bench] {label}: {messages} messages in {seconds:.2f} s", file=sys.stderr)
    lines = [
        "# Insights on a big conversation store",
        "",
        f"Date {time.strftime('%Y-%m-%dT%H:%M:%S%z')} · SQLite store of {args.events} events "
        f"over {STORE_DAYS} days (written in {built:.0f} s) · "
        f"median of {args.runs} runs · `python -m tools.bench.insights` (`make bench-insights`).",
        "",
        "| request | patient messages | seconds | target |",
        "| --- | ---: | ---: | --- |",
        *(f"| {label} | {messages} | {seconds:.2f} | {'met' if seconds <= TARGET_S else 'NOT met'}"
          f" (≤ {TARGET_S:.0f} s) |" for label, messages, seconds in results),
        "",
    ]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    return 0 if all(seconds <= TARGET_S for _, _, seconds in results) else 1


if __name__ == "__main__":
    sys.exit(main())
