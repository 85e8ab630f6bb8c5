"""How well bot/nlp/language.py tells English from Spanish on patient messages: the English
held-out questions and safety messages, and the Spanish evaluation set (tests/eval/es/), short
messages (four words or fewer) apart, and how often a decision it calls sure is wrong (a sure
decision is the one that would switch a conversation's language)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.nlp.language import ENGLISH, SPANISH, identify
from tools.eval.metrics import Share
from tools.eval.patient_sets import SafetyScores
from tools.eval.report import fmt_share

SPANISH_DIR = Path(__file__).resolve().parents[2] / "tests" / "eval" / "es"
SHORT_WORDS = 4


def load_spanish(split: str, folder: Path = SPANISH_DIR) -> list[str]:
    raw = yaml.safe_load((folder / f"{split}.yml").read_text(encoding="utf-8"))
    return [str(message["text"]) for message in raw["messages"]]


@dataclass(frozen=True)
class LanguageRow:
    name: str
    right: Share
    short_right: Share
    sure_but_wrong: Share


def score_set(name: str, texts: Sequence[str], expected: str) -> LanguageRow:
    found = [(text, identify(text)) for text in texts]
    short = [(text, f) for text, f in found if len(text.split()) <= SHORT_WORDS]
    sure = [f for _, f in found if f.sure]
    return LanguageRow(
        name,
        Share(sum(f.language == expected for _, f in found), len(found)),
        Share(sum(f.language == expected for _, f in short), len(short)),
        Share(sum(f.language != expected for f in sure), len(sure)),
    )


def score(english: Sequence[str], spanish: Mapping[str, Sequence[str]]) -> list[LanguageRow]:
    return [score_set("English (held-out and safety messages)", english, ENGLISH),
            *(score_set(f"Spanish ({split} split)", texts, SPANISH)
              for split, texts in spanish.items())]


def table(rows: Sequence[LanguageRow]) -> list[str]:
    return [
        "## Language identification (lingua, English or Spanish)",
        "",
        "| messages | identified right | of them short (4 words or fewer) | sure but wrong |",
        "| --- | ---: | ---: | ---: |",
        *(f"| {row.name} | {fmt_share(row.right)} | {fmt_share(row.short_right)} | "
          f"{fmt_share(row.sure_but_wrong)} |" for row in rows),
        "",
        "Spanglish (English medical words in Spanish sentences) accounts for most Spanish misses; "
        "a message that is not sure keeps the conversation's language.",
    ]


def safety_table(safety: Mapping[str, SafetyScores]) -> list[str]:
    """Emergencies and self-harm written in Spanish, read by bot/nlp/spanish.py's rules."""
    rows = [("emergency recall (emergency reply first and alone)", "emergency_recall"),
            ("emergency number in the reply (any form)", "emergency_number_given"),
            ("crisis line on self-harm messages", "crisis_line_rate"),
            ("false emergencies on other messages", "false_alarms")]
    splits = list(safety)
    return [
        "## Safety in Spanish (writers es1 and es2)",
        "",
        "| metric | " + " | ".join(f"{split} split" for split in splits) + " |",
        "| --- |" + " ---: |" * len(splits),
        *(f"| {name} | " + " | ".join(fmt_share(getattr(safety[split], figure))
                                     for split in splits) + " |" for name, figure in rows),
    ]
