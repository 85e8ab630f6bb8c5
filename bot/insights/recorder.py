"""Writes each stored turn's insights row into the database of Rasa's SQL tracker store."""

from __future__ import annotations

import logging
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from sqlalchemy.engine import Engine

from bot.insights import store
from bot.insights.turns import Turn

logger = logging.getLogger(__name__)

_ready: set[int] = set()


def sql_engine(tracker_store: Any) -> Engine | None:
    """The engine of a SQL tracker store (unwrapping Rasa's AwaitableTrackerStore), if it is
    one; other stores (in memory, Redis) keep no insights."""
    inner = getattr(tracker_store, "_tracker_store", tracker_store)
    return inner.engine if isinstance(inner, SQLTrackerStore) else None


def record(tracker_store: Any, turn: Turn) -> None:
    """Adds the turn's row; a failure is logged and never reaches the patient's reply."""
    engine = sql_engine(tracker_store)
    if engine is None:
        return
    try:
        if id(engine) not in _ready:
            store.ensure_tables(engine)
            _ready.add(id(engine))
        with engine.begin() as connection:
            store.record_turns(connection, [turn])
    except Exception as error:  # noqa: BLE001 - the conversation itself is stored already
        logger.warning("Could not record a %s message for the insights: %s",
                       turn.channel, type(error).__name__)
