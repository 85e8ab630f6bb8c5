"""No secret reaches a log line, whatever logged it and whatever the exception text says."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from bot import log_secrets
from bot.log_secrets import REDACTED, scrub, secrets_in

ENV = {"FACEBOOK_PAGE_ACCESS_TOKEN": "EAAB-page-token-123", "TELEGRAM_TOKEN": "123:AAbc-def",
       "DB_PASSWORD": "s3cret-pw", "SLACK_SIGNING_SECRET": "abc", "CLINIC_PHONE": "555-0100"}


def test_secrets_are_read_from_the_names_that_hold_them() -> None:
    assert secrets_in(ENV) == ["EAAB-page-token-123", "123:AAbc-def", "s3cret-pw"]


@pytest.mark.parametrize(
    ("text", "hidden"),
    [
        ("POST https://graph.facebook.com/v17.0/me/messages?access_token=EAAB-page-token-123 "
         "failed", "EAAB-page-token-123"),
        ("ConnectionError: https://api.telegram.org/bot987:ZZ-other/sendMessage", "987:ZZ-other"),
        ("GET /x?token=unlisted-value&a=1", "unlisted-value"),
        ("headers {'Authorization': 'Bearer abcdefghijklmnop'}", "abcdefghijklmnop"),
        ("password s3cret-pw was rejected", "s3cret-pw"),
    ],
)
def test_scrub_removes_listed_secrets_and_secrets_in_urls(text: str, hidden: str) -> None:
    cleaned = scrub(text, secrets_in(ENV))
    assert hidden not in cleaned and REDACTED in cleaned


def test_ordinary_text_is_left_alone() -> None:
    text = "Replied with topics ['causes'] on facebook in 12 ms"
    assert scrub(text, secrets_in(ENV)) == text


@pytest.fixture
def installed() -> Iterator[None]:
    original = logging.getLogRecordFactory()
    log_secrets.install(ENV)
    yield
    logging.setLogRecordFactory(original)


def test_every_record_and_its_exception_are_scrubbed(
    installed: None, caplog: pytest.LogCaptureFixture
) -> None:
    logger = logging.getLogger("some.platform.client")
    try:
        raise ConnectionError("https://graph.facebook.com/me/messages?access_token="
                              "EAAB-page-token-123 unreachable")
    except ConnectionError:
        logger.exception("Sending with %s failed", "EAAB-page-token-123")
    handler = logging.StreamHandler()
    rendered = handler.format(caplog.records[-1])
    assert "EAAB-page-token-123" not in rendered
    assert "unreachable" in rendered and REDACTED in rendered


def test_installing_twice_scrubs_once(installed: None) -> None:
    factory = logging.getLogRecordFactory()
    log_secrets.install(ENV)
    assert logging.getLogRecordFactory() is factory
