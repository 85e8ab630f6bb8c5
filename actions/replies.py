"""Builds replies from the vetted content and adds the provider recommendation where needed.

Every action sends through `Reply`, so the rule "medical content, declines, fallbacks and
emergencies recommend a health care provider" is enforced in one place, not remembered in
each action.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.content import LANGUAGES, Content, Source, content, render
from bot.contract import (
    ANSWER_ID_FIELD,
    CRISIS_CONCERNS,
    EMERGENCY,
    ENGLISH,
    LANGUAGE_KEY,
    OFFERED_TOPICS_SLOT,
    PAGE_LANGUAGE_SLOT,
    SAFETY_CONCERN_KEY,
    TOLD_LANGUAGE_SLOT,
)
from bot.settings import ClinicSettings, settings

logger = logging.getLogger(__name__)

# Read once when the action server starts, so a broken answers file (in any language) stops
# it at once.
EDITIONS: Dict[str, Content] = {language: content(language) for language in LANGUAGES}
# Topic ids, related topics and suggestions, which every edition shares.
CONTENT: Content = EDITIONS[ENGLISH]
SETTINGS: ClinicSettings = settings()


@dataclass(frozen=True)
class Languages:
    """What a conversation has shown of its language: the last language the NLU could tell
    ("ok" and "2" cannot), and the language of the last page the widget ran on (its message
    `metadata`). Slots carry both from turn to turn, so no action reads older events (the
    action server gets the current turn's only: bot/rasa_patches/long_conversations.py)."""

    told: str | None = None
    page: str | None = None

    @classmethod
    def of(cls, tracker: Tracker) -> Languages:
        latest = tracker.latest_message
        return cls(
            told=_known(latest.get(LANGUAGE_KEY)) or _known(tracker.get_slot(TOLD_LANGUAGE_SLOT)),
            page=_known((latest.get("metadata") or {}).get(LANGUAGE_KEY))
            or _known(tracker.get_slot(PAGE_LANGUAGE_SLOT)),
        )

    @property
    def reply(self) -> str:
        """The language to reply in: the one told, else the page's, else English."""
        return self.told or self.page or ENGLISH

    def changes(self, tracker: Tracker) -> List[Dict[str, Any]]:
        """The slot events that remember these languages, where the slots differ."""
        wanted = {TOLD_LANGUAGE_SLOT: self.told, PAGE_LANGUAGE_SLOT: self.page}
        return [SlotSet(slot, value) for slot, value in wanted.items()
                if tracker.get_slot(slot) != value]


def _known(language: Any) -> str | None:
    return language if language in LANGUAGES else None


def topic_buttons(topic_ids: Iterable[str], language: str = ENGLISH) -> List[Dict[str, str]]:
    """Quick replies whose payload asks for the topic directly (Rasa's /intent syntax)."""
    topics = EDITIONS[language].topics
    return [{"title": topics[topic_id].question, "payload": f"/{topic_id}"}
            for topic_id in topic_ids]


@dataclass
class _Part:
    topic: str
    blocks: List[render.Block]
    offered: List[str]
    custom: Dict[str, Any]
    source: Source | None = None
    # Its text already tells when to call the emergency number (biopsy aftercare).
    calls_emergency: bool = False


@dataclass
class Reply:
    """One turn's reply: one or more messages, each naming its topic in `custom`.

    `concern` is the kind of an emergency the NLU found possible but not certain: the reply
    still answers, and ends with a safety line (the crisis line for self-harm). `language` is
    the patient's, as the NLU read it (`custom.language` names it)."""

    parts: List[_Part] = field(default_factory=list)
    concern: str | None = None
    language: str = ENGLISH
    # The slot events that carry the conversation's languages to the next turn.
    remembered: List[Dict[str, Any]] = field(default_factory=list)

    @classmethod
    def in_language_of(cls, tracker: Tracker) -> Reply:
        """An empty reply in the patient's language."""
        languages = Languages.of(tracker)
        return cls(language=languages.reply, remembered=languages.changes(tracker))

    @classmethod
    def for_turn(cls, tracker: Tracker) -> Reply:
        """An empty reply in the patient's language that knows this turn's possible emergency."""
        reply = cls.in_language_of(tracker)
        concern = tracker.latest_message.get(SAFETY_CONCERN_KEY)
        reply.concern = concern if isinstance(concern, str) else None
        return reply

    def answer(self, topic_id: str, framing: str = "{fact}") -> Reply:
        """The topic's vetted answer and its source; `framing` places it ("In general: {fact}")."""
        topic = EDITIONS[self.language].topics[topic_id]
        self.parts.append(
            _Part(
                topic=topic_id,
                blocks=render.answer_blocks(topic_id, framing, self.language),
                offered=list(topic.related),
                custom={
                    "topic": topic_id,
                    "source": topic.source.as_payload(),
                    "related": list(topic.related),
                    # What a patient's vote on this answer names (bot/channels/feedback.py).
                    ANSWER_ID_FIELD: uuid.uuid4().hex,
                },
                source=topic.source,
            )
        )
        return self

    def behaviour(
        self,
        behaviour: str,
        variant: str = "text",
        suggestions: Iterable[str] | None = None,
        extra: Dict[str, Any] | None = None,
    ) -> Reply:
        blocks = [render.text_block(render.behaviour_text(behaviour, variant, self.language))]
        suggested = list(CONTENT.suggestions(behaviour) if suggestions is None else suggestions)
        self.parts.append(
            _Part(
                topic=behaviour,
                blocks=blocks,
                offered=suggested,
                custom={"topic": behaviour, **(extra or {})},
                calls_emergency=render.names_emergency_number(behaviour, variant),
            )
        )
        return self

    @property
    def topics(self) -> List[str]:
        return [part.topic for part in self.parts]

    @property
    def offered(self) -> List[str]:
        """Every topic offered as a button this turn, each once, in the order shown."""
        return list(dict.fromkeys(topic for part in self.parts for topic in part.offered))

    def send(self, dispatcher: CollectingDispatcher) -> List[Dict[str, Any]]:
        """Sends the messages, each as plain text and as blocks with its numbered options;
        returns the events that record the offered topics and the conversation's languages."""
        if not self.parts:
            raise ValueError("a reply needs at least one part")
        last = self.parts[-1]
        if self.concern:
            # An answer that already says when to call the emergency number (biopsy aftercare)
            # needs no second line saying it; the crisis line is always added.
            if self.concern in CRISIS_CONCERNS or not any(p.calls_emergency for p in self.parts):
                line = render.safety_line(self.concern, self.language,
                                          after_emergency=EMERGENCY in self.topics)
                last.blocks.append(render.text_block(line))
            last.custom["safety"] = self.concern
        provider = render.provider_lines(self.topics, self.language)
        last.blocks.extend(map(render.text_block, provider))
        # A reply of "2" picks the second topic of the turn (actions/options.py reads the slot);
        # the numbers travel with each message so that no channel counts them again.
        numbers = {topic: number for number, topic in enumerate(self.offered, start=1)}
        for part in self.parts:
            buttons = topic_buttons(part.offered, self.language)
            dispatcher.utter_message(
                text=render.plain_text(part.blocks, part.source),
                buttons=buttons or None,
                json_message={
                    **part.custom,
                    LANGUAGE_KEY: self.language,
                    "blocks": part.blocks,
                    "options": [
                        {"number": numbers[topic], **button}
                        for topic, button in zip(part.offered, buttons, strict=True)
                    ],
                },
            )
        logger.info("Replied with topics %s.", self.topics)
        return [SlotSet(OFFERED_TOPICS_SLOT, self.offered), *self.remembered]
