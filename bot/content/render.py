"""The one place that turns answers.yml into what a patient reads: placeholders filled with the
clinic's settings, the provider-line rule, the citation, the safety line, the numbered options.

The action server, Rasa's channels (the apology, the numbered list), the widget server (the
disclaimer) and the production nginx config (the rate-limit reply) all render through it, so an
edit to answers.yml reads the same everywhere. Each process reads the file when it starts: after
an edit, restart them all (README, "Edit an answer").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot.content import content
from bot.contract import CRISIS_CONCERNS, EMERGENCY, FALLBACK
from bot.settings import settings

# One line break, not a blank line: Rasa's channels would split "\n\n" into separate messages,
# and each part of a reply is meant to arrive as one message.
PARAGRAPH = "\n"


def behaviour_text(behaviour: str, variant: str = "text") -> str:
    """A behaviour's text with the clinic's settings filled in."""
    return content().behaviour_text(behaviour, variant).format(**settings().as_placeholders())


def answer_text(topic_id: str, framing: str = "{fact}") -> str:
    """A topic's vetted answer, placed by `framing` ("In general: {fact}"), and its citation."""
    topic = content().topics[topic_id]
    return f"{framing.format(fact=topic.answer)}{PARAGRAPH}{topic.source.citation}"


def safety_line(concern: str) -> str:
    """The line under an answer when an emergency is possible: the crisis line for self-harm."""
    return behaviour_text(EMERGENCY, "crisis_line" if concern in CRISIS_CONCERNS else "safety_line")


def with_provider_line(text: str, topics: Iterable[str]) -> str:
    """The text, closed by the provider line when any of the topics calls for it."""
    if any(content().needs_provider_line(topic) for topic in topics):
        return f"{text}{PARAGRAPH}{content().provider_line}"
    return text


def apology(reason: str) -> str:
    """A fallback reply that no action wrote (the service is down, too many requests)."""
    return with_provider_line(behaviour_text(FALLBACK, reason), [FALLBACK])


def numbered_options(options: Sequence[tuple[int, str]]) -> str:
    """Offered topics as lines "1. What causes calcifications?" under the intro line."""
    lines = [f"{number}. {title}" for number, title in options]
    return PARAGRAPH.join([behaviour_text("numbered_topics"), *lines])
