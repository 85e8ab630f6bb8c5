"""The action server, answering only Rasa: `python -m actions.server [rasa_sdk options]`.

rasa_sdk's own server runs any action for anyone who can reach it. This one is the same app
(rasa_sdk.endpoint.create_app) with one check in front: when ACTION_SERVER_TOKEN is set, every
request except GET /health must carry it in the X-Action-Token header, which Rasa sends from
endpoints.yml; anything else gets a 403. Without a token it serves as before and says so in
the log, so a laptop needs no secrets. ACTION_SERVER_WORKERS (or --workers) sets the number of
Sanic worker processes. GET /metrics serves Prometheus metrics (action calls, failures and
their time, bot/metrics.py); like /health it needs no token, and no public proxy passes it on.
"""

from __future__ import annotations

import argparse
import hmac
import json
import logging
import os
import re
import time
import zlib
from pathlib import Path
from typing import Any, Awaitable, Callable, Mapping, Sequence

import yaml
from rasa_sdk import utils
from rasa_sdk.constants import APPLICATION_ROOT_LOGGER_NAME
from rasa_sdk.endpoint import create_app, create_argument_parser, create_ssl_context
from rasa_sdk.plugin import plugin_manager
from sanic import Sanic, response
from sanic.exceptions import InvalidUsage
from sanic.request import Request
from sanic.response import BaseHTTPResponse, HTTPResponse

from bot import log_secrets, metrics
from bot.content import review

logger = logging.getLogger(__name__)

TOKEN_ENV = "ACTION_SERVER_TOKEN"
TOKEN_HEADER = "X-Action-Token"
WORKERS_ENV = "ACTION_SERVER_WORKERS"
OPEN_PATHS = frozenset({"/health", "/metrics"})
DOMAIN = Path(__file__).resolve().parents[1] / "domain.yml"
# What a channel's name looks like (rest, socketio, telegram, ...): the metric's label.
CHANNEL_NAME = re.compile(r"[a-z_]{1,32}")
Middleware = Callable[[Request], Awaitable[HTTPResponse | None]]


def is_authorised(path: str, headers: Mapping[str, str], token: str) -> bool:
    """True when the request may be served: no token configured, an open path, or the token."""
    if not token or path in OPEN_PATHS:
        return True
    sent = headers.get(TOKEN_HEADER) or ""
    return hmac.compare_digest(sent.encode(), token.encode())


def token_check(token: str) -> Middleware:
    """A Sanic request middleware that refuses requests without the token."""

    async def check(request: Request) -> HTTPResponse | None:
        if is_authorised(request.path, request.headers, token):
            return None
        logger.warning("Refused a request to %s without the action server token.", request.path)
        return response.json({"error": "This server accepts calls from Rasa only."}, status=403)

    return check


def health_with_review() -> Middleware:
    """rasa_sdk's GET /health, with the clinical review state of the answers added."""

    async def health(request: Request) -> HTTPResponse | None:
        if request.method != "GET" or request.path != "/health":
            return None
        return response.json(review.health())

    return health


def _action_call(request: Request) -> dict[str, Any]:
    """The body Rasa sent, or {} when it cannot be read. A plain body was parsed already by
    rasa_sdk's handler and Sanic keeps the result; only a deflated one is read again here."""
    try:
        if request.headers.get("Content-Encoding") == "deflate":
            call = json.loads(zlib.decompress(request.body or b""))
        else:
            call = request.json
    except (ValueError, zlib.error, InvalidUsage):
        return {}
    return call if isinstance(call, dict) else {}


def _label(value: Any, allowed: Callable[[str], bool]) -> str:
    """A metric label never takes whatever a client sends: a known name, else "unknown"."""
    return value if isinstance(value, str) and allowed(value) else "unknown"


