"""The load generator: realistic conversations through the REST webhook, several at once.

Every conversation is one patient (one sender id) who waits for each reply before typing the
next message, as a person in the widget does; concurrency is the number of such patients.
Conversations are drawn from fixed lists with a seeded random generator, so two runs with the
same seed send the same messages in the same order.
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from tools.bench.stats import Stats, summarize

WEBHOOK = "/webhooks/rest/webhook"
REQUEST_TIMEOUT_S = 30.0
CONVERSATION_LENGTH = 10

# Our assistant: a patient back from a mammogram, in lay words, with follow-ups.
GREETINGS = ("hi", "hello there", "hi, I have a question", "good morning", "hey")
QUESTIONS = (
    "what are these white spots on my mammogram?",
    "are calcifications cancer?",
    "does this mean I have breast cancer?",
    "what causes calcium deposits in the breast?",
    "should I stop taking my calcium pills?",
    "does eating a lot of dairy cause these spots?",
    "what are big calcifications?",
    "what are the tiny white specks?",
    "why do they want more pictures of my breast?",
    "do I need a biopsy?",
    "what happens in a stereotactic biopsy?",
    "what if the spots look benign?",
    "what does probably benign mean?",
    "what if they look suspicious?",
    "when do they do a biopsy for calcifications?",
    "what tests come after an abnormal mammogram?",
)
FOLLOW_UPS = (
    "and the big ones?",
    "what about the small ones?",
    "do those need a biopsy?",
    "are they dangerous?",
    "tell me more",
    "are those common?",
)
THANKS = ("thanks", "thank you so much", "that was helpful", "thanks that makes me feel better")
GOODBYES = ("bye", "goodbye", "ok bye", "have a nice day")

# The stock `rasa init` bot: messages its NLU data knows, in an order its stories and rules
# answer, so that every turn has a reply (an unanswered turn would count as an error).
STOCK_GREET = ("hi", "hello", "hey", "good morning")
# Its NLU reads "I am happy" as sad ("happy" is not in its data), so these are its own words.
STOCK_HAPPY = ("I am great", "great", "perfect", "I am feeling very good")
STOCK_SAD = ("I'm sad", "I am sad", "my day was horrible", "I am disappointed")
STOCK_YES = ("yes", "of course", "indeed")
STOCK_NO = ("no", "not really", "I don't think so")
STOCK_BOT = ("are you a bot?", "are you a human?", "am I talking to a bot?")
STOCK_BYE = ("bye", "goodbye", "see you later")


def assistant_conversations(count: int, seed: int) -> list[list[str]]:
    """Ten-message conversations for our assistant: hello, five questions with two follow-ups
    in between, thanks, goodbye; the questions differ between conversations."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        questions = rng.sample(QUESTIONS, 5)
        follow_ups = rng.sample(FOLLOW_UPS, 2)
        out.append([
            rng.choice(GREETINGS),
            questions[0], follow_ups[0], questions[1], questions[2],
            follow_ups[1], questions[3], questions[4],
            rng.choice(THANKS),
            rng.choice(GOODBYES),
        ])
    return out


def stock_conversations(count: int, seed: int) -> list[list[str]]:
    """Ten-message conversations for the stock bot along its own stories: a sad path answered
    "no", a happy path and a bot challenge (in either order), a sad path answered "yes", bye.

    The "no" path comes first because the stock policies answer a late "no" with silence,
    which would count as an error against the stock bot rather than measure its speed.
    """
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        sad_no = [rng.choice(STOCK_GREET), rng.choice(STOCK_SAD), rng.choice(STOCK_NO)]
        happy = [rng.choice(STOCK_GREET), rng.choice(STOCK_HAPPY)]
        challenge = [rng.choice(STOCK_BOT)]
        middle = happy + challenge if rng.random() < 0.5 else challenge + happy
        sad_yes = [rng.choice(STOCK_GREET), rng.choice(STOCK_SAD), rng.choice(STOCK_YES)]
        out.append([*sad_no, *middle, *sad_yes, rng.choice(STOCK_BYE)])
    return out


@dataclass(frozen=True)
class Scenario:
    """How many patients talk at once, how many conversations in all, and the time cap."""

    name: str
    concurrency: int
    conversations: int
    time_cap_s: float


