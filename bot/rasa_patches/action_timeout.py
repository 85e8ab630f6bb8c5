"""Bounds how long Rasa waits for the action server, so a patient is never left waiting.

Rasa 3.6 calls the action server with `DEFAULT_REQUEST_TIMEOUT` (5 minutes), a constant that
`rasa.core.actions.action` imports by name and uses for that one call. Rebinding the name in
that module shortens the action call alone (model loading, callbacks and other endpoints keep
Rasa's default). When the call times out or the server is down, Rasa logs the failure, keeps
the patient's message and the rest of the turn in the tracker and saves it; the channel then
sends the apology with the clinic's contact (bot/channels/unavailable.py).
"""

from __future__ import annotations

import logging
import os
from typing import Mapping

import rasa.core.actions.action as rasa_action

from bot.rasa_patches.patching import replace

logger = logging.getLogger(__name__)

TIMEOUT_ENV = "ACTION_TIMEOUT_S"
# Leaves time within the 5 s promise for the NLU before the call and the apology after it.
DEFAULT_TIMEOUT_S = 3.0


def action_timeout(environ: Mapping[str, str] | None = None) -> float:
    """Seconds to wait for the action server: ACTION_TIMEOUT_S, else the default."""
    environ = os.environ if environ is None else environ
    value = environ.get(TIMEOUT_ENV, "").strip()
    if not value:
        return DEFAULT_TIMEOUT_S
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds < float("inf"):
        raise ValueError(f"{TIMEOUT_ENV} must be a positive number of seconds, not {value!r}")
    return seconds


def install() -> None:
    """Applies the timeout to Rasa's action-server calls."""
    replace(rasa_action, "DEFAULT_REQUEST_TIMEOUT", action_timeout())
    logger.debug("Action server calls time out after %s s.", rasa_action.DEFAULT_REQUEST_TIMEOUT)
