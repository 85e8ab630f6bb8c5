"""The one place that turns answers.yml into what a patient reads: placeholders filled with the
clinic's settings, the provider-line rule, the citation, the safety line, the numbered options.

A reply travels as blocks (`custom.blocks`: text lines and the place of the citation) beside its
plain text, so each channel draws the citation its own way (a link, or the plain line) with
`draw`, instead of searching the text for it.

The action server, Rasa's channels (the apology, the numbered list), the widget server (the
disclaimer) and the production nginx config (the rate-limit reply) all render through it, so an
edit to answers.yml reads the same everywhere. Each process reads the file when it starts: after
an edit, restart them all (README, "Edit an answer").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from bot.content import LANGUAGES, Source, content
from bot.contract import CRISIS_CONCERNS, EMERGENCY, ENGLISH, FALLBACK
from bot.settings import settings

# One line break, not a blank line: Rasa's channels would split "\n\n" into separate messages,
# and each part of a reply is meant to arrive as one message.
PARAGRAPH = "\n"

TEXT_BLOCK = "text"
CITATION_BLOCK = "citation"
Block = dict[str, str]
Drawn = TypeVar("Drawn")


def behaviour_text(behaviour: str, variant: str = "text", language: str = ENGLISH) -> str:
    """A behaviour's text in `language` with the clinic's settings filled in."""
    return content(language).behaviour_text(behaviour, variant).format(
        **settings().as_placeholders(language))


def names_emergency_number(behaviour: str, variant: str = "text") -> bool:
    """Whether a behaviour's text tells when to call the emergency number (every edition has
    the same placeholders, so the English template answers for all)."""
    return "{emergency_number}" in content().behaviour_text(behaviour, variant)


def text_block(text: str) -> Block:
    return {"type": TEXT_BLOCK, "text": text}


def answer_blocks(topic_id: str, framing: str = "{fact}", language: str = ENGLISH) -> list[Block]:
    """A topic's vetted answer in `language`, placed by `framing` ("In general: {fact}"), and
    its citation."""
    topic = content(language).topics[topic_id]
    return [text_block(framing.format(fact=topic.answer)), {"type": CITATION_BLOCK}]


def read_blocks(raw: Any) -> list[Block] | None:
    """Blocks as a message's `custom` carries them; None when they are missing or malformed."""
    if not isinstance(raw, list) or not raw:
        return None
    blocks: list[Block] = []
    for block in raw:
        if not isinstance(block, Mapping):
            return None
        if block.get("type") == CITATION_BLOCK:
            blocks.append({"type": CITATION_BLOCK})
        elif block.get("type") == TEXT_BLOCK and isinstance(block.get("text"), str):
            blocks.append(text_block(block["text"]))
        else:
            return None
    return blocks


def draw(
    blocks: Iterable[Block],
    source: Source | None,
    text: Callable[[str], Drawn],
    citation: Callable[[Source], Drawn],
) -> list[Drawn]:
    """Each block in order: text by `text`, the citation by `citation` (left out without a
    source)."""
    drawn: list[Drawn] = []
    for block in blocks:
        if block["type"] == TEXT_BLOCK:
            drawn.append(text(block["text"]))
        elif source is not None:
            drawn.append(citation(source))
    return drawn


def plain_text(blocks: Iterable[Block], source: Source | None) -> str:
    """The reply as one text, the citation as its plain line with the URL."""
    return PARAGRAPH.join(draw(blocks, source, str, lambda cited: cited.citation))


def safety_line(concern: str, language: str = ENGLISH, after_emergency: bool = False) -> str:
    """The line under an answer when an emergency is possible: the crisis line for self-harm,
    in its short form under an emergency reply, which has already given the emergency number."""
    if concern not in CRISIS_CONCERNS:
        return behaviour_text(EMERGENCY, "safety_line", language)
    variant = "crisis_line_after_emergency" if after_emergency else "crisis_line"
    return behaviour_text(EMERGENCY, variant, language)


def provider_lines(topics: Iterable[str], language: str = ENGLISH) -> list[str]:
    """The provider line in `language` when any of the topics calls for it, else nothing."""
    if any(content().needs_provider_line(topic) for topic in topics):
        return [content(language).provider_line]
    return []


def with_provider_line(text: str, topics: Iterable[str]) -> str:
    """The text, closed by the provider line when any of the topics calls for it."""
    return PARAGRAPH.join([text, *provider_lines(topics)])


def apology(reason: str, language: str | None = None) -> str:
    """A fallback reply that no action wrote (the service is down, too many requests). Said in
    every edition, English first, when its language is unknown: nginx and a failed turn have
    no conversation to tell it from."""
    return PARAGRAPH.join(
        PARAGRAPH.join([behaviour_text(FALLBACK, reason, edition),
                        *provider_lines([FALLBACK], edition)])
        for edition in ([language] if language in LANGUAGES else LANGUAGES)
    )


def numbered_options(options: Sequence[tuple[int, str]], language: str = ENGLISH) -> str:
    """Offered topics as lines "1. What causes calcifications?" under the intro line."""
    lines = [f"{number}. {title}" for number, title in options]
    return PARAGRAPH.join([behaviour_text("numbered_topics", language=language), *lines])
