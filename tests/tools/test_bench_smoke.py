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
