"""How the evaluation and benchmark reports mark each target of the issue."""

from __future__ import annotations

from dataclasses import dataclass

MET, NOT_MET, NOT_MEASURED = "met", "not met", "not measured"


@dataclass(frozen=True)
class Check:
    """One target: what it asks, what was measured, whether it is met, and (for thresholds
    that are not part of the name) the threshold."""

    name: str
    measured: str
    status: str
    threshold: str = ""


def status(ok: bool | None) -> str:
    """met / not met, or not measured when there was nothing to judge."""
    return NOT_MEASURED if ok is None else (MET if ok else NOT_MET)
