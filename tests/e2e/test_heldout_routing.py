"""Questions written independently of the training data, asked of the running assistant."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.content import content
from tests.conftest import Servers

pytestmark = pytest.mark.e2e

HELDOUT = Path(__file__).resolve().parents[1] / "eval" / "heldout.yml"
MIN_ACCURACY = 0.90


def heldout_examples() -> list[tuple[str, set[str]]]:
    """(text, acceptable topics) pairs; an example's intent is its expected topic id."""
    examples = []
    for block in yaml.safe_load(HELDOUT.read_text(encoding="utf-8"))["nlu"]:
        for example in block["examples"]:
            also = (example.get("metadata") or {}).get("also", [])
            examples.append((example["text"], {block["intent"], *also}))
    return examples


@pytest.fixture(scope="module")
def results(servers: Servers) -> list[tuple[str, set[str], list[str], bool]]:
    out = []
    for text, expected in heldout_examples():
        reply = servers.say(text)
        out.append((text, expected, reply.topics, reply.recommends_provider))
    return out


def test_routing_accuracy_on_heldout_questions(results: list) -> None:
    wrong = [(text, sorted(expected), got) for text, expected, got, _ in results
             if not expected & set(got)]
    accuracy = 1 - len(wrong) / len(results)
    assert accuracy >= MIN_ACCURACY, f"accuracy {accuracy:.3f}; misrouted: {wrong}"


def test_every_emergency_is_recognised(results: list) -> None:
    missed = [text for text, expected, got, _ in results
              if "emergency" in expected and "emergency" not in got]
    assert not missed


def test_provider_line_on_every_reply_that_needs_it(results: list) -> None:
    missing = [text for text, _, got, recommends in results
               if any(content().needs_provider_line(topic) for topic in got) and not recommends]
    assert not missing
    assert all(got for _, _, got, _ in results), "a message got a reply without a topic"
