"""How one reply looks on each messaging channel, so that the actions stay channel-agnostic.

The actions send text, topic buttons and `custom` with the reply's blocks and numbered options
(actions/replies.py). Here that becomes what a channel can show: buttons where it has them,
otherwise a numbered list ("Reply with a number") that a reply of "2" answers
(bot/nlp/options.py); text split within the channel's length limit on line breaks, then
sentences, so the citation and the provider line (each a line of their own) are never cut; and
the source as a styled link where the channel can style one, otherwise the plain citation line.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.content import LANGUAGES, Source, render
from bot.contract import ENGLISH, LANGUAGE_KEY
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


def _join_units(units: list[tuple[str, str]], limit: int) -> list[str]:
    """Packs (joiner, unit) pairs into chunks of at most `limit` characters, in order."""
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


def _custom(message: Mapping[str, Any]) -> Mapping[str, Any]:
    custom = message.get("custom")
    return custom if isinstance(custom, Mapping) else {}


def message_source(message: Mapping[str, Any]) -> Source | None:
    """The source a medical answer cites, read back from its `custom` payload."""
    payload = _custom(message).get("source")
    if not isinstance(payload, Mapping):
        return None
    try:
        return Source.from_payload(payload)
    except (KeyError, TypeError, ValueError):
        return None


def message_blocks(message: Mapping[str, Any]) -> list[render.Block]:
    """The blocks the action sent; a message without them (the apology, a client's own) is its
    text, line by line."""
    blocks = render.read_blocks(_custom(message).get("blocks"))
    if blocks is not None:
        return blocks
    text = str(message.get("text") or "").strip()
    return [render.text_block(line) for line in text.split("\n")] if text else []


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


def message_language(message: Mapping[str, Any]) -> str:
    """The language the action answered in (its `custom.language`), else English."""
    language = _custom(message).get(LANGUAGE_KEY)
    return language if language in LANGUAGES else ENGLISH


def message_options(message: Mapping[str, Any]) -> tuple[Option, ...]:
    """The numbered options the action sent; a message without them numbers its own buttons."""
    raw = _custom(message).get("options")
    if isinstance(raw, list) and raw:
        try:
            return tuple(
                Option(number=int(item["number"]), title=str(item["title"]),
                       payload=str(item["payload"]))
                for item in raw
            )
        except (KeyError, TypeError, ValueError):
            pass
    return tuple(
        Option(number=number, title=button["title"], payload=button["payload"])
        for number, button in enumerate(message_buttons(message), start=1)
    )


class TurnFormatter:
    """Formats the messages of one turn for one channel: the blocks drawn line by line (the
    citation as a link where the channel styles links), split within the channel's limit, and
    the options as buttons or as a numbered list with the numbers the action gave them."""

    def __init__(self, style: ChannelStyle) -> None:
        self.style = style

    def format(self, message: Mapping[str, Any]) -> list[Outgoing]:
        """The platform messages for one of the assistant's messages (none if it has no text)."""
        lines = render.draw(message_blocks(message), message_source(message),
                            self._text_units, self._citation_units)
        buttons = message_buttons(message)
        options: tuple[Option, ...] = ()
        if buttons and not self.style.buttons:
            options = tuple(o for o in message_options(message) if o.number <= MAX_OPTIONS)
            if options:
                lines.append(self._text_units(""))
                listed = numbered_list(options, message_language(message))
                lines.extend(map(self._text_units, listed.split("\n")))
        rendered = _join_units([unit for line in lines for unit in line], self.style.max_chars)
        last = len(rendered) - 1
        return [
            Outgoing(
                text=chunk,
                buttons=tuple(buttons) if index == last and self.style.buttons else (),
                options=options if index == last else (),
            )
            for index, chunk in enumerate(rendered)
        ]

    def _citation_units(self, source: Source) -> list[tuple[str, str]]:
        if self.style.link is None:
            return self._text_units(source.citation)
        return [("\n", self.style.link(self.style.escape(source.short_citation), source.url))]

    def _text_units(self, line: str) -> list[tuple[str, str]]:
        """One line as escaped pieces that fit the limit, the first starting a new line."""
        pieces = self._fit(line, self.style.max_chars)
        return [("\n" if index == 0 else " ", piece) for index, piece in enumerate(pieces)]

    def _fit(self, line: str, limit: int) -> list[str]:
        """Split, then escaped; a piece that escaping made too long is split again, with the
        limit shrunk by the share the escaping added."""
        fitted: list[str] = []
        for piece in _split_line(line, limit):
            escaped = self.style.escape(piece)
            if len(escaped) <= self.style.max_chars or len(piece) <= 1:
                fitted.append(escaped)
                continue
            smaller = len(piece) * self.style.max_chars // len(escaped)
            fitted.extend(self._fit(piece, max(1, min(smaller, len(piece) - 1))))
        return fitted


def numbered_list(options: tuple[Option, ...], language: str = ENGLISH) -> str:
    """The offered topics as lines "1. What causes calcifications?" under the intro line."""
    return render.numbered_options([(option.number, option.title) for option in options],
                                   language)
