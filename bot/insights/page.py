"""The insights page: figures as HTML tables with bar charts drawn as inline SVG on the server,
so the page needs no script and nothing from a CDN. Every stored text is escaped."""

from __future__ import annotations

from datetime import datetime, timezone
from html import escape
from typing import Iterable, Sequence

from bot.contract import HELPFUL, NOT_HELPFUL
from bot.insights.report import Report
from bot.insights.turns import UNANSWERED

PERIODS = (7, 30, 90, 365)
BAR_WIDTH = 420
ROW_HEIGHT = 22
LABEL_WIDTH = 190
# Colours of the two series (WCAG AA against white); the CSS file styles everything else.
FIRST, SECOND = "#0b5394", "#b45f06"


def _date(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, tz=timezone.utc).strftime("%Y-%m-%d %H:%M")


def bar_chart(title: str, rows: Sequence[tuple[str, Sequence[int]]],
              series: Sequence[str] = ("",)) -> str:
    """Horizontal bars, one group per row, one bar per series; a described image."""
    if not rows:
        return '<p class="empty">Nothing in this period.</p>'
    top = max((max(values) for _, values in rows), default=0) or 1
    group = ROW_HEIGHT * len(series)
    height = group * len(rows) + 4
    width = LABEL_WIDTH + BAR_WIDTH + 60
    parts = [f'<svg class="chart" role="img" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}"><title>{escape(title)}</title>']
    for index, (label, values) in enumerate(rows):
        y = index * group
        parts.append(f'<text x="{LABEL_WIDTH - 8}" y="{y + ROW_HEIGHT * 0.7:.1f}" '
                     f'text-anchor="end">{escape(label)}</text>')
        for offset, value in enumerate(values):
            bar_y = y + offset * ROW_HEIGHT + 3
            length = BAR_WIDTH * value / top
            colour = (FIRST, SECOND)[offset % 2]
            parts.append(f'<rect x="{LABEL_WIDTH}" y="{bar_y}" width="{length:.1f}" '
                         f'height="{ROW_HEIGHT - 6}" fill="{colour}"></rect>')
            parts.append(f'<text x="{LABEL_WIDTH + length + 6:.1f}" '
                         f'y="{bar_y + ROW_HEIGHT * 0.6:.1f}">{value}</text>')
    parts.append("</svg>")
    legend = ""
    if len(series) > 1:
        keys = "".join(f'<li><svg width="12" height="12" aria-hidden="true"><rect width="12" '
                       f'height="12" fill="{(FIRST, SECOND)[i % 2]}"></rect></svg> '
                       f"{escape(name)}</li>" for i, name in enumerate(series))
        legend = f'<ul class="legend">{keys}</ul>'
    return f'<div class="chart-box">{legend}{"".join(parts)}</div>'


def table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(str(cell))}</td>" for cell in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _figure(chart: str, numbers: str, empty: bool) -> str:
    """A chart beside the table of its numbers (for screen readers and for copying)."""
    if empty:
        return '<p class="empty">Nothing in this period.</p>'
    return f'<div class="figure">{chart}{numbers}</div>'


def _counted(title: str, counts: dict[str, int], noun: str, section: str) -> str:
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return (f'<section id="{section}"><h2>{escape(title)}</h2>'
            + _figure(bar_chart(title, [(name, [count]) for name, count in rows]),
                      table((noun, "Messages"), rows), not rows)
            + "</section>")


def _headline(report: Report) -> str:
    """The period at a glance."""
    unanswered = sum(report.reasons[reason] for reason in UNANSWERED)
    votes = sum(sum(counts.values()) for counts in report.feedback.values())
    helpful = sum(counts[HELPFUL] for counts in report.feedback.values())
    figures = [
        ("Conversations", str(report.conversations)),
        ("Patient messages", str(report.messages)),
        ("Could not answer", f"{unanswered / report.messages:.0%}" if report.messages else "–"),
        ("Emergencies raised", str(sum(report.emergencies.values()))),
        ("Answers found helpful", f"{helpful / votes:.0%} of {votes}" if votes else "no votes"),
    ]
    cards = "".join(f'<li><span class="value">{escape(value)}</span> '
                    f'<span class="label">{escape(label)}</span></li>' for label, value in figures)
    return f'<ul class="headline">{cards}</ul>'


def render_page(report: Report, clinic_name: str) -> str:
    options = "".join(
        f'<option value="{days}"{" selected" if days == report.days else ""}>'
        f"last {days} days</option>" for days in sorted({*PERIODS, report.days})
    )
    per_day = [(day, [conversations, messages]) for day, conversations, messages in report.per_day]
    rates = [(reason, report.reasons[reason], f"{report.rate(reason):.1%}")
             for reason in UNANSWERED]
    feedback = sorted(report.feedback.items(), key=lambda item: (-sum(item[1].values()), item[0]))
    sections = [
        '<section id="per-day"><h2>Conversations and messages per day (UTC)</h2>'
        + _figure(bar_chart("Conversations and messages per day", per_day,
                            ("conversations", "messages")),
                  table(("Day", "Conversations", "Messages"), report.per_day), not per_day)
        + "</section>",
        _counted("Messages per channel", report.channels, "Channel", "channels"),
        _counted("Messages per language", report.languages, "Language", "languages"),
        _counted("Topics asked, most first", report.topics, "Topic", "topics"),
        '<section id="unanswered"><h2>What the assistant could not answer</h2>'
        + table(("Reason", "Messages", "Share of messages"), rates)
        + "<h3>The messages, most frequent first (as stored, so redacted)</h3>"
        + (table(("Message", "Reason", "Times"),
                 ((item.text, item.reason, item.count) for item in report.unanswered))
           if report.unanswered else '<p class="empty">Nothing in this period.</p>')
        + "</section>",
        _counted("Emergencies raised, by kind", report.emergencies, "Kind", "emergencies"),
        _counted("Answers with a safety line, by kind", report.safety_lines, "Kind", "safety"),
        '<section id="feedback"><h2>Was the answer helpful?</h2>'
        + _figure(bar_chart("Votes per topic",
                            [(topic, [votes[HELPFUL], votes[NOT_HELPFUL]])
                             for topic, votes in feedback],
                            ("helpful", "not helpful")),
                  table(("Topic", "Helpful", "Not helpful"),
                        ((topic, votes[HELPFUL], votes[NOT_HELPFUL]) for topic, votes in feedback)),
                  not feedback)
        + "</section>",
    ]
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Insights · {escape(clinic_name)}</title>"
        '<link rel="stylesheet" href="/insights/insights.css"></head><body><main>'
        f"<h1>Clinic insights · {escape(clinic_name)}</h1>"
        '<form method="get" action="/insights"><label for="days">Period</label> '
        f'<select id="days" name="days">{options}</select> <button type="submit">Show</button> '
        f'<a href="/insights/export.csv?days={report.days}">Export CSV</a></form>'
        f'<p class="summary">{_date(report.since)} to {_date(report.until)} UTC: '
        f"<strong>{report.conversations}</strong> conversations, "
        f"<strong>{report.messages}</strong> patient messages.</p>"
        + _headline(report) + "".join(sections) + "</main></body></html>"
    )
