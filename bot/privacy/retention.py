"""Deletes conversations that nobody has touched for longer than the retention period.

`make purge DAYS=N` (or `python -m bot.privacy.retention --days N`) removes every
conversation whose last event is more than N days old; without DAYS it keeps RETENTION_DAYS
(default 90). It opens the tracker store that Rasa uses, from the same endpoints.yml and
environment (TRACKER_DB for SQLite, the PostgreSQL settings of a production endpoints file),
or a SQLAlchemy URL given with --db-url, and deletes rows of Rasa's `events` table (and the
insights page's rows of the same conversations) in one transaction. Only events older than the
cut-off are deleted, so a message that arrives while the purge runs is never lost. Run it from
cron; it is safe beside running servers.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass
from typing import Mapping, Sequence

from rasa.core.tracker_store import SQLTrackerStore, TrackerStore
from rasa.utils.endpoints import read_endpoint_config
from sqlalchemy import Table, create_engine, delete, func, inspect, select
from sqlalchemy.engine import Engine

from bot.insights.store import TURNS

RETENTION_ENV = "RETENTION_DAYS"
DEFAULT_RETENTION_DAYS = 90
DB_URL_ENV = "TRACKER_DB_URL"
SECONDS_PER_DAY = 86_400
# Well below the bound-parameter limits of SQLite and PostgreSQL.
_CHUNK = 500


@dataclass(frozen=True)
class PurgeResult:
    conversations: int
    events: int


def retention_days(environ: Mapping[str, str] | None = None) -> int:
    """The documented default: RETENTION_DAYS, else 90 days."""
    environ = os.environ if environ is None else environ
    return positive_days(environ.get(RETENTION_ENV, "").strip() or DEFAULT_RETENTION_DAYS)


def positive_days(value: str | int) -> int:
    """A whole number of days, at least one (zero would delete today's conversations too)."""
    try:
        days = int(value)
    except ValueError:
        days = 0
    if days < 1:
        raise argparse.ArgumentTypeError(f"days must be a whole number, at least 1, not {value!r}")
    return days


def events_table() -> Table:
    """Rasa's `events` table, as its SQL tracker store defines it."""
    return SQLTrackerStore.SQLEvent.__table__


def purge(engine: Engine, days: float, now: float | None = None, dry_run: bool = False
          ) -> PurgeResult:
    """Deletes (or with dry_run only counts) conversations idle for more than `days` days."""
    cutoff = (time.time() if now is None else now) - days * SECONDS_PER_DAY
    events = events_table()
    stale_query = (
        select(events.c.sender_id)
        .group_by(events.c.sender_id)
        .having(func.max(events.c.timestamp) < cutoff)
    )
    removed = 0
    with engine.begin() as connection:
        # The insights rows of a conversation go with it (bot/insights/store.py).
        turns = TURNS if inspect(connection).has_table(TURNS.name) else None
        stale = [row[0] for row in connection.execute(stale_query)]
        for start in range(0, len(stale), _CHUNK):
            chunk = stale[start:start + _CHUNK]
            old = events.c.sender_id.in_(chunk) & (events.c.timestamp < cutoff)
            if dry_run:
                removed += connection.execute(
                    select(func.count()).select_from(events).where(old)
                ).scalar_one()
                continue
            removed += connection.execute(delete(events).where(old)).rowcount
            if turns is not None:
                connection.execute(delete(turns).where(
                    turns.c.sender_id.in_(chunk) & (turns.c.timestamp < cutoff)))
    return PurgeResult(conversations=len(stale), events=removed)


def tracker_store_engine(endpoints: str) -> Engine:
    """The engine of the SQL tracker store that endpoints.yml configures for Rasa."""
    config = read_endpoint_config(endpoints, "tracker_store")
    if config is None:
        raise SystemExit(f"{endpoints} configures no tracker store: nothing to purge.")
    store = TrackerStore.create(config)
    store = getattr(store, "_tracker_store", store)  # unwrap Rasa's AwaitableTrackerStore
    if not isinstance(store, SQLTrackerStore):
        raise SystemExit(
            f"The tracker store in {endpoints} is {type(store).__name__}; purge works on SQL "
            "tracker stores (SQLite, PostgreSQL) only."
        )
    return store.engine


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=positive_days, default=None,
                        help=f"keep conversations active in the last N days "
                             f"(default: ${RETENTION_ENV} or {DEFAULT_RETENTION_DAYS})")
    parser.add_argument("--endpoints", default="endpoints.yml",
                        help="Rasa endpoints file whose tracker_store to purge")
    parser.add_argument("--db-url", default=os.environ.get(DB_URL_ENV) or None,
                        help=f"SQLAlchemy URL instead of the endpoints file (${DB_URL_ENV})")
    parser.add_argument("--dry-run", action="store_true", help="count, delete nothing")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        days = args.days or retention_days()
    except argparse.ArgumentTypeError as error:
        raise SystemExit(f"{RETENTION_ENV}: {error}") from error
    engine = create_engine(args.db_url) if args.db_url else tracker_store_engine(args.endpoints)
    result = purge(engine, days, dry_run=args.dry_run)
    verb = "Would remove" if args.dry_run else "Removed"
    print(f"{verb} {result.conversations} conversations ({result.events} events) "
          f"with no activity in the last {days} days.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