@dataclass
class TurnResult:
    """One message and its reply: status None means the request itself failed."""

    latency_ms: float
    status: int | None
    replies: int
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class ScenarioResult:
    """Everything one scenario produced; `stats` is what the report shows."""

    scenario: Scenario
    turns: list[TurnResult]
    wall_s: float
    conversations_started: int
    conversations_finished: int
    capped: bool
    stats: Stats
    error_samples: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario.__dict__,
            "wall_s": self.wall_s,
            "conversations_started": self.conversations_started,
            "conversations_finished": self.conversations_finished,
            "capped": self.capped,
            "stats": self.stats.as_dict(),
            "error_samples": self.error_samples,
            "latencies_ms": [round(t.latency_ms, 3) for t in self.turns if t.ok],
        }


async def send(session: aiohttp.ClientSession, url: str, sender: str, text: str) -> TurnResult:
    """Posts one message; a reply counts only if it is a 200 with a non-empty list."""
    started = time.perf_counter()
    try:
        async with session.post(url, json={"sender": sender, "message": text}) as response:
            body = await response.read()
            latency_ms = (time.perf_counter() - started) * 1000
            if response.status != 200:
                return TurnResult(latency_ms, response.status, 0,
                                  f"HTTP {response.status}: {body[:200]!r}")
            try:
                replies = await response.json(content_type=None)
            except ValueError:
                return TurnResult(latency_ms, 200, 0, f"not JSON: {body[:200]!r}")
    except (aiohttp.ClientError, asyncio.TimeoutError) as error:
        latency_ms = (time.perf_counter() - started) * 1000
        return TurnResult(latency_ms, None, 0, f"{type(error).__name__}: {error}")
    if not isinstance(replies, list) or not replies:
        return TurnResult(latency_ms, 200, 0, f"empty reply to {text!r}: {body[:200]!r}")
    return TurnResult(latency_ms, 200, len(replies))


async def _run(
    base_url: str, scenario: Scenario, conversations: Sequence[Sequence[str]], label: str
) -> ScenarioResult:
    url = base_url.rstrip("/") + WEBHOOK
    run_id = uuid.uuid4().hex[:8]
    turns: list[TurnResult] = []
    next_index = 0
    finished = 0
    capped = False
    started = time.perf_counter()
    deadline = started + scenario.time_cap_s

    async def patient(session: aiohttp.ClientSession) -> None:
        nonlocal next_index, finished, capped
        # Bounded: each pass takes a new conversation index, and there are finitely many.
        while next_index < scenario.conversations:
            if time.perf_counter() >= deadline:
                capped = True
                return
            index = next_index
            next_index += 1
            messages = conversations[index % len(conversations)]
            sender = f"bench-{label}-{run_id}-{index}"
            for text in messages:
                if time.perf_counter() >= deadline:
                    capped = True
                    return
                turns.append(await send(session, url, sender, text))
            finished += 1

    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
    connector = aiohttp.TCPConnector(limit=scenario.concurrency)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        workers = [asyncio.create_task(patient(session)) for _ in range(scenario.concurrency)]
        # Belt and braces: the cap plus one request timeout is the most a scenario may take.
        done, pending = await asyncio.wait(
            workers, timeout=scenario.time_cap_s + REQUEST_TIMEOUT_S + 5
        )
        for task in pending:
            task.cancel()
        if pending:
            capped = True
            await asyncio.gather(*pending, return_exceptions=True)
        for task in done:
            task.result()
    wall_s = time.perf_counter() - started
    ok = [turn.latency_ms for turn in turns if turn.ok]
    errors = [turn.error for turn in turns if turn.error]
    return ScenarioResult(
        scenario=scenario,
        turns=turns,
        wall_s=wall_s,
        conversations_started=next_index,
        conversations_finished=finished,
        capped=capped,
        stats=summarize(ok, len(errors), wall_s),
        error_samples=list(dict.fromkeys(errors))[:5],
    )


def run_scenario(
    base_url: str, scenario: Scenario, conversations: Sequence[Sequence[str]], label: str = "load"
) -> ScenarioResult:
    """Runs one scenario against a server and waits for it: `scenario.concurrency` patients
    work through `scenario.conversations` conversations (cycling through the list given)
    until all are done or the time cap passes; a conversation cut by the cap stops there."""
    if scenario.concurrency < 1 or scenario.conversations < 1 or scenario.time_cap_s <= 0:
        raise ValueError(f"nothing to run in {scenario}")
    if not conversations or not all(conversations):
        raise ValueError("conversations must be non-empty lists of messages")
    return asyncio.run(_run(base_url, scenario, conversations, label))