def count_action_calls(app: Sanic, known: frozenset[str]) -> None:
    """Counts every POST /webhook, its failures (any status from 400) and its time, and the
    patient messages answered (the first action after Rasa listened)."""

    async def started(request: Request) -> None:
        request.ctx.metrics_started = time.perf_counter()

    async def finished(request: Request, reply: BaseHTTPResponse) -> None:
        began = getattr(request.ctx, "metrics_started", None)
        if request.method != "POST" or request.path != "/webhook" or began is None:
            return
        call = _action_call(request)
        action = _label(call.get("next_action"), known.__contains__)
        metrics.ACTION_RUNS.labels(action).inc()
        if reply.status >= 400:
            metrics.ACTION_ERRORS.labels(action).inc()
        metrics.ACTION_SECONDS.observe(time.perf_counter() - began)
        tracker = call.get("tracker")
        if isinstance(tracker, dict) and tracker.get("latest_action_name") == "action_listen":
            channel = _label(tracker.get("latest_input_channel"),
                             lambda name: CHANNEL_NAME.fullmatch(name) is not None)
            metrics.ACTION_MESSAGES.labels(channel).inc()

    app.register_middleware(started, "request")
    app.register_middleware(finished, "response")


async def serve_metrics(_: Request) -> HTTPResponse:
    return response.raw(metrics.exposition(metrics.ACTIONS), content_type=metrics.CONTENT_TYPE)


def domain_actions(domain: Path = DOMAIN) -> frozenset[str]:
    data: dict[str, Any] = yaml.safe_load(domain.read_text(encoding="utf-8"))
    return frozenset(data.get("actions") or ())


def build_app(
    actions: str, token: str, cors_origins: Sequence[str] | None = None, auto_reload: bool = False
) -> Sanic:
    """rasa_sdk's app for the actions package, behind the token check when a token is set."""
    app = create_app(actions, cors_origins=cors_origins, auto_reload=auto_reload)
    app.register_middleware(health_with_review(), "request")
    if token:
        app.register_middleware(token_check(token), "request")
    app.add_route(serve_metrics, "/metrics", methods=["GET"], name="prometheus_metrics")
    count_action_calls(app, domain_actions())
    return app


def worker_count(value: str | int | None) -> int:
    """Sanic worker processes: a positive whole number, 1 when not given."""
    workers = int(value or 1)
    if workers < 1:
        raise ValueError(f"{WORKERS_ENV} must be at least 1, not {value!r}")
    return workers


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = create_argument_parser()
    parser.add_argument(
        "--workers",
        default=os.environ.get(WORKERS_ENV),
        help=f"Sanic worker processes (default: ${WORKERS_ENV} or 1)",
    )
    parser.set_defaults(actions="actions", cors=None)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    log_secrets.install()
    args = parse_args(argv)
    utils.configure_colored_logging(args.loglevel)
    utils.configure_file_logging(
        logging.getLogger(APPLICATION_ROOT_LOGGER_NAME),
        args.log_file,
        args.loglevel,
        args.logging_config_file,
    )
    utils.update_sanic_log_level()
    try:
        review.check_at_start_up("The action server")
    except review.UnreviewedContentError as error:
        raise SystemExit(str(error)) from None
    token = os.environ.get(TOKEN_ENV, "").strip()
    if not token:
        logger.warning(
            "%s is not set: the action server runs actions for anyone who can reach it. "
            "Set it (and give Rasa the same value) anywhere but on a laptop.",
            TOKEN_ENV,
        )
    workers = worker_count(args.workers)
    app = build_app(args.actions, token, args.cors, args.auto_reload)
    plugin_manager().hook.attach_sanic_app_extensions(app=app)
    ssl = create_ssl_context(args.ssl_certificate, args.ssl_keyfile, args.ssl_password)
    host = os.environ.get("SANIC_HOST", "0.0.0.0")
    logger.info(
        "Action endpoint is up and running on %s://%s:%s (%d worker%s, %s).",
        "https" if ssl else "http", host, args.port, workers, "" if workers == 1 else "s",
        "token required" if token else "no token",
    )
    app.run(host, args.port, ssl=ssl, workers=workers, access_log=False)


if __name__ == "__main__":
    main()
