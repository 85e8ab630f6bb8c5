"""Reads a reply of just a number ("2") as picking that topic from the ones last offered.

Channels without buttons (SMS, WhatsApp) list follow-up topics as "1. ...", "2. ..."; the
patient answers with the digit. The rule is the same on every channel, so it lives in the NLU
rule layer, not in one channel: a digit from 1 to 9 and nothing else (spaces allowed).
"""

from __future__ import annotations

import re

# A turn offers a few topics; lists stop at 9 so that every option is one digit.
MAX_OPTIONS = 9
_OPTION = re.compile(r"\s*([1-9])\s*")


def option_number(text: str) -> int | None:
    """The number a reply of only one digit 1-9 picks, or None for any other text."""
    match = _OPTION.fullmatch(text or "")
    return int(match.group(1)) if match else None
