"""Everything the project changes in Rasa's own behaviour, in one place, for Rasa 3.6 only.

`install()` is called by `bot/serve.py` before Rasa starts (so every server has all of them,
whatever `config.yml` names) and, for the Rasa CLI (`rasa train`, `rasa shell`, `rasa test`), by
the SafetyRuleLayer component when Rasa builds it. It refuses any Rasa but the 3.6 series, since
each patch reaches into that series' internals, and builds at start-up what the patches need.
`uninstall()` undoes them (tests install the patches they exercise and undo them after).

Each patch, what Rasa 3.6 does without it, and the tests that guard it (tests/bot/...):

- no_tensorflow: TensorFlow kept out of a server whose model runs no TensorFlow component
  (`install(model=...)`, by bot/serve.py); else each server process carries about 300 MB of
  it. Guard: rasa_patches/test_no_tensorflow.py, test_serve.py.
- no_jax: JAX kept out; else TensorFlow imports it, 65 MB and 1.5 s per server.
  Guard: test_serve.py.
- preload: the model loaded, and one message parsed, before Sanic forks, and the freed heap
  given back; else every worker loads its own copy, and the components build their rules at a
  patient's first message. Guard: test_serve.py, test_allocator.py.
- redaction: `MessageProcessor.log_message` redacts names, phones and e-mails; else they reach
  the NLU, the logs and the stores. Guard: rasa_patches/test_redaction.py.
- durability: `FailSafeTrackerStore` raises; else an answer is sent but never stored while the
  database is down. Guard: rasa_patches/test_durability.py.
- action_timeout: the action call's `DEFAULT_REQUEST_TIMEOUT`; else a hung action server holds
  a patient for 5 minutes. Guard: rasa_patches/test_action_timeout.py.
- speedups: a compiled response validator (else the JSON schema is checked again, about 80 ms
  an action), a plain graph run (else dask's scheduler costs a third of what it runs) and kept
  HTTP sessions (else a new TCP connection per action call). Guard: rasa_patches/test_speedups.py.
- long_conversations: the replays of a conversation continued from where the last message
  left them, RulePolicy given the last states its rules can match, and the action server the
  current turn's events; else message 300 of a conversation costs 12 times message 1.
  Guard: rasa_patches/test_long_conversations.py.
- observability: GET /metrics (Prometheus) on the Rasa server, each patient message counted and
  its insights row written; else Rasa 3.6 open source has neither. Guard:
  rasa_patches/test_observability.py.
"""

from __future__ import annotations

import logging
from importlib import metadata
from pathlib import Path

from bot.rasa_patches import no_jax, no_tensorflow, patching

logger = logging.getLogger(__name__)

RASA_SERIES = "3.6"


class UnsupportedRasaError(RuntimeError):
    """The installed Rasa is not the series the patches were written for."""


def check_rasa_version(version: str | None = None) -> None:
    """Stops with a clear message unless Rasa is of RASA_SERIES (read without importing it)."""
    version = version if version is not None else metadata.version("rasa")
    if version.split(".")[:2] != RASA_SERIES.split("."):
        raise UnsupportedRasaError(
            f"This assistant patches Rasa {RASA_SERIES}.x (bot/rasa_patches/) and cannot run on "
            f"Rasa {version}: install the pinned requirements (make install)."
        )


def installed() -> bool:
    return bool(patching.replaced())


def install(model: Path | None = None) -> None:
    """Checks Rasa's version, then applies every patch once; with the `model` a server is
    about to serve, keeps TensorFlow out when that model does not need it."""
    if installed():
        return
    check_rasa_version()
    if model is not None and no_tensorflow.runs_without(model):
        no_tensorflow.install()
    # Before anything imports TensorFlow, which the patch modules' Rasa imports do.
    no_jax.install()
    from bot.rasa_patches import (
        action_timeout,
        durability,
        long_conversations,
        observability,
        preload,
        redaction,
        speedups,
    )

    for patch in (redaction, durability, action_timeout, speedups, long_conversations,
                  observability, preload):
        patch.install()
    logger.debug("Rasa %s patched: %d attributes.", RASA_SERIES, len(patching.replaced()))


def uninstall() -> None:
    """Undoes every patch (JAX stays out: TensorFlow is loaded by then)."""
    patching.undo_all()
