"""Serves the demo clinic page, the built widget (build/widget/) and its config.json.

`make run` starts it on :8080 beside Rasa. A clinic may run it in production too, to host the
widget's files and config on its chat server; the page itself talks to Rasa's socket.io
channel, whose URL is RASA_URL (as the patient's browser reaches it). It also serves the staff
page /insights and its CSV export (bot/insights/), which read the conversation store that the
endpoints file (--endpoints, ENDPOINTS) names.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import secrets
import sys
from pathlib import Path
from string import Template
from typing import Any, Awaitable, Callable, Dict, List, Sequence
from urllib.parse import urlsplit

import yaml
from aiohttp import web

from bot.content import review
from bot.contract import ENGLISH, SPANISH
from bot.insights import web as insights
from bot.settings import settings
from bot.widget_config import widget_config

ROOT = Path(__file__).resolve().parents[1]
DEMO_DIR = ROOT / "widget" / "demo"
DEFAULT_ASSETS = ROOT / "build" / "widget"
WIDGET_SCRIPT = "clinic-chat.js"

# The demo page's own widget settings, shown on the page as the code a clinic would paste.
DEMO_PAGE_CONFIG: Dict[str, Any] = {"colors": {"primary": "#0b5394", "onPrimary": "#ffffff"}}
# The page's words per language. At /es/ it stands for a clinic's Spanish page
# (<html lang="es">): the widget takes its language from it.
DEMO_TEXTS: Dict[str, Dict[str, str]] = yaml.safe_load(
    (DEMO_DIR / "texts.yml").read_text(encoding="utf-8"))

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _script_json(value: Any) -> str:
    """JSON that is safe inside a <script> element."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e")


def _socket_origins(rasa_url: str) -> List[str]:
    """The HTTP and WebSocket origins of the Rasa server, for the page's connect-src."""
    parts = urlsplit(rasa_url)
    websocket = "wss" if parts.scheme == "https" else "ws"
    return [f"{parts.scheme}://{parts.netloc}", f"{websocket}://{parts.netloc}"]


def content_security_policy(nonce: str, rasa_url: str) -> str:
    """Scripts only from this server (and the page's one config script): no CDN can load."""
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self'",
            "img-src 'self' data:",
            f"connect-src 'self' {' '.join(_socket_origins(rasa_url))}",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def demo_page(rasa_url: str, widget_base: str, nonce: str, language: str = ENGLISH) -> str:
    """The demo clinic page with the widget embedded as the README tells clinics to do it."""
    clinic = settings()
    texts = DEMO_TEXTS[language]
    page_config = {"serverUrl": rasa_url, "title": texts["widget_title"], **DEMO_PAGE_CONFIG}
    snippet = (
        f"<script>\n  window.ClinicChat = {json.dumps(page_config, indent=2)};\n</script>\n"
        f'<script src="{widget_base}/widget/{WIDGET_SCRIPT}" defer></script>'
    )
    template = Template((DEMO_DIR / "index.html").read_text(encoding="utf-8"))
    return template.substitute(
        clinic_name=html.escape(clinic.clinic_name),
        clinic_phone=html.escape(clinic.clinic_phone),
        clinic_hours=html.escape(clinic.as_placeholders(language)["clinic_hours"]),
        lang=language,
        embed_snippet=html.escape(snippet),
        page_config=_script_json(page_config),
        nonce=nonce,
        **{key: html.escape(value) for key, value in texts.items() if key != "widget_title"},
    )


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    response = await handler(request)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    origin = request.headers.get("Origin")
    # Clinic pages on other origins may fetch config.json and the assets.
    if origin and origin in settings().origins:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Vary"] = "Origin"
    return response


def make_app(rasa_url: str, assets: Path = DEFAULT_ASSETS, endpoints: str = "endpoints.yml"
             ) -> web.Application:
    """The widget server; fails at once if the widget has not been built."""
    if not (assets / WIDGET_SCRIPT).is_file():
        raise FileNotFoundError(f"{assets / WIDGET_SCRIPT} is missing: run `make widget`")

    async def page(request: web.Request) -> web.Response:
        nonce = secrets.token_urlsafe(16)
        base = f"{request.scheme}://{request.host}"
        language = SPANISH if request.path.startswith("/es") else ENGLISH
        return web.Response(
            text=demo_page(rasa_url, base, nonce, language),
            content_type="text/html",
            headers={
                "Content-Security-Policy": content_security_policy(nonce, rasa_url),
                "Cache-Control": "no-store",
            },
        )

    async def config(_: web.Request) -> web.Response:
        return web.json_response(widget_config(rasa_url), headers={"Cache-Control": "no-cache"})

    async def health(_: web.Request) -> web.Response:
        return web.json_response(review.health())

    async def no_icon(_: web.Request) -> web.Response:
        return web.Response(status=204)

    app = web.Application(middlewares=[security_headers])
    app.router.add_get("/", page)
    app.router.add_get("/es/", page)
    app.router.add_get("/health", health)
    app.router.add_get("/favicon.ico", no_icon)
    app.router.add_get("/widget/config.json", config)
    app.router.add_static("/widget/", assets)
    app.router.add_static("/demo/", DEMO_DIR)
    insights.add_routes(app, endpoints)
    return app


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    rasa_port = os.environ.get("RASA_PORT", "5005")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=os.environ.get("WIDGET_HOST", "0.0.0.0"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("WIDGET_PORT", "8080")))
    parser.add_argument(
        "--rasa-url",
        default=os.environ.get("RASA_URL") or f"http://localhost:{rasa_port}",
        help="Rasa's URL as the browser reaches it (socket.io channel)",
    )
    parser.add_argument("--assets", type=Path, default=DEFAULT_ASSETS)
    parser.add_argument("--endpoints", default=os.environ.get("ENDPOINTS", "endpoints.yml"),
                        help="Rasa endpoints file whose conversation store /insights reads")
    return parser.parse_args(argv)


def main(argv: Sequence[str]) -> int:
    args = parse_args(argv)
    try:
        app = make_app(args.rasa_url.rstrip("/"), args.assets, args.endpoints)
    except FileNotFoundError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"Demo clinic page: http://localhost:{args.port}/ (Rasa at {args.rasa_url})", flush=True)
    web.run_app(app, host=args.host, port=args.port, print=None)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
