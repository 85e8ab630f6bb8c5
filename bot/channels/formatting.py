"""How one reply looks on each messaging channel, so that the actions stay channel-agnostic.

The actions send text, topic buttons and `custom` (actions/replies.py). Here that becomes what a
channel can show: buttons where it has them, otherwise a numbered list ("Reply with a number")
that a reply of "2" answers (bot/nlp/options.py); text split within the channel's length limit
on line breaks, then sentences, so the citation and the provider line (each a line of their
own) are never cut; and the source as a styled link where the channel can style one, otherwise
the citation line with its plain URL, as the actions wrote it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.content import Source, render
from bot.nlp.options import MAX_OPTIONS

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def _unchanged(text: str) -> str:
    return text


def html_escape(text: str) -> str:
    """Text for Telegram's HTML parse mode."""
    return html.escape(text, quote=False)


def html_link(label: str, url: str) -> str:
    return f'<a href="{html.escape(url, quote=True)}">{label}</a>'


def slack_escape(text: str) -> str:
    """Text for Slack mrkdwn: only &, < and > are special."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_link(label: str, url: str) -> str:
    return f"<{url}|{label}>"


@dataclass(frozen=True)
class ChannelStyle:
    """What a channel can show, from the platforms' documented limits."""

    name: str
    # Characters per platform message, after escaping and link markup.
    max_chars: int
    # Quick-reply buttons with the topic titles; without them topics become a numbered list.
    buttons: bool = False
    # Makes a link from an escaped label and a URL; None: the citation keeps its plain URL.
    link: Callable[[str, str], str] | None = None
    escape: Callable[[str], str] = _unchanged


# Twilio sends up to 1600 characters as one message (SMS concatenated, WhatsApp).
SMS = ChannelStyle("twilio", 1600)
WHATSAPP = ChannelStyle("whatsapp", 1600)
# Messenger text messages take 2000 characters; its buttons and quick replies take 20-character
# titles, too short for our questions, so topics are numbered (quick replies carry the numbers).
FACEBOOK = ChannelStyle("facebook", 2000)
TELEGRAM = ChannelStyle("telegram", 4096, buttons=True, link=html_link, escape=html_escape)
# A Block Kit section's text takes 3000 characters.
SLACK = ChannelStyle("slack", 3000, buttons=True, link=slack_link, escape=slack_escape)


@dataclass(frozen=True)
class Option:
    """A topic in a numbered list: the patient replies with `number` or taps `payload`."""

    number: int
    title: str
    payload: str


@dataclass(frozen=True)
class Outgoing:
    """One platform message: text ready for the channel, buttons or listed options on the last
    message of a reply only."""

    text: str
    buttons: tuple[Mapping[str, Any], ...] = ()
    options: tuple[Option, ...] = ()


def split_text(text: str, limit: int) -> list[str]:
    """Pieces of at most `limit` characters, cut between lines where possible, then between
    sentences, then between words; a line that fits is never cut."""
    if limit < 1:
        raise ValueError("limit must be positive")
    units: list[tuple[str, str]] = []  # (joiner before the unit, unit)
    for line in text.split("\n"):
        pieces = _split_line(line, limit)
        units.extend(("\n" if index == 0 else " ", piece) for index, piece in enumerate(pieces))
    chunks: list[str] = []
    current: str | None = None
    for joiner, unit in units:
        if current is None:
            current = unit
        elif len(current) + len(joiner) + len(unit) <= limit:
            current = f"{current}{joiner}{unit}"
        else:
            chunks.append(current)
            current = unit
    if current is not None:
        chunks.append(current)
    return [chunk.strip() for chunk in chunks if chunk.strip()]


def _split_line(line: str, limit: int) -> list[str]:
    if len(line) <= limit:
        return [line]
    pieces: list[str] = []
    for sentence in _SENTENCE_END.split(line):
        if len(sentence) <= limit:
            pieces.append(sentence)
            continue
        for word in sentence.split():
            pieces.extend(word[start : start + limit] for start in range(0, len(word), limit))
    return _pack(pieces, limit)


def _pack(pieces: list[str], limit: int) -> list[str]:
    """Joins neighbouring pieces with spaces while they fit."""
    packed: list[str] = []
    for piece in pieces:
        if packed and len(packed[-1]) + 1 + len(piece) <= limit:
            packed[-1] = f"{packed[-1]} {piece}"
        else:
            packed.append(piece)
    return packed


def message_source(message: Mapping[str, Any]) -> Source | None:
    """The source a medical answer cites, read back from its `custom` payload."""
    custom = message.get("custom")
    payload = custom.get("source") if isinstance(custom, Mapping) else None
    if not isinstance(payload, Mapping):
        return None
    try:
        return Source.from_payload(payload)
    except (KeyError, TypeError, ValueError):
        return None


def message_buttons(message: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The message's buttons that have a title and a payload."""
    buttons = message.get("buttons") or ()
    return [
        button
        for button in buttons
        if isinstance(button, Mapping)
        and isinstance(button.get("title"), str)
        and isinstance(button.get("payload"), str)
    ]


class TurnFormatter:
    """Formats the messages of one turn for one channel.

    Numbers continue across the messages of the turn and a topic offered twice keeps its number,
    which is the order in which the actions record the offered topics (Reply.offered), so "2"
    picks what the patient saw as 2. Use one formatter per incoming message.
    """

    def __init__(self, style: ChannelStyle) -> None:
        self.style = style
        self._numbers: dict[str, int] = {}

    def format(self, message: Mapping[str, Any]) -> list[Outgoing]:
        """The platform messages for one of the assistant's messages (none if it has no text)."""
        text = str(message.get("text") or "").strip()
        buttons = message_buttons(message)
        options: tuple[Option, ...] = ()
        if buttons and not self.style.buttons:
            options = tuple(
                option for option in map(self._option, buttons) if option.number <= MAX_OPTIONS
            )
            text = f"{text}\n\n{numbered_list(options)}" if options else text
        if not text:
            return []
        rendered = self._fit(text, message_source(message), self.style.max_chars)
        last = len(rendered) - 1
        return [
            Outgoing(
                text=chunk,
                buttons=tuple(buttons) if index == last and self.style.buttons else (),
                options=options if index == last else (),
            )
            for index, chunk in enumerate(rendered)
        ]

    def _option(self, button: Mapping[str, Any]) -> Option:
        payload = button["payload"]
        number = self._numbers.setdefault(payload, len(self._numbers) + 1)
        return Option(number=number, title=button["title"], payload=payload)

    def _fit(self, text: str, source: Source | None, limit: int) -> list[str]:
        """Split, then rendered; a piece that escaping or link markup made too long is split
        again, with the limit shrunk by the share the markup added."""
        fitted: list[str] = []
        for piece in split_text(text, limit):
            rendered = self._render(piece, source)
            if len(rendered) <= self.style.max_chars or len(piece) <= 1:
                fitted.append(rendered)
                continue
            smaller = len(piece) * self.style.max_chars // len(rendered)
            fitted.extend(self._fit(piece, source, max(1, min(smaller, len(piece) - 1))))
        return fitted

    def _render(self, text: str, source: Source | None) -> str:
        escape = self.style.escape
        if self.style.link is None or source is None or source.citation not in text:
            return escape(text)
        before, _, after = text.partition(source.citation)
        link = self.style.link(escape(source.short_citation), source.url)
        return f"{escape(before)}{link}{escape(after)}"


def numbered_list(options: tuple[Option, ...]) -> str:
    """The offered topics as lines "1. What causes calcifications?" under the intro line."""
    return render.numbered_options([(option.number, option.title) for option in options])
