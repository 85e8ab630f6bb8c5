"""Where the insights come from: one row per patient message, and the votes, in the
conversation store the profile uses (SQLite by default, PostgreSQL in production).

Rasa's `events` table holds everything, but a report read from it would parse every stored
event's JSON (a million events took seconds). So the Rasa server also writes, once a turn has
been stored, one small row per patient message to `insights_turns` in the same database (its
text as stored, so redacted; `record_turns`, called through bot/insights/recorder.py). Votes are
few and are read from the events themselves (their `feedback` slot events), over an index on
(type_name, action_name, timestamp). `make purge` deletes both with the conversation.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.contract import ANSWER_ID_FIELD, FEEDBACK_SLOT, LANGUAGE_KEY, TOPIC_FIELD
from bot.insights.turns import Turn

DB_URL_ENV = "TRACKER_DB_URL"
SECONDS_PER_DAY = 86_400
EVENTS_INDEX = "ix_events_type_action_timestamp"

METADATA = sa.MetaData()
TURNS = sa.Table(
    "insights_turns",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("timestamp", sa.Float, nullable=False, index=True),
    sa.Column("channel", sa.String(64), nullable=False),
    sa.Column("language", sa.String(16), nullable=False),
    sa.Column("topics", sa.String(1024), nullable=False),
    sa.Column("answers", sa.String(1024), nullable=False),
    sa.Column("emergency", sa.String(64)),
    sa.Column("safety_line", sa.String(64)),
    sa.Column("fallback_reason", sa.String(64)),
    # Why it went unanswered (Turn.reason), kept apart so the page can count it in SQL.
    sa.Column("reason", sa.String(64)),
    sa.Column("text", sa.Text, nullable=False),
)
# The columns a Turn is made of, in the order of its fields.
TURN_COLUMNS = ("timestamp", "sender_id", "channel", "text", "language", "topics", "answers",
                "emergency", "safety_line", "fallback_reason")
# The fields of a vote, read out of its slot event's JSON by the database.
VOTE_FIELDS = (ANSWER_ID_FIELD, TOPIC_FIELD, LANGUAGE_KEY, "value")


@dataclass(frozen=True)
class StoredVote:
    time: float
    answer_id: str
    topic: str
    language: str
    value: str


@dataclass
class Counts:
    """A period's figures, counted by the database (GROUP BY over the time index)."""

    messages: int
    conversations: int
    per_day: list[tuple[int, int, int]]  # day number since 1970 (UTC), conversations, messages
    by: dict[str, dict[str | None, int]]  # column -> value -> messages
    unanswered: list[tuple[str, str]]  # text, reason
    votes: list[StoredVote]


@dataclass
class Period:
    """The messages of a period with the replies to them, and the votes cast in it."""

    since: float
    until: float
    turns: list[Turn] = field(default_factory=list)
    votes: list[StoredVote] = field(default_factory=list)


def engine_for(endpoints: str) -> Engine:
    """The database of the profile: TRACKER_DB_URL, else the endpoints file's tracker store."""
    url = os.environ.get(DB_URL_ENV, "").strip()
    if url:
        return sa.create_engine(url)
    from bot.privacy.retention import tracker_store_engine

    return tracker_store_engine(endpoints)


def ensure_tables(engine: Engine) -> None:
    """Creates insights_turns where missing (idempotent, cheap: the Rasa server calls it)."""
    METADATA.create_all(engine, checkfirst=True)


def ensure_votes_index(engine: Engine) -> None:
    """Adds the votes' index on Rasa's events where missing. Building it on a big store takes a
    while and holds writes back, so the staff page does it on its first use, never a patient's
    turn (docs/insights.md)."""
    with engine.begin() as connection:
        inspector = sa.inspect(connection)
        if inspector.has_table("events") and EVENTS_INDEX not in {
            index["name"] for index in inspector.get_indexes("events")
        }:
            events = sa.Table("events", sa.MetaData(), autoload_with=connection)
            sa.Index(EVENTS_INDEX, events.c.type_name, events.c.action_name,
                     events.c.timestamp).create(connection)


