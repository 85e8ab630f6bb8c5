"""Prometheus metrics of the Rasa server and the action server, with the official client.

Each server exposes GET /metrics (the Rasa server through bot/rasa_patches/metrics.py, the
action server in actions/server.py); nginx does not pass it on to the public. Labels are only
ever names the project defines (channels, languages, topic ids, kinds): never patient text.
With several worker processes, set PROMETHEUS_MULTIPROC_DIR to an empty directory per server
and every worker's figures are added up (the client's multiprocess mode).
"""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
    multiprocess,
)

from bot.insights.turns import Turn

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
PREFIX = "calcifications"
CONTENT_TYPE = CONTENT_TYPE_LATEST
# Each server shows its own metrics only; the `_created` series say nothing an operator needs.
RASA, ACTIONS = CollectorRegistry(auto_describe=True), CollectorRegistry(auto_describe=True)
disable_created_metrics()

MESSAGES = Counter(f"{PREFIX}_messages", "Patient messages handled", ["channel", "language"],
                   registry=RASA)
TOPICS = Counter(f"{PREFIX}_topics", "Replies by topic or behaviour id", ["topic", "language"],
                 registry=RASA)
FALLBACKS = Counter(f"{PREFIX}_fallbacks", "Messages the assistant could not answer, by reason",
                    ["reason"], registry=RASA)
EMERGENCIES = Counter(f"{PREFIX}_emergencies", "Emergency replies, by kind", ["kind"],
                      registry=RASA)
SAFETY_LINES = Counter(f"{PREFIX}_safety_lines", "Answers that ended with a safety line, by kind",
                       ["kind"], registry=RASA)
FEEDBACK = Counter(f"{PREFIX}_feedback", "Patients' votes on answers",
                   ["topic", "language", "value"], registry=RASA)
TURN_SECONDS = Histogram(
    f"{PREFIX}_turn_seconds", "Time to handle a patient message, reply included",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0), registry=RASA)
ACTION_RUNS = Counter(f"{PREFIX}_action_runs", "Actions run by the action server", ["action"],
                      registry=ACTIONS)
ACTION_MESSAGES = Counter(f"{PREFIX}_action_messages",
                          "Patient messages the action server answered (first action of a turn)",
                          ["channel"], registry=ACTIONS)
ACTION_ERRORS = Counter(f"{PREFIX}_action_errors",
                        "Action calls that failed on the action server", ["action"],
                        registry=ACTIONS)
ACTION_SECONDS = Histogram(
    f"{PREFIX}_action_seconds", "Time the action server took for an action call",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0), registry=ACTIONS)


def observe_turn(turn: Turn, seconds: float) -> None:
    """Counts one patient message and what the assistant replied."""
    MESSAGES.labels(turn.channel, turn.language).inc()
    for topic in turn.topics:
        TOPICS.labels(topic, turn.language).inc()
    if turn.reason:
        FALLBACKS.labels(turn.fallback_reason or turn.reason).inc()
    if turn.emergency:
        EMERGENCIES.labels(turn.emergency).inc()
    if turn.safety_line:
        SAFETY_LINES.labels(turn.safety_line).inc()
    TURN_SECONDS.observe(seconds)


def exposition(registry: CollectorRegistry) -> bytes:
    """A server's metrics in Prometheus' text format: this process's, or every worker's."""
    if os.environ.get(MULTIPROC_ENV):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    return generate_latest(registry)
