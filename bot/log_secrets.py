"""Keeps secrets out of every log line, whatever logged it and whatever the exception says.

A platform client that fails puts its request URL in the exception text, and Messenger's and
Telegram's URLs carry the token ("...?access_token=EAAB...", ".../bot123:AA.../sendMessage").
Scrubbing at the record factory covers every logger and handler of the process, those Rasa and
Sanic configure later included: each record's message and exception text are rendered once and
cleaned before any handler sees them.
"""

from __future__ import annotations

import logging
import os
import re
import traceback
from collections.abc import Iterable, Mapping

REDACTED = "[redacted]"
# Environment variables whose values are secrets: channel credentials, the action server's and
# Rasa's tokens, database passwords.
SECRET_NAME = re.compile(r"TOKEN|SECRET|PASSWORD|PASSWD|AUTH|API_KEY|PRIVATE", re.IGNORECASE)
# Shorter values would match ordinary words; no real credential is this short.
MIN_SECRET_CHARS = 6
# Secrets in URLs whatever their value: query parameters and Telegram's /bot<token>/ path.
URL_SECRETS = (
    (re.compile(r"(?i)\b((?:access_|auth_|api_)?token|secret|password|api_key|key|signature)="
                r"[^&\s'\"<>]+"), rf"\1={REDACTED}"),
    (re.compile(r"/bot\d+:[\w-]+"), f"/bot{REDACTED}"),
    (re.compile(r"(?i)\b(authorization|bearer)([:=\s]+)[\w.~+/-]{8,}=*"), rf"\1\2{REDACTED}"),
)


def secrets_in(environ: Mapping[str, str]) -> list[str]:
    """The secret values of an environment, longest first (so a secret that contains another
    is removed whole)."""
    found = {value.strip() for name, value in environ.items()
             if SECRET_NAME.search(name) and len(value.strip()) >= MIN_SECRET_CHARS}
    return sorted(found, key=len, reverse=True)


def scrub(text: str, secrets: Iterable[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    for pattern, replacement in URL_SECRETS:
        text = pattern.sub(replacement, text)
    return text


def install(environ: Mapping[str, str] | None = None) -> None:
    """Makes every log record of this process scrubbed; call once, first thing in main()."""
    secrets = secrets_in(os.environ if environ is None else environ)
    make_record = logging.getLogRecordFactory()
    if getattr(make_record, "scrubs_secrets", False):
        return

    def scrubbed_record(*args: object, **kwargs: object) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string is logged as written
            message = str(record.msg)
        record.msg, record.args = scrub(message, secrets), None
        if record.exc_info and record.exc_info[0] is not None:
            rendered = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
            record.exc_text = scrub(rendered, secrets)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info, secrets)
        return record

    scrubbed_record.scrubs_secrets = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(scrubbed_record)
