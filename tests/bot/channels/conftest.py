"""The real Rasa and action servers with every messaging channel configured against a local
fake of the platforms' APIs (fake_platforms.py), started once for the channel tests."""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests.bot.channels.fake_platforms import FakePlatforms
from tools.stack import StackError, running_stack

TELEGRAM_TOKEN = "123456789:TEST-telegram-token"
TELEGRAM_SECRET = "telegram-secret_123"
SLACK_SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
FACEBOOK_APP_SECRET = "facebook-app-secret"
FACEBOOK_VERIFY_TOKEN = "clinic-verify-token"
TWILIO_ACCOUNT_SID = "AC" + "1" * 32
TWILIO_AUTH_TOKEN = "twilio-auth-token"
TWILIO_SMS_NUMBER = "+15550100001"
TWILIO_WHATSAPP_NUMBER = "+14155238886"
# The SMS channel is set up as behind a proxy: Twilio signs this public URL, not the local one.
TWILIO_SMS_PUBLIC_URL = "https://clinic.example.org/webhooks/twilio/webhook"
TELEGRAM_PUBLIC_URL = "https://clinic.example.org/webhooks/telegram/webhook"
CALLBACK_TOKEN = "callback-shared-token"
SLACK_TOKEN = "xoxb-test-token"
FACEBOOK_PAGE_TOKEN = "facebook-page-token"


@dataclass
class ChannelServers:
    url: str
    platforms: FakePlatforms
    log: Path

    def webhook(self, channel: str) -> str:
        return f"{self.url}/webhooks/{channel}/webhook"

    def post(self, channel: str, **kwargs: object) -> requests.Response:
        return requests.post(self.webhook(channel), timeout=60, **kwargs)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def platforms() -> Iterator[FakePlatforms]:
    with FakePlatforms() as fake:
        yield fake


def channel_env(api: str) -> dict[str, str]:
    """Every channel configured, its platform API at `api` (a fake, or a broken address)."""
    return {
        "TELEGRAM_TOKEN": TELEGRAM_TOKEN,
        "TELEGRAM_SECRET_TOKEN": TELEGRAM_SECRET,
        "TELEGRAM_WEBHOOK_URL": TELEGRAM_PUBLIC_URL,
        "TELEGRAM_API_URL": f"{api}/telegram",
        "SLACK_TOKEN": SLACK_TOKEN,
        "SLACK_SIGNING_SECRET": SLACK_SIGNING_SECRET,
        "SLACK_API_URL": f"{api}/slack/",
        "FACEBOOK_VERIFY_TOKEN": FACEBOOK_VERIFY_TOKEN,
        "FACEBOOK_APP_SECRET": FACEBOOK_APP_SECRET,
        "FACEBOOK_PAGE_ACCESS_TOKEN": FACEBOOK_PAGE_TOKEN,
        "FACEBOOK_API_URL": f"{api}/facebook",
        "TWILIO_ACCOUNT_SID": TWILIO_ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": TWILIO_AUTH_TOKEN,
        "TWILIO_SMS_NUMBER": TWILIO_SMS_NUMBER,
        "TWILIO_SMS_WEBHOOK_URL": TWILIO_SMS_PUBLIC_URL,
        "TWILIO_WHATSAPP_NUMBER": TWILIO_WHATSAPP_NUMBER,
        "TWILIO_WHATSAPP_WEBHOOK_URL": "",
        "TWILIO_API_URL": f"{api}/twilio",
        "CALLBACK_URL": f"{api}/callback",
        "CALLBACK_TOKEN": CALLBACK_TOKEN,
    }


@pytest.fixture(scope="session")
def channels(
    tmp_path_factory: pytest.TempPathFactory, platforms: FakePlatforms
) -> Iterator[ChannelServers]:
    env = channel_env(platforms.url)
    try:
        with running_stack(tmp_path_factory.mktemp("channels"), extra_env=env) as stack:
            yield ChannelServers(url=stack.url, platforms=platforms, log=stack.log)
            log = stack.log.read_text()
    except StackError as error:
        pytest.fail(str(error))
    # Every bad request above was refused with a 4xx: none may have crashed a handler.
    assert "Traceback" not in log, log[-6000:]


def new_id(prefix: str = "") -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}"


def new_number() -> int:
    """A chat id or phone number no other test uses."""
    return int(uuid.uuid4().int % 10**9) + 10**9


def slack_signature(body: bytes, timestamp: str, secret: str = SLACK_SIGNING_SECRET) -> str:
    """Slack's documented v0 signature: HMAC-SHA256 of "v0:<timestamp>:<body>"."""
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def twilio_signature(url: str, params: dict[str, str], token: str = TWILIO_AUTH_TOKEN) -> str:
    """Twilio's documented signature: Base64 HMAC-SHA1 of the URL followed by every POST
    parameter name and value, sorted by name."""
    data = url + "".join(f"{key}{params[key]}" for key in sorted(params))
    digest = hmac.new(token.encode(), data.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def facebook_signature(body: bytes, secret: str = FACEBOOK_APP_SECRET,
                       algorithm: str = "sha256") -> str:
    """Meta's X-Hub-Signature(-256): "<algorithm>=" and the hex HMAC of the body."""
    return f"{algorithm}=" + hmac.new(secret.encode(), body, algorithm).hexdigest()
