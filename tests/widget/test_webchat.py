"""rasa-webchat 1.0.1, the widget most Rasa sites embed, on a clinic page of an allowed origin
in Debian's chromium: it shows the greeting for its opening payload, then an answer with its
source and the provider line."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page

from bot.content import content
from tests.widget.conftest import SCREENSHOTS, Site
from tools.stack import ROOT

pytestmark = pytest.mark.e2e

WEBCHAT = ROOT / "build" / "webchat" / "webchat.js"
PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Clinic</title></head>
<body><h1>Clinic</h1><div id="webchat"></div>
<script src="webchat.js"></script>
<script>
  WebChat.default({{selector: "#webchat", initPayload: "/get_started", socketUrl: "{rasa}",
                   socketPath: "/socket.io/", title: "Questions", embedded: true,
                   params: {{storage: "session"}}}}, null);
</script></body></html>
"""


@pytest.fixture(scope="module")
def webchat_page(site: Site, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not WEBCHAT.exists():
        pytest.fail(f"{WEBCHAT} is missing: run `make webchat`")
    assert site.stack is not None
    folder: Path = tmp_path_factory.mktemp("webchat")
    (folder / "webchat.js").write_bytes(WEBCHAT.read_bytes())
    (folder / "index.html").write_text(PAGE.format(rasa=site.stack.url), encoding="utf-8")
    port = urlsplit(site.other_origin).port
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"{site.other_origin}/index.html"
    finally:
        server.shutdown()
        server.server_close()


def text_shown(page: Page, text: str) -> None:
    page.wait_for_function("t => document.body.innerText.includes(t)", arg=text, timeout=30_000)


def test_rasa_webchat_shows_the_greeting_then_an_answer_with_its_source(
    browser: Browser, webchat_page: str
) -> None:
    page = browser.new_page()
    try:
        page.goto(webchat_page)
        greeting = content().behaviour_text("greeting").split(".")[0]
        text_shown(page, greeting)
        box = page.locator("input.rw-new-message, textarea.rw-new-message").first
        box.fill("what causes calcifications?")
        box.press("Enter")
        topic = content().topics["causes"]
        text_shown(page, topic.answer.split(".")[0])
        text_shown(page, topic.source.url)
        text_shown(page, content().provider_line)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "rasa-webchat.png"), full_page=True)
    finally:
        page.close()
