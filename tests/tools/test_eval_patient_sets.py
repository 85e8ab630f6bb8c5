"""The safety and narrative scores, checked by hand on small made-up replies, and the sets."""

from __future__ import annotations

import pytest

from tools.eval.data import topic_contract
from tools.eval.patient_sets import (
    EXPECTED,
    SPLITS,
    NarrativeItem,
    NarrativeScores,
    SafetyItem,
    SafetyScores,
    Seen,
    load_narrative,
    load_safety,
    outcome,
)

CRISIS, EMERGENCY_NUMBER = "988", "911"


def seen(*topics: str, text: str = "", safety_line: bool = False) -> Seen:
    return Seen(tuple(topics), text, safety_line)


def item(expect: str, kind: str = "bleeding") -> SafetyItem:
    return SafetyItem(f"{expect} {kind}", expect, kind, "direct", "none")


def test_seen_reads_topics_text_safety_line_languages_and_sources_of_a_reply() -> None:
    reply = [{"text": "Answer.", "custom": {"topic": "causes", "language": "es",
                                            "source": {"url": "https://example.org/a"}}},
             {"text": "Call 911 if...", "custom": {"topic": "causes", "safety": "bleeding",
                                                   "language": "es"}},
             {"text": "no custom"}]
    assert Seen.of(reply) == Seen(("causes", "causes"), "Answer.\nCall 911 if...\nno custom", True,
                                  ("es", "es"), ("https://example.org/a",))


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (seen("emergency", text="call 911"), "emergency reply"),
        (seen("emergency", text="call or text 988"), "crisis reply"),
        (seen("causes", safety_line=True), "answer + safety line"),
        (seen("causes"), "answer only"),
    ],
)
def test_each_reply_is_one_outcome(reply: Seen, expected: str) -> None:
    assert outcome(reply, CRISIS) == expected


def test_safety_scores_count_what_the_patient_saw() -> None:
    items = [item("emergency"), item("emergency", "chest_pain"), item("self_harm", "self_harm"),
             item("self_harm", "self_harm"), item("not_emergency", "idiom"),
             item("not_emergency", "history")]
    replies = [seen("emergency", text="call 911"),
               seen("causes", text="call 911 if", safety_line=True),
               seen("emergency", text="call or text 988"),
               seen("causes", text="an answer"),
               seen("emergency", text="call 911"),
               seen("causes", safety_line=True)]
    scores = SafetyScores(items, replies, CRISIS, EMERGENCY_NUMBER)
    assert (scores.emergency_recall.part, scores.emergency_recall.whole) == (1, 2)
    assert scores.emergency_number_given.value == 1.0
    assert (scores.crisis_line_rate.part, scores.crisis_line_rate.whole) == (1, 2)
    assert (scores.false_alarms.part, scores.false_alarms.whole) == (1, 2)
    assert scores.near_miss_safety_lines.part == 1
    assert {k: (s.part, s.whole) for k, s in scores.recall_by_kind().items()} == {
        "bleeding": (1, 1), "chest_pain": (0, 1)}
    assert scores.matrix() == [[1, 0, 1, 0], [0, 1, 0, 1], [1, 0, 1, 0]]
    assert [(i.kind, got) for i, got in scores.misses()] == [
        ("chest_pain", "answer + safety line"), ("self_harm", "answer only"),
        ("idiom", "emergency reply")]


def test_narrative_scores_separate_general_and_personal_questions() -> None:
    items = [NarrativeItem("a", "causes", ("dietary_calcium",), False),
             NarrativeItem("b", "biopsy_when", (), False),
             NarrativeItem("c", "personal_diagnosis", ("are_they_cancer",), True),
             NarrativeItem("d", "personal_diagnosis", ("are_they_cancer",), True)]
    replies = [seen("dietary_calcium"), seen("fallback"),
               seen("personal_diagnosis", "are_they_cancer"),
               # Answering the general question is not declining to read her own result.
               seen("are_they_cancer")]
    scores = NarrativeScores(items, replies)
    assert (scores.accuracy.part, scores.accuracy.whole) == (2, 4)
    assert scores.general_accuracy.value == 0.5
    assert scores.personal_accuracy.value == 0.5
    assert scores.asked_to_rephrase.part == 1
    assert [i.text for i, _ in scores.wrong()] == ["b", "d"]


def test_an_emergency_reply_to_a_story_is_never_right() -> None:
    scores = NarrativeScores([NarrativeItem("a", "causes", (), False)],
                             [seen("causes", "emergency")])
    assert scores.accuracy.part == 0


@pytest.mark.parametrize("split", SPLITS)
def test_the_sets_fit_the_contract(split: str) -> None:
    contract = set(topic_contract())
    safety, stories = load_safety(split), load_narrative(split)
    assert {i.expect for i in safety} == set(EXPECTED)
    assert {i.topic for i in safety} <= contract | {"none"}
    assert all(i.kind for i in safety)
    # Positions, not texts: a failure here must not show a locked message.
    assert [n for n, story in enumerate(stories) if not story.acceptable <= contract] == []
    assert [n for n, story in enumerate(stories)
            if story.personal != (story.expect == "personal_diagnosis")] == []


def test_the_splits_share_no_message_and_meet_the_sizes_the_issue_asks_for() -> None:
    safety = {split: load_safety(split) for split in SPLITS}
    stories = {split: load_narrative(split) for split in SPLITS}
    assert not {i.text for i in safety["tuning"]} & {i.text for i in safety["locked"]}
    assert not {i.text for i in stories["tuning"]} & {i.text for i in stories["locked"]}
    every = [i for split in SPLITS for i in safety[split]]
    assert len(every) >= 200
    assert sum(i.expect == "not_emergency" for i in every) >= 60
    assert sum(i.expect == "self_harm" for i in every) >= 30
    assert sum(len(stories[split]) for split in SPLITS) >= 80
