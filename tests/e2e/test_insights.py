"""The clinic's view, end to end: scripted conversations through real Rasa and action servers,
then /insights and its export on the widget server, the Prometheus metrics of both servers,
and the page in Chromium (screenshot reports/insights/insights.png for the README)."""

from __future__ import annotations

import csv
import io
import os
import re
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa
from playwright.sync_api import sync_playwright

from bot.insights import access, store
from bot.privacy.retention import purge
from tools.stack import ROOT, Stack, StackError, free_port, running_stack, serving

pytestmark = pytest.mark.e2e

TOKEN = "insights-" + uuid.uuid4().hex
AUTH = ("staff", TOKEN)
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = ROOT / "reports" / "insights"
PHONE = "(555) 301-4417"


@dataclass
class Clinic:
    stack: Stack
    insights: str

    def say(self, sender: str, text: str) -> list[dict]:
        response = requests.post(f"{self.stack.url}/webhooks/rest/webhook",
                                 json={"sender": sender, "message": text}, timeout=30)
        response.raise_for_status()
        return response.json()

    def page(self, days: int = 30) -> str:
        response = requests.get(f"{self.insights}/insights", params={"days": days}, auth=AUTH,
                                timeout=30)
        response.raise_for_status()
        return response.text

    def export(self) -> list[list[str]]:
        response = requests.get(f"{self.insights}/insights/export.csv", auth=AUTH, timeout=30)
        response.raise_for_status()
        return list(csv.reader(io.StringIO(response.text)))[1:]


def customs(replies: list[dict]) -> list[dict]:
    return [reply["custom"] for reply in replies if "custom" in reply]


@pytest.fixture(scope="module")
def clinic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Clinic]:
    work = tmp_path_factory.mktemp("insights")
    try:
        with running_stack(work) as stack:
            port = free_port()
            env = {**os.environ, "PYTHONPATH": str(ROOT), access.TOKEN_ENV: TOKEN,
                   store.DB_URL_ENV: f"sqlite:///{stack.tracker_db}"}
            widget = {"widget": [sys.executable, "-m", "bot.widget_server", "--host",
                                 "127.0.0.1", "--port", str(port), "--rasa-url", stack.url]}
            url = f"http://127.0.0.1:{port}"
            with serving(widget, [f"{url}/health"], cwd=ROOT, env=env, log=work / "widget.log"):
                yield Clinic(stack=stack, insights=url)
    except StackError as error:
        pytest.fail(str(error))


@pytest.fixture(scope="module")
def scripted(clinic: Clinic) -> dict[str, str]:
    """Answers, a fallback, an answer the source does not cover, an emergency and a vote."""
    ana, bea = "ana-" + uuid.uuid4().hex[:8], "bea-" + uuid.uuid4().hex[:8]
    answer = customs(clinic.say(ana, "are these white spots cancer?"))[0]
    clinic.say(ana, "😀😱🙏")
    clinic.say(ana, "how are calcifications treated?")
    clinic.say(bea, "¿las calcificaciones son cáncer?")
    clinic.say(bea, "I can't breathe and my chest hurts")
    vote = requests.post(f"{clinic.stack.url}/webhooks/rest/feedback", timeout=30, json={
        "sender": ana, "answer_id": answer["answer_id"], "value": "helpful"})
    assert vote.status_code == 200
    return {"ana": ana, "bea": bea}


def test_the_page_and_export_need_the_token(clinic: Clinic) -> None:
    for path in ("/insights", "/insights/export.csv"):
        refused = requests.get(f"{clinic.insights}{path}", timeout=30)
        assert refused.status_code == 401
        assert refused.headers["WWW-Authenticate"].startswith("Basic")
        bearer = requests.get(f"{clinic.insights}{path}", timeout=30,
                              headers={"Authorization": f"Bearer {TOKEN}"})
        assert bearer.status_code == 200


def cell(page: str, section: str, label: str) -> str:
    """The number beside `label` in the table of a section of the page."""
    part = page.split(f'<section id="{section}">', 1)[1].split("</section>", 1)[0]
    found = re.search(rf"<td>{re.escape(label)}</td><td>([^<]*)</td>", part)
    assert found, f"{label!r} not in section {section}"
    return found.group(1)


def test_the_page_shows_each_figure_of_the_conversations(clinic: Clinic,
                                                          scripted: dict[str, str]) -> None:
    page = clinic.page()
    assert "<strong>2</strong> conversations, <strong>5</strong> patient messages" in page
    today = time.strftime("%Y-%m-%d", time.gmtime())
    assert cell(page, "per-day", today) == "2"
    assert cell(page, "channels", "rest") == "5"
    assert cell(page, "languages", "es") == "1"
    assert cell(page, "topics", "are_they_cancer") == "2"
    assert cell(page, "unanswered", "fallback") == "1"
    assert cell(page, "unanswered", "not_covered") == "1"
    assert cell(page, "unanswered", "how are calcifications treated?") == "not_covered"
    assert cell(page, "unanswered", "😀😱🙏") == "fallback"
    assert cell(page, "emergencies", "chest_pain") == "1"
    assert cell(page, "feedback", "are_they_cancer") == "1"


