"""The production profile as a clinic runs it: nginx in front of two Rasa instances sharing
PostgreSQL and Redis. Started once for these tests by `make test-prod`; hurt on purpose."""

from __future__ import annotations

import os
import re
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from bot.content import content
from bot.insights import access
from bot.privacy import retention
from bot.settings import settings
from tools.prod import loadtest
from tools.prod.stack import ProdStack, running_prod

pytestmark = pytest.mark.prod
WEBHOOK = "/webhooks/rest/webhook"


INSIGHTS = ("staff", "prod-insights-" + uuid.uuid4().hex)


@pytest.fixture(scope="module")
def prod(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProdStack]:
    # The profile reads its settings from the environment; the staff page is on for these tests.
    before = os.environ.get(access.TOKEN_ENV)
    os.environ[access.TOKEN_ENV] = INSIGHTS[1]
    try:
        with running_prod(logs=tmp_path_factory.mktemp("prod-logs"),
                          stop_databases=True) as stack:
            yield stack
    finally:
        if before is None:
            os.environ.pop(access.TOKEN_ENV, None)
        else:
            os.environ[access.TOKEN_ENV] = before


def say(stack: ProdStack, sender: str, text: str, client: str = "10.9.0.1") -> requests.Response:
    return requests.post(stack.url + WEBHOOK, json={"sender": sender, "message": text},
                         headers={"X-Forwarded-For": client}, timeout=30)


def topics(response: requests.Response) -> list[str]:
    return [m["custom"].get("topic") for m in response.json() if "custom" in m]


def sender() -> str:
    return f"prod-{uuid.uuid4().hex[:10]}"


def test_answers_through_nginx_and_stores_in_postgresql(prod: ProdStack) -> None:
    patient = sender()
    assert topics(say(prod, patient, "are these white spots cancer?")) == ["are_they_cancer"]
    stored = loadtest.stored_messages(prod, {patient: ["are these white spots cancer?"]})
    assert stored == 1


def test_tracker_api_needs_the_token(prod: ProdStack) -> None:
    patient = sender()
    say(prod, patient, "what causes calcifications?")
    path = f"/conversations/{patient}/tracker"
    for base in (prod.url, *(f"http://127.0.0.1:{port}" for port in prod.rasa_ports)):
        assert requests.get(base + path, timeout=10).status_code == 401
        assert requests.get(base + path, params={"token": "wrong"}, timeout=10).status_code == 401
    tracker = requests.get(prod.url + path, params={"token": prod.auth_token}, timeout=10)
    assert tracker.status_code == 200
    assert tracker.json()["sender_id"] == patient


def test_a_client_over_its_rate_limit_gets_a_friendly_reply(prod: ProdStack) -> None:
    flood, patient = "10.9.9.9", sender()
    statuses = [say(prod, patient, "hello", client=flood) for _ in range(40)]
    limited = [r for r in statuses if r.status_code == 429]
    assert limited, "40 messages at once from one client were all let through"
    reply = limited[0].json()
    assert reply[-1]["custom"] == {"topic": "fallback", "reason": "rate_limited"}
    assert content().provider_line in reply[0]["text"]
    assert say(prod, sender(), "hello", client="10.9.9.10").status_code == 200


def test_an_oversized_request_is_refused(prod: ProdStack) -> None:
    response = requests.post(prod.url + WEBHOOK, data=b'{"sender": "x", "message": "' +
                             b"a" * 200_000 + b'"}', timeout=30)
    assert response.status_code == 413


def test_the_widget_page_is_served(prod: ProdStack) -> None:
    page = requests.get(prod.url + "/", timeout=10)
    assert page.status_code == 200
    assert "<script" in page.text


