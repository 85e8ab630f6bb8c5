"""/insights and its export on the widget server: closed without the token, the stored (so
redacted) text escaped, and a clear 503 when the store cannot be read."""

from __future__ import annotations

import asyncio
import base64
import csv
import io
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from aiohttp.test_utils import TestClient, TestServer

from bot.insights import access, store
from bot.insights.web import period_days
from bot.widget_server import make_app
from tests.bot.insights.conftest import Conversations

TOKEN = "staff-secret"


@pytest.fixture()
def assets(tmp_path: Path) -> Path:
    folder = tmp_path / "assets"
    folder.mkdir()
    (folder / "clinic-chat.js").write_text("/* built widget */", encoding="utf-8")
    return folder


def fetch(assets: Path, path: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
    async def run() -> dict[str, Any]:
        async with TestClient(TestServer(make_app("http://127.0.0.1:5999", assets))) as client:
            response = await client.get(path, headers=headers or {})
            return {"status": response.status, "headers": response.headers,
                    "text": await response.text()}

    return asyncio.run(run())


def basic(user: str, password: str) -> dict[str, str]:
    pair = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {pair}"}


@pytest.fixture()
def stored(conversations: Conversations, monkeypatch: pytest.MonkeyPatch) -> Conversations:
    monkeypatch.setenv(store.DB_URL_ENV, f"sqlite:///{conversations.path}")
    monkeypatch.setenv(access.TOKEN_ENV, TOKEN)
    conversations.turn("ana", "call me at [phone] <script>alert(1)</script>",
                       {"topic": "out_of_scope", "language": "en"})
    conversations.turn("ana", "=HYPERLINK(\"http://x\") biopsy?",
                       {"topic": "not_covered", "language": "en"})
    return conversations


def test_off_until_the_token_is_set(assets: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(access.TOKEN_ENV, raising=False)
    for path in ("/insights", "/insights/export.csv"):
        answer = fetch(assets, path, basic("staff", ""))
        assert answer["status"] == 403
        assert access.TOKEN_ENV in answer["text"]


@pytest.mark.parametrize("headers", [{}, basic("staff", "wrong"), {"Authorization": "Bearer x"},
                                     {"Authorization": "Basic not-base64!"}])
def test_refused_without_the_token(assets: Path, stored: Conversations,
                                   headers: dict[str, str]) -> None:
    for path in ("/insights", "/insights/export.csv"):
        answer = fetch(assets, path, headers)
        assert answer["status"] == 401
        assert answer["headers"]["WWW-Authenticate"].startswith("Basic")
        assert "phone" not in answer["text"]


@pytest.mark.parametrize("headers", [basic("anyone", TOKEN), basic("", TOKEN),
                                     {"Authorization": f"Bearer {TOKEN}"}])
def test_basic_with_any_user_or_bearer(assets: Path, stored: Conversations,
                                       headers: dict[str, str]) -> None:
    answer = fetch(assets, "/insights", headers)
    assert answer["status"] == 200
    assert answer["headers"]["Cache-Control"] == "no-store"
    policy = answer["headers"]["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy


def test_stored_text_is_escaped_on_the_page(assets: Path, stored: Conversations) -> None:
    page = fetch(assets, "/insights?days=7", basic("staff", TOKEN))["text"]
    assert "<script>alert(1)</script>" not in page
    assert "call me at [phone] &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert '<option value="7" selected>' in page
    assert 'href="/insights/export.csv?days=7"' in page


def test_the_export_is_csv_with_formulas_defused(assets: Path, stored: Conversations) -> None:
    answer = fetch(assets, "/insights/export.csv?days=2", basic("staff", TOKEN))
    assert answer["headers"]["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer["text"])))
    assert rows[0] == ["time", "conversation", "channel", "language", "topic", "reason", "text",
                       "feedback"]
    assert [row[6] for row in rows[1:]] == ["call me at [phone] <script>alert(1)</script>",
                                            "'=HYPERLINK(\"http://x\") biopsy?"]


def test_an_unreadable_store_gets_a_clear_503(assets: Path, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(access.TOKEN_ENV, TOKEN)
    monkeypatch.setenv(store.DB_URL_ENV, f"sqlite:///{tmp_path}/missing/dir/db.sqlite")
    answer = fetch(assets, "/insights", basic("staff", TOKEN))
    assert answer["status"] == 503
    assert "cannot be read" in answer["text"]


@pytest.mark.parametrize(("value", "days"), [(None, 30), ("7", 7), ("0", 1), ("-5", 1),
                                             ("abc", 30), ("99999", 3660)])
def test_the_period_is_a_sane_number_of_days(value: str | None, days: int) -> None:
    assert period_days(value) == days


def test_the_votes_index_is_built_by_the_page_not_by_a_patients_turn(
        assets: Path, stored: Conversations) -> None:
    def indexes() -> set[str]:
        return {index["name"] for index in sa.inspect(stored.engine).get_indexes("events")}

    assert store.EVENTS_INDEX not in indexes()
    assert fetch(assets, "/insights", basic("staff", TOKEN))["status"] == 200
    assert store.EVENTS_INDEX in indexes()
