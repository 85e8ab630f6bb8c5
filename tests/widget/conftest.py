"""The demo clinic page in Debian's chromium, talking to real servers: the action server and
`rasa run` (tools/stack.py) and the widget server, all on free local ports."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

import pytest
from playwright.sync_api import Browser, Dialog, Locator, Page, sync_playwright

from tools.stack import ROOT, Stack, StackError, free_port, running_stack, serving

CHROMIUM = Path("/usr/bin/chromium")
WIDGET_SCRIPT = ROOT / "build" / "widget" / "clinic-chat.js"
SCREENSHOTS = ROOT / "reports" / "widget"


@dataclass
class Site:
    """The demo page's URL, and Rasa behind it, which a test may restart on the same port."""

    url: str
    work: Path
    ports: tuple[int, int]
    origin_env: dict[str, str]
    # A second clinic page, on another allowed origin, for other clients (rasa-webchat).
    other_origin: str = ""
    stack: Stack | None = None
    _running: AbstractContextManager[Stack] | None = field(default=None, repr=False)

    def start_rasa(self) -> Stack:
        # running_stack picks its two ports with free_port(); the same two each time, so a
        # restarted Rasa is where the page already looks for it.
        with mock.patch("tools.stack.free_port", side_effect=list(self.ports)):
            self._running = running_stack(self.work, extra_env=self.origin_env)
            self.stack = self._running.__enter__()
        return self.stack

    def stop_rasa(self) -> None:
        if self._running is not None:
            self._running.__exit__(None, None, None)
            self._running = None


@pytest.fixture(scope="package")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    if not WIDGET_SCRIPT.exists():
        pytest.fail(f"{WIDGET_SCRIPT} is missing: run `make widget`")
    work = tmp_path_factory.mktemp("widget")
    widget_port = free_port()
    origin = f"http://127.0.0.1:{widget_port}"
    other = f"http://127.0.0.1:{free_port()}"
    site = Site(url=origin, work=work, ports=(free_port(), free_port()),
                origin_env={"ALLOWED_ORIGINS": f"{origin},{other}"}, other_origin=other)
    try:
        stack = site.start_rasa()
        widget = {"widget": [sys.executable, "-m", "bot.widget_server", "--host", "127.0.0.1",
                             "--port", str(widget_port), "--rasa-url", stack.url]}
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        with serving(widget, [f"{origin}/health"], cwd=ROOT, env=env, log=work / "widget.log"):
            yield site
    except StackError as error:
        pytest.fail(str(error))
    finally:
        site.stop_rasa()


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make chromium` (scripts/install_chromium.sh)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield browser
        browser.close()


class Chat:
    """The demo page as a patient uses it, through the roles and names a screen reader hears."""

    def __init__(self, page: Page, site: Site) -> None:
        self.page = page
        self.site = site
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        page.on("dialog", self._dialog)
        page.on("request", lambda request: self.requests.append(request.url))

    def _dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    @property
    def launcher(self) -> Locator:
        return self.page.get_by_role("button", name=re.compile(r"\bchat\b", re.IGNORECASE))

    @property
    def log(self) -> Locator:
        return self.page.get_by_role("log")

    @property
    def input(self) -> Locator:
        return self.page.get_by_role("textbox", name="Your question")

    def load(self) -> None:
        self.page.goto(self.site.url)
        self.launcher.or_(self.page.get_by_role("dialog")).first.wait_for()

    def focused(self) -> dict[str, str]:
        return self.page.evaluate(
            "() => ({tag: document.activeElement.tagName, cls: document.activeElement.className})"
        )

    def open_with_keyboard(self) -> None:
        """Tabs from the top of the page to the launcher and presses Enter."""
        for _ in range(30):
            self.page.keyboard.press("Tab")
            if self.page.evaluate("() => document.activeElement.matches('.cc-launcher')"):
                break
        else:
            pytest.fail("the chat launcher cannot be reached with the Tab key")
        self.page.keyboard.press("Enter")
        self._opened()

    def open(self) -> None:
        self.launcher.click()
        self._opened()

    def _opened(self) -> None:
        """Waits for the panel and its first message (a new session starts with the greeting)."""
        self.page.get_by_role("dialog").wait_for()
        self.wait_for_bot_messages(1)

    def bot_messages(self) -> list[dict]:
        return self.log.locator(".cc-bot").evaluate_all(
            """nodes => nodes.map(node => ({
                topic: node.dataset.topic || "",
                text: node.querySelector(".cc-text").textContent,
                link: node.querySelector("a.cc-source") && {
                    text: node.querySelector("a.cc-source").firstChild.textContent,
                    href: node.querySelector("a.cc-source").href,
                    target: node.querySelector("a.cc-source").target,
                    rel: node.querySelector("a.cc-source").rel,
                },
                buttons: [...node.querySelectorAll("button.cc-reply")].map(b => b.textContent),
            }))"""
        )

    def wait_for_bot_messages(self, count: int) -> list[dict]:
        self.page.wait_for_function(
            "n => document.querySelectorAll('.cc-log .cc-bot').length >= n", arg=count
        )
        return self.bot_messages()

    def ask(self, question: str) -> dict:
        """Types a question, sends it with Enter, and returns the one bot message it got."""
        before = len(self.bot_messages())
        self.input.fill(question)
        self.input.press("Enter")
        return self.wait_for_bot_messages(before + 1)[before]

    def click_reply(self, title: str) -> dict:
        before = len(self.bot_messages())
        self.log.get_by_role("button", name=title).last.click()
        return self.wait_for_bot_messages(before + 1)[before]


@pytest.fixture()
def chat(browser: Browser, site: Site) -> Iterator[Chat]:
    """The demo page in a fresh browser profile (empty localStorage, so a new session)."""
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    context.set_default_timeout(20_000)
    yield Chat(context.new_page(), site)
    context.close()


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path
