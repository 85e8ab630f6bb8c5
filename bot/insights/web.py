"""The /insights page and /insights/export.csv, added to the widget server's app.

The database work runs in a thread, so the widget's own files keep being served while a report
is built. The engine is made at the first allowed request: a server with insights off never
opens the conversation store.
"""

from __future__ import annotations

import asyncio
import csv
import io
import logging
import os
import time
from pathlib import Path
from typing import Callable, TypeVar

from aiohttp import web

from bot.insights import access, store
from bot.insights.page import render_page
from bot.insights.report import EXPORT_COLUMNS, build_report, export_rows
from bot.insights.store import SECONDS_PER_DAY, Engine
from bot.settings import settings

logger = logging.getLogger(__name__)

T = TypeVar("T")

STYLESHEET = Path(__file__).with_name("insights.css")
DEFAULT_DAYS = 30
MAX_DAYS = 3660
# Staff pages: never cached, never indexed, never framed; nothing but the page's own stylesheet
# loads (the charts are inline SVG).
HEADERS = {
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex",
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self' data:; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
}
UNREADABLE = "The conversation store cannot be read now; the server's log says why."


def period_days(value: str | None) -> int:
    """The `days` query parameter: a whole number from 1 to MAX_DAYS, else the default."""
    try:
        days = int(value or DEFAULT_DAYS)
    except ValueError:
        return DEFAULT_DAYS
    return min(max(days, 1), MAX_DAYS)


def _period(request: web.Request) -> tuple[int, float, float]:
    """The days asked for, and the period they make up to now."""
    days = period_days(request.query.get("days"))
    until = time.time()
    return days, until - days * SECONDS_PER_DAY, until


class Insights:
    def __init__(self, endpoints: str, token: str) -> None:
        self._endpoints = endpoints
        self._token = token
        self._engine: Engine | None = None

    async def _read(self, read: Callable[[Engine, float, float], T], since: float,
                    until: float) -> T | None:
        """What `read` returns for [since, until), or None (logged) when the store cannot be
        read."""
        try:
            return await asyncio.to_thread(self._in_thread, read, since, until)
        except Exception as error:  # noqa: BLE001 - the page says so instead of a bare 500
            logger.error("Insights cannot read the conversation store (%s): %s",
                         self._endpoints, type(error).__name__)
            return None

    def _in_thread(self, read: Callable[[Engine, float, float], T], since: float,
                   until: float) -> T:
        if self._engine is None:
            self._engine = store.engine_for(self._endpoints)
            store.ensure_tables(self._engine)
            store.ensure_votes_index(self._engine)
        return read(self._engine, since, until)

    def _refusal(self, request: web.Request) -> web.Response | None:
        status = access.access_status(request.headers, self._token)
        if status == 403:
            return web.Response(status=403, text=access.OFF, headers=HEADERS)
        if status == 401:
            return web.Response(status=401, text=access.REFUSED,
                                headers={**HEADERS, "WWW-Authenticate": access.REALM})
        return None

    async def _serve(self, request: web.Request, read: Callable[[Engine, float, float], T],
                     respond: Callable[[T, int, float, float], web.Response]) -> web.Response:
        """The token checked, the period's data read, then `respond(data, days, since, until)`."""
        refusal = self._refusal(request)
        if refusal is not None:
            return refusal
        days, since, until = _period(request)
        data = await self._read(read, since, until)
        if data is None:
            return web.Response(status=503, text=UNREADABLE, headers=HEADERS)
        return respond(data, days, since, until)

    async def page(self, request: web.Request) -> web.Response:
        def respond(counts: store.Counts, days: int, since: float, until: float
                    ) -> web.Response:
            report = build_report(counts, since, until, days)
            logger.info("Insights page for %d days: %d messages.", days, report.messages)
            return web.Response(text=render_page(report, settings().clinic_name),
                                content_type="text/html", headers=HEADERS)

        return await self._serve(request, store.count_period, respond)

    async def export(self, request: web.Request) -> web.Response:
        def respond(period: store.Period, days: int, *_: float) -> web.Response:
            out = io.StringIO()
            writer = csv.writer(out)
            writer.writerow(EXPORT_COLUMNS)
            writer.writerows(export_rows(period, self._token))
            logger.info("Insights export for %d days: %d messages.", days, len(period.turns))
            return web.Response(
                text=out.getvalue(), content_type="text/csv", charset="utf-8",
                headers={**HEADERS,
                         "Content-Disposition": f'attachment; filename="insights-{days}d.csv"'},
            )

        return await self._serve(request, store.read_period, respond)

    async def stylesheet(self, _: web.Request) -> web.FileResponse:
        return web.FileResponse(STYLESHEET)


def add_routes(app: web.Application, endpoints: str) -> None:
    """GET /insights, /insights/export.csv and the page's stylesheet."""
    insights = Insights(endpoints, os.environ.get(access.TOKEN_ENV, "").strip())
    app.router.add_get("/insights", insights.page)
    app.router.add_get("/insights/", insights.page)
    app.router.add_get("/insights/export.csv", insights.export)
    app.router.add_get("/insights/insights.css", insights.stylesheet)
