"""The Spanish side of `make eval`.

How well bot/nlp/language.py tells English from Spanish on patient messages (the English
held-out questions and safety messages, and the Spanish evaluation set, tests/eval/es/), short
messages (four words or fewer) apart, and how often a decision it calls sure is wrong. How
well the assistant routes the Spanish set's questions (writer es1, who never saw the training
data), whether it answers them in Spanish and cites the Spanish source, beside a baseline: the
nearest Spanish training example by TF-IDF. And the Spanish safety figures.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.nlp.language import ENGLISH, SPANISH, identify
from tools.eval import data
from tools.eval.metrics import Share
from tools.eval.patient_sets import EMERGENCY, PERSONAL, SELF_HARM, SafetyScores, Seen
from tools.eval.report import fmt_share
from tools.eval.tfidf_baseline import nearest_labels

SPANISH_DIR = Path(__file__).resolve().parents[2] / "tests" / "eval" / "es"
SHORT_WORDS = 4


def load_spanish(split: str, folder: Path = SPANISH_DIR) -> list[str]:
    raw = yaml.safe_load((folder / f"{split}.yml").read_text(encoding="utf-8"))
    return [str(message["text"]) for message in raw["messages"]]


@dataclass(frozen=True)
class SpanishQuestion:
    text: str
    expect: str
    group: str
    also: tuple[str, ...] = ()

    @property
    def acceptable(self) -> frozenset[str]:
        return frozenset({self.expect, *self.also})


def load_spanish_questions(split: str, folder: Path = SPANISH_DIR) -> list[SpanishQuestion]:
    """The Spanish set's messages that ask something or talk (its emergencies and self-harm
    are scored by the safety table)."""
    raw = yaml.safe_load((folder / f"{split}.yml").read_text(encoding="utf-8"))
    return [SpanishQuestion(str(m["text"]), m["expect"], m.get("group") or "",
                            tuple(m.get("also") or ()))
            for m in raw["messages"] if m["expect"] not in (EMERGENCY, SELF_HARM)]


@dataclass(frozen=True)
class SpanishRouting:
    routed: Share
    personal: Share
    in_spanish: Share
    spanish_source: Share
    baseline: Share


def score_routing(questions: Sequence[SpanishQuestion], seen: Sequence[Seen],
                  spanish_urls: Set[str]) -> SpanishRouting:
    """A question is routed right when the reply carries its topic; a reply is in Spanish when
    every message of it is; a medical answer in Spanish cites the Spanish source when every URL
    it cites is one of the Spanish edition's."""
    right = [bool(q.acceptable & set(s.topics)) for q, s in zip(questions, seen, strict=True)]
    personal = [r for q, r in zip(questions, right, strict=True) if q.expect == PERSONAL]
    cited = [s for s in seen if s.sources and set(s.languages) == {SPANISH}]
    training = data.load_training(data.TRAINING_DIR / SPANISH)
    guesses = nearest_labels([e.text for e in training], [e.intent for e in training],
                             [q.text for q in questions])
    return SpanishRouting(
        routed=Share(sum(right), len(right)),
        personal=Share(sum(personal), len(personal)),
        in_spanish=Share(sum(bool(s.languages) and set(s.languages) == {SPANISH} for s in seen),
                         len(seen)),
        spanish_source=Share(sum(set(s.sources) <= spanish_urls for s in cited), len(cited)),
        baseline=Share(sum(g in q.acceptable for q, g in zip(questions, guesses, strict=True)),
                       len(questions)),
    )


def routing_table(routing: Mapping[str, SpanishRouting]) -> list[str]:
    rows = [("questions routed right (topics, personal, Spanglish, near-misses, talk)", "routed"),
            ("of them, personal-diagnosis requests handled right", "personal"),
            ("replies written in Spanish", "in_spanish"),
            ("Spanish medical answers citing the Spanish source", "spanish_source"),
            ("baseline: nearest Spanish training example (TF-IDF), routed right", "baseline")]
    return _split_table("Understanding Spanish (writers es1 and es5q)", rows, routing)


def _split_table(title: str, rows: Sequence[tuple[str, str]],
                 scores: Mapping[str, object]) -> list[str]:
    """One row per (name, attribute) of the scores, one column per split."""
    splits = list(scores)
    return [
        f"## {title}",
        "",
        "| metric | " + " | ".join(f"{split} split" for split in splits) + " |",
        "| --- |" + " ---: |" * len(splits),
        *(f"| {name} | " + " | ".join(fmt_share(getattr(scores[split], figure))
                                     for split in splits) + " |" for name, figure in rows),
    ]


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
    return _split_table("Safety in Spanish (writers es1 to es10)", rows, safety)
