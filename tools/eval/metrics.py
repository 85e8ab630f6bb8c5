"""The evaluation's arithmetic: pure functions over (expected, returned topics) outcomes.

Kept free of servers, files and models so that every number in the report can be checked by
hand in tests/tools/test_eval_metrics.py.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

# The label of a reply that carried no topic (or a baseline that found no neighbour).
NONE = "(none)"


@dataclass(frozen=True)
class Outcome:
    """One held-out question: its expected topic, what else is acceptable, what came back.

    `returned` is every topic of the reply in order (the assistant may answer two questions);
    a baseline returns exactly one label, which may be outside the topic contract (follow_up).
    """

    text: str
    expected: str
    acceptable: frozenset[str]
    returned: tuple[str, ...]

    @property
    def correct(self) -> bool:
        """Right when any returned topic is acceptable: a two-answer reply is not penalised for
        also answering the second question."""
        return bool(self.acceptable & set(self.returned))

    @property
    def predicted(self) -> str:
        """The single label used for per-topic scores and the confusion matrix."""
        return scored_label(self.expected, self.returned)


def scored_label(expected: str, returned: Sequence[str]) -> str:
    """The expected topic if the reply contains it, else the reply's first topic (else NONE).

    One label per question is what precision/recall need; choosing the expected one when it is
    present keeps a correct multi-topic reply from counting as a false positive elsewhere.
    """
    if expected in returned:
        return expected
    return returned[0] if returned else NONE


def accuracy(outcomes: Sequence[Outcome]) -> float | None:
    """Share of questions whose reply carries an acceptable topic (alternates accepted)."""
    if not outcomes:
        return None
    return sum(outcome.correct for outcome in outcomes) / len(outcomes)


@dataclass(frozen=True)
class TopicScore:
    """Precision, recall and F1 of one label; None where the ratio is 0/0."""

    label: str
    support: int  # questions whose expected topic is this label
    predicted: int  # questions scored as this label
    true_positives: int

    @property
    def precision(self) -> float | None:
        return self.true_positives / self.predicted if self.predicted else None

    @property
    def recall(self) -> float | None:
        return self.true_positives / self.support if self.support else None

    @property
    def f1(self) -> float | None:
        """2·TP / (2·TP + FP + FN) = 2·TP / (predicted + support); 0/0 only when the label was
        neither expected nor predicted."""
        total = self.predicted + self.support
        return 2 * self.true_positives / total if total else None


def per_topic_scores(
    pairs: Iterable[tuple[str, str]], labels: Sequence[str]
) -> dict[str, TopicScore]:
    """Scores for each of `labels` from (expected, predicted) pairs.

    Predictions outside `labels` (follow_up, NONE) are misses for the expected label and a false
    positive for no label: they stay visible in the confusion matrix instead.
    """
    pairs = list(pairs)
    support = Counter(expected for expected, _ in pairs)
    predicted = Counter(label for _, label in pairs)
    hits = Counter(expected for expected, label in pairs if expected == label)
    return {
        label: TopicScore(label, support[label], predicted[label], hits[label]) for label in labels
    }


def macro_f1(scores: Iterable[TopicScore]) -> float | None:
    """Unweighted mean F1 over the labels that occur in the evaluation set."""
    values = [score.f1 or 0.0 for score in scores if score.support]
    return sum(values) / len(values) if values else None


def matrix_labels(pairs: Iterable[tuple[str, str]], contract: Sequence[str]) -> list[str]:
    """Rows and columns of the confusion matrix: contract labels that occur, in contract order,
    then any other predicted labels (follow_up, NONE) sorted."""
    seen = {label for pair in pairs for label in pair}
    ordered = [label for label in contract if label in seen]
    return ordered + sorted(seen - set(contract))


def confusion_matrix(
    pairs: Iterable[tuple[str, str]], labels: Sequence[str]
) -> list[list[int]]:
    """counts[i][j]: questions expected as labels[i] and scored as labels[j]."""
    index = {label: position for position, label in enumerate(labels)}
    counts = [[0] * len(labels) for _ in labels]
    for expected, predicted in pairs:
        counts[index[expected]][index[predicted]] += 1
    return counts


@dataclass(frozen=True)
class Share:
    """part of whole, as a ratio that is None when nothing was counted."""

    part: int
    whole: int

    @property
    def value(self) -> float | None:
        return self.part / self.whole if self.whole else None


def provider_line_share(
    replies: Iterable[tuple[Sequence[str], bool]], needs_line: Callable[[str], bool]
) -> Share:
    """Of the replies with a topic that must recommend a provider, how many did.

    Each reply is (its topics, whether its text contains the provider line).
    """
    needing = [has_line for topics, has_line in replies if any(map(needs_line, topics))]
    return Share(sum(needing), len(needing))


@dataclass
class SystemScores:
    """Everything the report says about one system on the held-out set."""

    name: str
    outcomes: list[Outcome]
    labels: list[str]  # the topic contract
    provider: Share | None = None
    scores: dict[str, TopicScore] = field(init=False)
    matrix_labels: list[str] = field(init=False)
    matrix: list[list[int]] = field(init=False)

    def __post_init__(self) -> None:
        pairs = [(outcome.expected, outcome.predicted) for outcome in self.outcomes]
        self.scores = per_topic_scores(pairs, self.labels)
        self.matrix_labels = matrix_labels(pairs, self.labels)
        self.matrix = confusion_matrix(pairs, self.matrix_labels)

    @property
    def accuracy(self) -> float | None:
        return accuracy(self.outcomes)

    @property
    def macro_f1(self) -> float | None:
        return macro_f1(self.scores.values())

    def recall(self, label: str) -> float | None:
        return self.scores[label].recall if label in self.scores else None

    def precision(self, label: str) -> float | None:
        return self.scores[label].precision if label in self.scores else None

    @property
    def wrong(self) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if not outcome.correct]
