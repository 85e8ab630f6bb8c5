"""Replaces attributes of Rasa's classes and modules, remembering what was there, so that every
patch can be undone (tests install the patches they need and undo them after)."""

from __future__ import annotations

from typing import Any

_MISSING = object()
_applied: list[tuple[Any, str, Any]] = []


def replace(owner: Any, name: str, value: Any) -> None:
    """Sets `owner.name` to `value`; a class's own attribute is kept as it is stored (a
    staticmethod stays one), an inherited one is deleted again on undo."""
    stored = vars(owner).get(name, _MISSING) if isinstance(owner, type) else getattr(owner, name)
    _applied.append((owner, name, stored))
    setattr(owner, name, value)


def undo_all() -> None:
    """Restores every replaced attribute, the last replaced first."""
    while _applied:
        owner, name, stored = _applied.pop()
        if stored is _MISSING:
            delattr(owner, name)
        else:
            setattr(owner, name, stored)


def replaced() -> list[tuple[Any, str]]:
    """What is replaced now, in order: (owner, attribute name)."""
    return [(owner, name) for owner, name, _ in _applied]