def turn_row(turn: Turn) -> dict[str, Any]:
    return {
        "sender_id": turn.sender, "timestamp": turn.time, "channel": turn.channel[:64],
        "language": turn.language[:16], "topics": " ".join(turn.topics)[:1024],
        "answers": " ".join(turn.answers)[:1024], "emergency": turn.emergency,
        "safety_line": turn.safety_line, "fallback_reason": turn.fallback_reason,
        "reason": turn.reason, "text": turn.text,
    }


def record_turns(connection: sa.engine.Connection, turns: list[Turn]) -> None:
    if turns:
        connection.execute(TURNS.insert(), [turn_row(turn) for turn in turns])


def _vote_field(dialect: str, key: str) -> sa.sql.elements.ColumnElement[Any]:
    if dialect == "postgresql":
        return sa.literal_column(f"CAST(data AS JSON) #>> '{{value,{key}}}'")
    return sa.literal_column(f"json_extract(data, '$.value.{key}')")


GROUPED = ("channel", "language", "topics", "reason", "emergency", "safety_line")


def _day(dialect: str) -> sa.sql.elements.ColumnElement[Any]:
    """The UTC day number of a row (days since 1970)."""
    days = TURNS.c.timestamp / SECONDS_PER_DAY
    return sa.func.floor(days) if dialect == "postgresql" else sa.cast(days, sa.Integer)


def _votes(dialect: str, since: float, until: float) -> sa.sql.Select:
    events = sa.table("events", sa.column("type_name"), sa.column("action_name"),
                      sa.column("timestamp"), sa.column("data"))
    return sa.select(events.c.timestamp, *(
        _vote_field(dialect, key).label(key) for key in VOTE_FIELDS
    )).where(events.c.type_name == "slot", events.c.action_name == FEEDBACK_SLOT,
             events.c.timestamp >= since, events.c.timestamp < until)


def _stored_votes(rows: Any) -> list[StoredVote]:
    return [StoredVote(time=row[0], answer_id=str(row[1]), topic=str(row[2]),
                       language=str(row[3]), value=str(row[4])) for row in rows]


def count_period(engine: Engine, since: float, until: float) -> Counts:
    """The figures of [since, until): a handful of indexed GROUP BY queries."""
    in_period = (TURNS.c.timestamp >= since, TURNS.c.timestamp < until)
    day = _day(engine.dialect.name).label("day")
    senders = sa.func.count(sa.distinct(TURNS.c.sender_id))
    with engine.connect() as connection:
        messages, conversations = connection.execute(
            sa.select(sa.func.count(), senders).where(*in_period)).one()
        per_day = connection.execute(
            sa.select(day, senders, sa.func.count()).where(*in_period).group_by(day)
            .order_by(day)).all()
        by = {
            name: {row[0]: row[1] for row in connection.execute(
                sa.select(TURNS.c[name], sa.func.count()).where(*in_period)
                .group_by(TURNS.c[name]))}
            for name in GROUPED
        }
        unanswered = connection.execute(
            sa.select(TURNS.c.text, TURNS.c.reason).where(*in_period,
                                                          TURNS.c.reason.isnot(None))).all()
        votes = connection.execute(_votes(engine.dialect.name, since, until)).all()
    return Counts(messages=messages, conversations=conversations,
                  per_day=[(int(d), c, m) for d, c, m in per_day], by=by,
                  unanswered=[(text, reason) for text, reason in unanswered],
                  votes=_stored_votes(votes))


def read_period(engine: Engine, since: float, until: float) -> Period:
    """Every patient message of [since, until), oldest first, and the votes of the period."""
    columns = [TURNS.c[name] for name in TURN_COLUMNS]
    in_period = (TURNS.c.timestamp >= since, TURNS.c.timestamp < until)
    with engine.connect() as connection:
        turn_rows = connection.execute(
            sa.select(*columns).where(*in_period).order_by(TURNS.c.timestamp)).all()
        votes = connection.execute(_votes(engine.dialect.name, since, until)).all()
    return Period(
        since=since, until=until,
        turns=[Turn(time, sender, channel, text, language, topics.split(), answers.split(),
                    emergency, safety_line, fallback_reason)
               for (time, sender, channel, text, language, topics, answers, emergency,
                    safety_line, fallback_reason) in map(tuple, turn_rows)],
        votes=_stored_votes(votes),
    )
