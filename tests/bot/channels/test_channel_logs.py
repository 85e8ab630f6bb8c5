"""What reaches the server log on every messaging channel: never a patient's words (INFO and
above), and never a secret, even when every platform's API fails."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.bot.channels.conftest import (
    CALLBACK_TOKEN,
    TELEGRAM_SECRET,
    TWILIO_SMS_PUBLIC_URL,
    ChannelServers,
    channel_env,
    facebook_signature,
    new_id,
    new_number,
    slack_signature,
    twilio_signature,
)
from tests.bot.channels.fake_platforms import Call
from tools.stack import free_port, running_stack

pytestmark = pytest.mark.e2e


def send_to_every_channel(channels: ChannelServers, text: str) -> dict[str, Callable[[Call], bool]]:
    """One signed message per channel; returns, per platform, how to spot the reply to it."""
    chat, dm, psid, sender = new_number(), new_id("D"), new_id(), new_id()
    sms = {"From": f"+1555{new_number()}", "Body": text}
    whatsapp = {"From": f"whatsapp:+1555{new_number()}", "Body": text}
    channels.post("telegram", headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET},
                  json={"update_id": 1, "message": {"message_id": 1, "date": 1, "text": text,
                                                    "chat": {"id": chat, "type": "private"}}})
    slack = json.dumps({"type": "event_callback", "event": {
        "type": "message", "channel": dm, "user": new_id("U"), "text": text,
        "ts": "1.1", "channel_type": "im"}}).encode()
    now = str(int(time.time()))
    channels.post("slack", data=slack, headers={"Content-Type": "application/json",
                                                "X-Slack-Request-Timestamp": now,
                                                "X-Slack-Signature": slack_signature(slack, now)})
    facebook = json.dumps({"object": "page", "entry": [{"id": "1", "messaging": [
        {"sender": {"id": psid}, "message": {"mid": "m", "text": text}}]}]}).encode()
    channels.post("facebook", data=facebook, headers={
        "Content-Type": "application/json", "X-Hub-Signature-256": facebook_signature(facebook)})
    channels.post("twilio", data=sms,
                  headers={"X-Twilio-Signature": twilio_signature(TWILIO_SMS_PUBLIC_URL, sms)})
    channels.post("whatsapp", data=whatsapp, headers={
        "X-Twilio-Signature": twilio_signature(channels.webhook("whatsapp"), whatsapp)})
    channels.post("callback", json={"sender": sender, "message": text},
                  headers={"Authorization": f"Bearer {CALLBACK_TOKEN}"})
    return {
        "telegram": lambda call: call.data.get("chat_id") == str(chat),
        "slack": lambda call: call.data.get("channel") == dm,
        "facebook": lambda call: call.data.get("recipient") == {"id": psid},
        "twilio": lambda call: call.data.get("To") in {sms["From"], whatsapp["From"]},
        "callback": lambda call: call.data.get("recipient_id") == sender,
    }


def test_no_channel_logs_what_the_patient_wrote(channels: ChannelServers) -> None:
    marker = f"zq{new_id()}"
    recipients = send_to_every_channel(channels, f"my doctor said {marker} about my biopsy")

    def answered(call: Call) -> bool:
        return call.platform in recipients and recipients[call.platform](call)

    calls = channels.platforms.wait_for(answered, count=6)
    assert {call.platform for call in calls} == set(recipients)
    assert marker not in channels.log.read_text()


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChannelServers]:
    """Every channel configured against a platform API that refuses every connection."""
    env = channel_env(f"http://127.0.0.1:{free_port()}")
    with running_stack(tmp_path_factory.mktemp("broken"), extra_env=env) as stack:
        yield ChannelServers(url=stack.url, platforms=None, log=stack.log)  # type: ignore[arg-type]


def test_no_secret_reaches_the_log_when_every_platform_fails(broken: ChannelServers) -> None:
    send_to_every_channel(broken, "what are calcifications?")
    log: Path = broken.log
    deadline = time.monotonic() + 30
    # Each channel logs its failed reply, and then its failed apology.
    while log.read_text().count("failed") < 6 and time.monotonic() < deadline:
        time.sleep(0.5)
    text = log.read_text()
    assert text.count("failed") >= 6, text[-3000:]
    secrets = {name: value for name, value in channel_env("").items()
               if any(word in name for word in ("TOKEN", "SECRET", "AUTH"))}
    assert [name for name, value in secrets.items() if value in text] == []