def test_insights_behind_nginx_read_postgresql(prod: ProdStack) -> None:
    patient = sender()
    reply = say(prod, patient, "are these white spots cancer?").json()
    answer_id = next(m["custom"]["answer_id"] for m in reply
                     if "answer_id" in m.get("custom", {}))
    vote = requests.post(prod.url + "/webhooks/rest/feedback", timeout=30, json={
        "sender": patient, "answer_id": answer_id, "value": "not_helpful"})
    assert vote.status_code == 200
    assert requests.get(prod.url + "/insights", timeout=10).status_code == 401
    page = requests.get(prod.url + "/insights", auth=INSIGHTS, timeout=30)
    assert page.status_code == 200
    feedback = page.text.split('<section id="feedback">', 1)[1]
    assert re.search(r"<td>are_they_cancer</td><td>\d+</td><td>[1-9]\d*</td>", feedback)
    export = requests.get(prod.url + "/insights/export.csv", auth=INSIGHTS, timeout=30).text
    assert "are these white spots cancer?" in export and "not_helpful" in export
    assert patient not in export


def test_metrics_are_served_by_each_server_and_not_through_nginx(prod: ProdStack) -> None:
    assert requests.get(prod.url + "/metrics", timeout=10).status_code == 404
    for port in prod.rasa_ports:
        metrics = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text
        assert "# TYPE calcifications_messages_total counter" in metrics
    actions = requests.get(f"http://127.0.0.1:{prod.env['ACTION_PORT']}/metrics", timeout=10)
    assert "calcifications_action_runs_total{" in actions.text


def test_killing_one_instance_during_40_conversations_loses_nothing(prod: ProdStack) -> None:
    outcome = loadtest.run_scenario(prod, "kill", conversations=40, concurrency=40,
                                    fault=loadtest.kill_first_rasa, fault_after_s=2.0)
    prod.start_rasa(0)
    assert outcome.sent == 400
    assert outcome.answered == outcome.sent
    assert outcome.stored == outcome.sent
    assert outcome.lost == 0


def test_a_postgresql_restart_loses_nothing(prod: ProdStack) -> None:
    outcome = loadtest.run_scenario(prod, "pg", conversations=20, concurrency=10,
                                    fault=loadtest.restart_postgres, fault_after_s=1.0)
    assert outcome.stored == outcome.sent
    assert outcome.lost == 0


def test_redis_restart_is_survived(prod: ProdStack) -> None:
    prod.restart_redis()
    outcome = loadtest.run_scenario(prod, "after redis", conversations=4, concurrency=4)
    assert outcome.answered == outcome.sent == outcome.stored


def test_action_server_down_gets_the_apology_within_5_seconds(prod: ProdStack) -> None:
    patient = sender()
    prod.stop("actions")
    try:
        started = time.monotonic()
        reply = say(prod, patient, "do I need a biopsy?")
        elapsed = time.monotonic() - started
    finally:
        prod.start_actions()
    assert elapsed < 5
    assert topics(reply) == ["fallback"]
    text = " ".join(m.get("text", "") for m in reply.json())
    assert content().provider_line in text
    assert settings().clinic_phone in text
    assert topics(say(prod, patient, "do I need a biopsy?")) == ["biopsy_when"]


def test_logs_hold_no_message_text(prod: ProdStack) -> None:
    secret = f"my neighbour {uuid.uuid4().hex[:8]} says calcium pills cause them"
    say(prod, sender(), secret)
    logs = "".join(path.read_text(errors="replace") for path in Path(prod.logs).glob("*.log"))
    nginx = Path(prod.env["PROD_DIR"]) / "nginx"
    logs += "".join(path.read_text(errors="replace") for path in nginx.glob("*.log"))
    assert secret.split()[2] not in logs


def test_purge_removes_idle_conversations_from_postgresql(
    prod: ProdStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Runs last: seen from three days ahead, every conversation here is idle and goes."""
    patient = sender()
    say(prod, patient, "what are calcifications?")
    endpoints = Path("deploy/endpoints.prod.yml")
    for name in re.findall(r"\$\{(\w+)\}", endpoints.read_text()):
        monkeypatch.setenv(name, prod.env[name])
    engine = retention.tracker_store_engine(str(endpoints))
    try:
        retention.purge(engine, days=1)
        assert loadtest.stored_messages(prod, {patient: ["what are calcifications?"]}) == 1
        removed = retention.purge(engine, days=1, now=time.time() + 3 * 86_400)
    finally:
        engine.dispose()
    assert removed.conversations >= 1 and removed.events >= 1
    assert loadtest.stored_messages(prod, {patient: ["what are calcifications?"]}) == 0
