"""The evaluation's arithmetic, checked against small cases worked out by hand."""

from __future__ import annotations

import pytest

from tools.eval.metrics import (
    NONE,
    Outcome,
    Share,
    SystemScores,
    TopicScore,
    accuracy,
    confusion_matrix,
    macro_f1,
    matrix_labels,
    per_topic_scores,
    provider_line_share,
    scored_label,
)


def outcome(expected: str, returned: tuple[str, ...], also: tuple[str, ...] = ()) -> Outcome:
    return Outcome(f"q-{expected}-{returned}", expected, frozenset((expected, *also)), returned)


def test_scored_label_prefers_the_expected_topic_then_the_first_returned() -> None:
    assert scored_label("causes", ("dietary_calcium", "causes")) == "causes"
    assert scored_label("causes", ("dietary_calcium", "greeting")) == "dietary_calcium"
    assert scored_label("causes", ()) == NONE


def test_an_outcome_is_correct_when_any_returned_topic_is_acceptable() -> None:
    assert outcome("causes", ("greeting", "causes")).correct
    assert outcome("causes", ("are_they_cancer",), also=("are_they_cancer",)).correct
    assert not outcome("causes", ("are_they_cancer",)).correct
    assert not outcome("causes", ()).correct


def test_accuracy_accepts_alternates_and_is_none_without_questions() -> None:
    outcomes = [
        outcome("a", ("a",)),
        outcome("a", ("b",), also=("b",)),  # right through the alternate
        outcome("b", ("a",)),
        outcome("b", ()),
    ]
    assert accuracy(outcomes) == pytest.approx(0.5)
    assert accuracy([]) is None


def test_per_topic_scores_by_hand() -> None:
    # expected a,a,a,b,b,c ; scored a,a,b,b,c,follow_up
    pairs = [("a", "a"), ("a", "a"), ("a", "b"), ("b", "b"), ("b", "c"), ("c", "follow_up")]
    scores = per_topic_scores(pairs, ["a", "b", "c", "d"])
    a, b, c, d = (scores[label] for label in "abcd")
    assert (a.support, a.predicted, a.true_positives) == (3, 2, 2)
    assert a.precision == pytest.approx(1.0)
    assert a.recall == pytest.approx(2 / 3)
    assert a.f1 == pytest.approx(0.8)  # 2*2 / (2 + 3)
    assert b.precision == pytest.approx(0.5) and b.recall == pytest.approx(0.5)
    assert b.f1 == pytest.approx(0.5)
    # c was predicted once (wrongly) and expected once (missed as follow_up).
    assert (c.precision, c.recall, c.f1) == (0.0, 0.0, 0.0)
    # d was neither expected nor predicted: every ratio is 0/0.
    assert (d.precision, d.recall, d.f1) == (None, None, None)
    # follow_up is outside the labels: it is nobody's false positive.
    assert "follow_up" not in scores


def test_a_label_never_predicted_has_no_precision_but_a_zero_f1() -> None:
    score = TopicScore("emergency", support=4, predicted=0, true_positives=0)
    assert score.precision is None
    assert score.recall == 0.0
    assert score.f1 == 0.0


def test_macro_f1_averages_only_labels_that_were_expected() -> None:
    scores = [
        TopicScore("a", support=2, predicted=2, true_positives=2),  # f1 1.0
        TopicScore("b", support=2, predicted=0, true_positives=0),  # f1 0.0
        TopicScore("c", support=0, predicted=3, true_positives=0),  # not expected: left out
    ]
    assert macro_f1(scores) == pytest.approx(0.5)
    assert macro_f1([TopicScore("z", 0, 0, 0)]) is None


def test_confusion_matrix_rows_are_expected_and_columns_scored() -> None:
    pairs = [("b", "b"), ("b", "a"), ("a", "a"), ("a", NONE), ("a", "follow_up")]
    labels = matrix_labels(pairs, ["a", "b", "c"])
    assert labels == ["a", "b", NONE, "follow_up"]  # contract order, then extras sorted
    assert confusion_matrix(pairs, labels) == [
        [1, 0, 1, 1],
        [1, 1, 0, 0],
        [0, 0, 0, 0],
        [0, 0, 0, 0],
    ]


def test_provider_line_share_counts_only_replies_that_need_it() -> None:
    def needs(topic: str) -> bool:
        return topic in {"causes", "emergency"}

    replies = [
        (("causes",), True),
        (("greeting", "emergency"), False),  # needs it through its second topic, lacks it
        (("greeting",), False),  # a greeting needs no provider line
        ((), False),
    ]
    share = provider_line_share(replies, needs)
    assert (share.part, share.whole) == (1, 2)
    assert share.value == pytest.approx(0.5)
    assert provider_line_share([(("greeting",), True)], needs).value is None


def test_system_scores_put_it_all_together() -> None:
    outcomes = [
        outcome("emergency", ("emergency", "causes")),
        outcome("emergency", ("fallback",)),
        outcome("out_of_scope", ("out_of_scope",)),
        outcome("causes", ("out_of_scope",)),
        outcome("causes", ("are_they_cancer",), also=("are_they_cancer",)),
    ]
    labels = ["causes", "are_they_cancer", "emergency", "out_of_scope", "fallback"]
    system = SystemScores("test", outcomes, labels, provider=Share(3, 4))
    assert system.accuracy == pytest.approx(3 / 5)
    assert system.recall("emergency") == pytest.approx(0.5)
    assert system.precision("out_of_scope") == pytest.approx(0.5)
    assert system.recall("out_of_scope") == pytest.approx(1.0)
    # The alternate-only answer is right for accuracy but a miss for causes' recall.
    assert system.recall("causes") == 0.0
    assert [o.expected for o in system.wrong] == ["emergency", "causes"]
    assert sum(map(sum, system.matrix)) == len(outcomes)
    assert system.precision("no_such_topic") is None
