"""A platform whose API hangs delays only its own replies: its webhooks are still answered in
time, and the other platforms' replies still go out."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest
import requests

from tests.bot.channels.conftest import (
    TWILIO_SMS_PUBLIC_URL,
    channel_env,
    facebook_signature,
    new_id,
    new_number,
    twilio_signature,
)
from tests.bot.channels.fake_platforms import FakePlatforms, HangingPlatform
from tools.stack import running_stack

pytestmark = pytest.mark.e2e

TWILIO_GIVES_UP_S = 15
MESSENGER_WITHIN_S = 10


@dataclass
class Stack:
    url: str
    platforms: FakePlatforms
    hung: HangingPlatform


@pytest.fixture(scope="module")
def twilio_hangs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with FakePlatforms() as platforms, HangingPlatform() as hung:
        env = {**channel_env(platforms.url), "TWILIO_API_URL": f"{hung.url}/twilio"}
        with running_stack(tmp_path_factory.mktemp("hung"), extra_env=env) as stack:
            yield Stack(stack.url, platforms, hung)


def sms(stack: Stack) -> float:
    """Seconds until a signed SMS webhook is answered."""
    form = {"From": f"+1555{new_number()}", "Body": "what are calcifications?"}
    started = time.monotonic()
    reply = requests.post(f"{stack.url}/webhooks/twilio/webhook", data=form, timeout=60,
                          headers={"X-Twilio-Signature": twilio_signature(
                              TWILIO_SMS_PUBLIC_URL, form)})
    assert reply.status_code == 200
    return time.monotonic() - started


def test_six_sms_are_answered_in_time_and_messenger_still_replies(twilio_hangs: Stack) -> None:
    psid = new_id()
    body = json.dumps({"object": "page", "entry": [{"id": "1", "messaging": [
        {"sender": {"id": psid}, "message": {"mid": "m", "text": "what causes them?"}}]}]}
    ).encode()
    with ThreadPoolExecutor(6) as pool:
        answered = [pool.submit(sms, twilio_hangs) for _ in range(6)]
        time.sleep(1)  # the SMS turns are now waiting on the hung API
        sent = time.monotonic()
        requests.post(f"{twilio_hangs.url}/webhooks/facebook/webhook", data=body, timeout=60,
                      headers={"Content-Type": "application/json",
                               "X-Hub-Signature-256": facebook_signature(body)})
        (reply, *_) = twilio_hangs.platforms.wait_for(
            lambda call: call.platform == "facebook" and "message" in call.data
            and call.data.get("recipient") == {"id": psid}, timeout=MESSENGER_WITHIN_S)
        reached = time.monotonic() - sent
        seconds = [future.result() for future in answered]
    assert twilio_hangs.hung.connections >= 1
    assert max(seconds) < TWILIO_GIVES_UP_S, seconds
    assert reached < MESSENGER_WITHIN_S
    assert reply.data["message"]["text"]