def test_the_export_lists_each_patient_message_once(clinic: Clinic,
                                                    scripted: dict[str, str]) -> None:
    rows = clinic.export()
    assert sorted(row[6] for row in rows) == sorted([
        "are these white spots cancer?", "😀😱🙏", "how are calcifications treated?",
        "¿las calcificaciones son cáncer?", "I can't breathe and my chest hurts"])
    assert not {row[1] for row in rows} & set(scripted.values())
    by_text = {row[6]: row for row in rows}
    assert by_text["are these white spots cancer?"][7] == "helpful"
    assert by_text["I can't breathe and my chest hurts"][5] == "emergency:chest_pain"
    assert by_text["¿las calcificaciones son cáncer?"][3] == "es"


def metric(url: str, name: str) -> float:
    """The sum of a metric's samples (`name`, or one sample: `name{label="value"}`)."""
    text = requests.get(f"{url}/metrics", timeout=30).text
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
               if line.startswith((name + "{", name + " ")))


def test_each_patient_message_adds_one_to_the_message_counter(clinic: Clinic) -> None:
    messages = metric(clinic.stack.url, "calcifications_messages_total")
    actions = metric(clinic.stack.action_url, "calcifications_action_runs_total")
    answered = metric(clinic.stack.action_url, "calcifications_action_messages_total")
    clinic.say("cara-" + uuid.uuid4().hex[:8], "do I need a biopsy?")
    assert metric(clinic.stack.url, "calcifications_messages_total") == messages + 1
    assert metric(clinic.stack.action_url, "calcifications_action_runs_total") == actions + 1
    assert metric(clinic.stack.action_url, "calcifications_action_messages_total") == answered + 1
    assert metric(clinic.stack.url, "calcifications_turn_seconds_count") >= 1


def test_a_phone_number_typed_by_a_patient_is_never_shown(clinic: Clinic) -> None:
    digits = re.sub(r"\D", "", PHONE)
    clinic.say("dee-" + uuid.uuid4().hex[:8], f"please call me at {PHONE} about my results")
    shown = [clinic.page(), "\n".join(",".join(row) for row in clinic.export()),
             requests.get(f"{clinic.stack.url}/metrics", timeout=30).text,
             requests.get(f"{clinic.stack.action_url}/metrics", timeout=30).text]
    assert "please call me at [phone] about my results" in shown[1]
    for text in shown:
        assert PHONE not in text
        assert digits not in re.sub(r"\D", "", text.replace("\n", " "))


def test_the_page_in_chromium(clinic: Clinic, scripted: dict[str, str]) -> None:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make chromium`")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            anonymous = browser.new_context()
            assert anonymous.request.get(f"{clinic.insights}/insights").status == 401
            staff = browser.new_context(http_credentials={"username": AUTH[0],
                                                          "password": AUTH[1]},
                                        viewport={"width": 1100, "height": 900})
            page = staff.new_page()
            errors: list[str] = []
            page.on("console", lambda message: errors.append(message.text))
            assert page.goto(f"{clinic.insights}/insights").status == 200
            assert page.get_by_role("heading", name="Was the answer helpful?").is_visible()
            assert page.locator("svg.chart").count() >= 5
            assert page.locator("#feedback svg.chart rect").count() >= 1
            page.get_by_label("Period").select_option("7")
            page.get_by_role("button", name="Show").click()
            page.wait_for_url(re.compile(r"days=7"))
            with page.expect_download() as download:
                page.get_by_role("link", name="Export CSV").click()
            assert download.value.suggested_filename == "insights-7d.csv"
            page.screenshot(path=str(SCREENSHOTS / "insights.png"), full_page=True)
            assert errors == []
        finally:
            browser.close()


def test_a_purge_removes_conversations_from_the_page(clinic: Clinic,
                                                     scripted: dict[str, str]) -> None:
    assert "<strong>0</strong> patient messages" not in clinic.page()
    engine = sa.create_engine(f"sqlite:///{clinic.stack.tracker_db}")
    purge(engine, days=1, now=time.time() + 2 * 86_400)
    page = clinic.page()
    assert "<strong>0</strong> conversations, <strong>0</strong> patient messages" in page
    assert clinic.export() == []


def test_action_server_metrics_take_only_known_names_as_labels(clinic: Clinic) -> None:
    """A call naming an action the domain lacks, from a channel with a made-up name, counts as
    an error of `unknown`: a label never takes what a caller sends."""
    errors = metric(clinic.stack.action_url, 'calcifications_action_errors_total{action="unknown"}')
    call = {"next_action": "action_<script>", "sender_id": "probe", "version": "3.6.21",
            "domain": {}, "tracker": {"sender_id": "probe", "slots": {}, "events": [],
                                      "latest_action_name": "action_listen",
                                      "latest_input_channel": "<b>chan</b>",
                                      "latest_message": {"text": "hi"}}}
    refused = requests.post(f"{clinic.stack.action_url}/webhook", json=call, timeout=30,
                            headers={"X-Action-Token": clinic.stack.action_token})
    assert refused.status_code == 404
    text = requests.get(f"{clinic.stack.action_url}/metrics", timeout=30).text
    assert "<script>" not in text and "<b>" not in text
    assert metric(clinic.stack.action_url,
                  'calcifications_action_errors_total{action="unknown"}') == errors + 1
    assert 'calcifications_action_messages_total{channel="unknown"}' in text
