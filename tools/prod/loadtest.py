"""`make loadtest`: bounded load and fault scenarios against the production profile.

Each scenario sends ten-message conversations through nginx's REST webhook, some patients at
once, each patient from her own address (X-Forwarded-For, as a cloud load balancer sets it, so
that the per-client rate limit applies per patient). A patient who gets no reply, an error or
the "can't answer right now" apology sends the same message again, up to RETRIES times with a
doubling pause, as the widget lets her do. Then every conversation is read back from PostgreSQL.

Counted per user message: sent; answered (a real reply); apologised (only the apology, after
every retry); stored (in PostgreSQL); lost (sent but not stored, answered or not: the one thing
that must never happen). Results go to docs/reliability.md with the date and machine size.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import sys
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import sqlalchemy as sa

from tools.bench.load import assistant_conversations
from tools.bench.procs import machine_info
from tools.prod.stack import ProdStack, running_prod
from tools.stack import ROOT, exit_cleanly_on_sigterm

WEBHOOK = "/webhooks/rest/webhook"
RETRIES = 3
RETRY_PAUSE_S = 1.0
REQUEST_TIMEOUT_S = 15.0
APOLOGY_REASONS = {"service_unavailable", "rate_limited"}
REPORT = ROOT / "docs" / "reliability.md"


@dataclass
class Tally:
    sent: int = 0
    answered: int = 0
    apologised: int = 0
    retries: int = 0
    no_reply: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    by_sender: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class Outcome:
    name: str
    concurrency: int
    conversations: int
    sent: int
    answered: int
    apologised: int
    stored: int
    lost: int
    retries: int
    median_ms: float
    p95_ms: float
    wall_s: float
    fault: str

    @property
    def ok(self) -> bool:
        return self.lost == 0 and self.stored == self.sent


def _is_apology(messages: list[dict[str, Any]]) -> bool:
    reasons = {m.get("custom", {}).get("reason") for m in messages if "custom" in m}
    return not messages or bool(reasons & APOLOGY_REASONS)


async def _say(session: aiohttp.ClientSession, url: str, sender: str, text: str, address: str,
               tally: Tally) -> None:
    tally.sent += 1
    for attempt in range(RETRIES + 1):
        if attempt:
            tally.retries += 1
            await asyncio.sleep(RETRY_PAUSE_S * 2 ** (attempt - 1))
        started = time.perf_counter()
        try:
            async with session.post(url + WEBHOOK, json={"sender": sender, "message": text},
                                    headers={"X-Forwarded-For": address}) as response:
                body = await response.json(content_type=None) if response.status in (
                    200, 429) else None
        except (aiohttp.ClientError, asyncio.TimeoutError, json.JSONDecodeError):
            body = None
        if isinstance(body, list) and not _is_apology(body):
            tally.answered += 1
            tally.latencies_ms.append((time.perf_counter() - started) * 1000)
            return
    if body is None:
        tally.no_reply += 1
    else:
        tally.apologised += 1


async def _conversation(session: aiohttp.ClientSession, url: str, index: int,
                        messages: Sequence[str], tally: Tally, run_id: str) -> None:
    sender = f"load-{run_id}-{index}"
    address = f"10.{(index >> 16) & 255}.{(index >> 8) & 255}.{index & 255}"
    tally.by_sender[sender] = list(messages)
    for text in messages:
        await _say(session, url, sender, text, address, tally)


async def _load(url: str, conversations: Sequence[Sequence[str]], concurrency: int,
                tally: Tally, run_id: str) -> None:
    gate = asyncio.Semaphore(concurrency)
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
    async with aiohttp.ClientSession(timeout=timeout) as session:

        async def one(index: int, messages: Sequence[str]) -> None:
            async with gate:
                await _conversation(session, url, index, messages, tally, run_id)

        await asyncio.gather(*(one(i, m) for i, m in enumerate(conversations)))


def stored_messages(stack: ProdStack, by_sender: dict[str, list[str]]) -> int:
    """User messages of these conversations found in PostgreSQL, each sent message counted once
    however often a retry stored it."""
    env = stack.env
    url = sa.engine.URL.create("postgresql", env["DB_USER"], env["DB_PASSWORD"], env["DB_HOST"],
                               int(env["DB_PORT"]), env["DB_NAME"])
    engine = sa.create_engine(url)
    query = sa.text("SELECT sender_id, data FROM events WHERE type_name = 'user' "
                    "AND sender_id = ANY(:senders)")
    seen: dict[str, list[str]] = {sender: [] for sender in by_sender}
    try:
        with engine.connect() as connection:
            for sender, data in connection.execute(query, {"senders": list(by_sender)}):
                seen[sender].append(json.loads(data).get("text", ""))
    finally:
        engine.dispose()
    stored = 0
    for sender, messages in by_sender.items():
        remaining = list(seen[sender])
        for text in messages:
            if text in remaining:
                remaining.remove(text)
                stored += 1
    return stored


def run_scenario(stack: ProdStack, name: str, conversations: int, concurrency: int,
                 fault: Callable[[ProdStack], None] | None = None, fault_after_s: float = 3.0,
                 fault_name: str = "none", seed: int = 11) -> Outcome:
    """Runs one scenario, the fault (if any) in a thread after `fault_after_s` seconds."""
    run_id = uuid.uuid4().hex[:8]
    tally = Tally()
    plan = assistant_conversations(conversations, seed)

    async def main() -> None:
        load = asyncio.ensure_future(_load(stack.url, plan, concurrency, tally, run_id))
        if fault is not None:
            await asyncio.sleep(fault_after_s)
            await asyncio.get_running_loop().run_in_executor(None, fault, stack)
        await load

    started = time.monotonic()
    asyncio.run(main())
    wall = time.monotonic() - started
    stored = stored_messages(stack, tally.by_sender)
    latencies = sorted(tally.latencies_ms) or [0.0]
    return Outcome(
        name=name, concurrency=concurrency, conversations=conversations, sent=tally.sent,
        answered=tally.answered, apologised=tally.apologised, stored=stored,
        lost=tally.sent - stored, retries=tally.retries,
        median_ms=latencies[len(latencies) // 2],
        p95_ms=latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))],
        wall_s=wall, fault=fault_name,
    )


def kill_first_rasa(stack: ProdStack) -> None:
    stack.kill(f"rasa-{stack.rasa_ports[0]}")


def restart_postgres(stack: ProdStack) -> None:
    stack.restart_postgres()


def stop_actions_for_a_while(stack: ProdStack) -> None:
    stack.stop("actions")
    time.sleep(3)
    stack.start_actions()


def scenarios(quick: bool) -> list[dict[str, Any]]:
    scale = 4 if quick else 1
    return [
        {"name": "steady, 16 at once", "conversations": 32 // scale, "concurrency": 16},
        {"name": "steady, 64 at once", "conversations": 128 // scale, "concurrency": 64},
        {"name": "one Rasa instance killed", "conversations": 40, "concurrency": 40,
         "fault": kill_first_rasa, "fault_name": "SIGKILL to the Rasa on the first port",
         "restore": lambda s: s.start_rasa(0)},
        {"name": "PostgreSQL restarted", "conversations": 40, "concurrency": 20,
         "fault": restart_postgres, "fault_name": "PostgreSQL fast shutdown and start"},
        {"name": "action server stopped", "conversations": 40, "concurrency": 20,
         "fault": stop_actions_for_a_while, "fault_name": "action server down for 3 s"},
    ]


def markdown(outcomes: Sequence[Outcome], machine: dict[str, Any]) -> str:
    lines = [
        "# Reliability: load and fault scenarios",
        "",
        f"Measured by `make loadtest` on {dt.date.today().isoformat()}: "
        f"{machine.get('nproc')} cores, {machine.get('memory_gb') or 0:.0f} GiB "
        f"({machine.get('cpu_model')}), "
        f"load average {machine.get('load_average')} at the end; "
        "the production profile (`make run-prod`): nginx, two Rasa instances, PostgreSQL, Redis "
        "and the action server on one machine, all on loopback.",
        "",
        f"A patient whose message gets no reply, an error or the apology sends it again (up to "
        f"{RETRIES} times, after {RETRY_PAUSE_S:.0f} s, then twice as long each time). *Stored* "
        "counts the user messages found "
        "in PostgreSQL afterwards; *lost* are those sent but not stored, answered or not.",
        "",
        "| Scenario | Fault | At once | Sent | Answered | Apology only | Stored | Lost "
        "| Retries | Median ms | p95 ms | Wall s |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for o in outcomes:
        lines.append(
            f"| {o.name} | {o.fault} | {o.concurrency} | {o.sent} | {o.answered} "
            f"| {o.apologised} | {o.stored} | {o.lost} | {o.retries} | {o.median_ms:.0f} "
            f"| {o.p95_ms:.0f} | {o.wall_s:.1f} |"
        )
    lines += [
        "",
        "Every scenario passes when nothing is lost and every message sent is stored. Retries in "
        "the steady scenarios are turns that took longer than the action timeout "
        "(`ACTION_TIMEOUT_S`) on a loaded machine and got the apology. When a Rasa instance is "
        "killed, a conversation whose Redis lock it held waits until the lock expires "
        "(`TICKET_LOCK_LIFETIME`, 10 s) before its next message is answered: that scenario's "
        "slowest turns.",
        "",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller steady scenarios")
    parser.add_argument("--out", type=Path, default=REPORT)
    args = parser.parse_args(argv)
    exit_cleanly_on_sigterm()
    outcomes = []
    with running_prod(stop_databases=True) as stack:
        for plan in scenarios(args.quick):
            outcome = run_scenario(
                stack, plan["name"], plan["conversations"], plan["concurrency"],
                plan.get("fault"), fault_name=plan.get("fault_name", "none"),
            )
            print(f"[loadtest] {outcome}", file=sys.stderr, flush=True)
            outcomes.append(outcome)
            if "restore" in plan:
                plan["restore"](stack)
    args.out.write_text(markdown(outcomes, machine_info()))
    print(markdown(outcomes, machine_info()))
    return 0 if all(o.ok for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
