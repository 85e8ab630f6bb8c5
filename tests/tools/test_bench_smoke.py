"""A tiny run of the benchmark's load generator against the real servers: it must work, not
be fast (`make bench` measures speed; there are no timing assertions here)."""

from __future__ import annotations

import pytest

from tests.conftest import Servers
from tools.bench.load import Scenario, assistant_conversations, run_scenario

pytestmark = pytest.mark.e2e

MESSAGES_PER_CONVERSATION = 3


def test_load_generator_gets_a_reply_to_every_message(servers: Servers) -> None:
    conversations = [c[:MESSAGES_PER_CONVERSATION] for c in assistant_conversations(2, seed=1)]
    result = run_scenario(servers.url, Scenario("smoke", concurrency=2, conversations=2,
                                                time_cap_s=120), conversations, label="smoke")
    sent = 2 * MESSAGES_PER_CONVERSATION
    assert len(result.turns) == sent
    assert all(turn.status == 200 and turn.replies > 0 for turn in result.turns), \
        result.error_samples
    assert result.conversations_finished == 2 and not result.capped
    stats = result.stats
    assert stats.messages == sent and stats.errors == 0
    assert stats.median_ms is not None and stats.median_ms <= stats.p95_ms <= stats.p99_ms
    assert stats.messages_per_s > 0


def test_our_target_runs_sanic_workers_that_share_conversations(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`make run` with two workers behind one port: a follow-up answered by either still knows
    the last topic, and /metrics adds up both."""
    monkeypatch.setenv("SANIC_WORKERS", "2")
    from concurrent.futures import ThreadPoolExecutor

    import requests
    from prometheus_client.parser import text_string_to_metric_families

    from tools.bench.ours import running_ours

    def converse(index: int) -> list[str]:
        sender, topics = f"smoke-{index}", []
        for text in ("what are calcifications?", "and the big ones?", "do those need a biopsy?"):
            reply = requests.post(f"{served.url}/webhooks/rest/webhook",
                                  json={"sender": sender, "message": text}, timeout=60).json()
            topics += [m["custom"]["topic"] for m in reply if "topic" in m.get("custom", {})]
        return topics

    with running_ours(tmp_path) as served:
        with ThreadPoolExecutor(8) as pool:
            conversations = list(pool.map(converse, range(8)))
        peaks = served.peak_rss_mb()
        # Each message was answered by either worker; /metrics counts both workers' messages.
        exposition = requests.get(f"{served.url}/metrics", timeout=10).text
    counted = sum(sample.value for family in text_string_to_metric_families(exposition)
                  if family.name == "calcifications_messages"
                  for sample in family.samples if sample.name.endswith("_total"))
    assert counted == 8 * 3
    assert all(topics == ["what_are_calcifications", "macrocalcifications", "biopsy_when"]
               for topics in conversations), conversations
    workers = [name for name in peaks if name.startswith("rasa worker")]
    assert served.extra["sanic_workers"] == len(workers) == 2
