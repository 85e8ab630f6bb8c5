"""The widget server: config.json, the built assets, the demo page and its CSP."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

import bot.widget_server as widget_server
from bot.settings import load_settings, settings
from bot.widget_config import widget_config
from bot.widget_server import make_app

RASA_URL = "http://127.0.0.1:5999"


@pytest.fixture()
def assets(tmp_path: Path) -> Path:
    (tmp_path / "clinic-chat.js").write_text("/* built widget */", encoding="utf-8")
    (tmp_path / "clinic-chat.css").write_text(".cc-root {}", encoding="utf-8")
    return tmp_path


def fetch(assets: Path, path: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
    """One GET against the app, served on a local port."""

    async def run() -> dict[str, Any]:
        async with TestClient(TestServer(make_app(RASA_URL, assets))) as client:
            response = await client.get(path, headers=headers or {})
            return {"status": response.status, "headers": response.headers,
                    "text": await response.text()}

    return asyncio.run(run())


def test_config_json_is_served(assets: Path) -> None:
    answer = fetch(assets, "/widget/config.json")
    assert answer["status"] == 200
    assert json.loads(answer["text"]) == widget_config(RASA_URL)


def test_config_may_be_fetched_by_allowed_clinic_pages_only(assets: Path) -> None:
    allowed = settings().origins[0]
    answer = fetch(assets, "/widget/config.json", {"Origin": allowed})
    assert answer["headers"]["Access-Control-Allow-Origin"] == allowed
    answer = fetch(assets, "/widget/config.json", {"Origin": "http://evil.example"})
    assert "Access-Control-Allow-Origin" not in answer["headers"]


def test_built_assets_are_served(assets: Path) -> None:
    answer = fetch(assets, "/widget/clinic-chat.js")
    assert (answer["status"], answer["text"]) == (200, "/* built widget */")
    assert answer["headers"]["X-Content-Type-Options"] == "nosniff"


def test_demo_page_embeds_the_widget_under_a_policy_that_blocks_other_scripts(
    assets: Path,
) -> None:
    answer = fetch(assets, "/")
    page, policy = answer["text"], answer["headers"]["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    inline = re.findall(r"<script nonce=\"([^\"]+)\">", page)
    assert inline == [nonce]
    assert re.findall(r"<script src=\"([^\"]+)\"", page) == ["/widget/clinic-chat.js"]
    script_src = next(p for p in policy.split("; ") if p.startswith("script-src"))
    assert script_src == f"script-src 'self' 'nonce-{nonce}'"  # no CDN can load
    assert "connect-src 'self' http://127.0.0.1:5999 ws://127.0.0.1:5999" in policy
    assert f'"serverUrl": "{RASA_URL}"' in page
    assert settings().clinic_name in page


@pytest.mark.parametrize(("path", "language"), [("/", "en"), ("/es/", "es")])
def test_the_demo_page_speaks_its_language_from_its_texts_file(
    assets: Path, path: str, language: str
) -> None:
    page = fetch(assets, path)["text"]
    texts = widget_server.DEMO_TEXTS[language]
    other = widget_server.DEMO_TEXTS["es" if language == "en" else "en"]
    assert f'<html lang="{language}">' in page
    assert f'"title": "{texts["widget_title"]}"' in page
    assert f"<h2>{texts['embed']}</h2>" in page and f"<h2>{other['embed']}</h2>" not in page
    assert "$" not in page.split("<pre>")[0]  # every placeholder filled


def test_each_page_gets_a_fresh_nonce(assets: Path) -> None:
    first = fetch(assets, "/")["headers"]["Content-Security-Policy"]
    assert first != fetch(assets, "/")["headers"]["Content-Security-Policy"]


def test_clinic_settings_are_escaped_in_the_demo_page(
    assets: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hostile = load_settings(environ={"CLINIC_NAME": "</script><script>alert(1)</script>"})
    monkeypatch.setattr(widget_server, "settings", lambda: hostile)
    page = fetch(assets, "/")["text"]
    assert "<script>alert(1)" not in page
    assert "&lt;/script&gt;&lt;script&gt;alert(1)" in page


def test_the_server_refuses_to_start_without_a_built_widget(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="make widget"):
        make_app(RASA_URL, tmp_path)
