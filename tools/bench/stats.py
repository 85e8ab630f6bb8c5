"""Latency and throughput figures for one scenario, computed the same way for every target."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation between the closest ranks.

    Same definition as numpy's default, so figures can be checked by hand or with numpy;
    a tail percentile of a small sample then lies between two observed latencies.
    """
    if not values:
        raise ValueError("percentile of no values")
    if not 0 <= q <= 100:
        raise ValueError(f"percentile must be within 0-100, not {q}")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass(frozen=True)
class Stats:
    """What the report shows for one target in one scenario (latencies of answered messages)."""

    messages: int
    errors: int
    wall_s: float
    median_ms: float | None
    p95_ms: float | None
    p99_ms: float | None
    mean_ms: float | None
    max_ms: float | None
    messages_per_s: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def summarize(latencies_ms: Sequence[float], errors: int, wall_s: float) -> Stats:
    """Stats of the answered messages; errors are counted, not timed, so a refused request
    that returns in a millisecond cannot make a target look faster."""
    if wall_s <= 0:
        raise ValueError("wall time must be positive")
    if not latencies_ms:
        return Stats(0, errors, wall_s, None, None, None, None, None, 0.0)
    return Stats(
        messages=len(latencies_ms),
        errors=errors,
        wall_s=wall_s,
        median_ms=percentile(latencies_ms, 50),
        p95_ms=percentile(latencies_ms, 95),
        p99_ms=percentile(latencies_ms, 99),
        mean_ms=sum(latencies_ms) / len(latencies_ms),
        max_ms=max(latencies_ms),
        messages_per_s=len(latencies_ms) / wall_s,
    )
