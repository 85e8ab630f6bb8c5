"""No evaluation item may also be a training example, word for word or nearly."""

from __future__ import annotations

from bot.components.learned_risk import load_corpus
from tools.eval.data import ROOT, TRAINING_DIR, load_heldout, load_training
from tools.eval.languages import load_spanish
from tools.eval.overlap import overlaps
from tools.eval.patient_sets import SPLITS, load_narrative, load_safety, load_spanish_safety


def test_same_words_in_another_case_and_punctuation_is_the_same_text() -> None:
    found = overlaps(["Do I have CANCER?"], ["do i have cancer", "what are calcifications"])
    assert [(o.evaluation, o.training, o.similarity) for o in found] == [
        ("Do I have CANCER?", "do i have cancer", 1.0)]


def test_a_near_copy_is_found_and_a_different_question_is_not() -> None:
    training = ["what happens during a stereotactic biopsy", "what causes calcifications"]
    assert len(overlaps(["what happens during a stereotactic breast biopsy"], training)) == 1
    assert overlaps(["how long do biopsy results take to come back"], training) == []


def test_short_texts_must_match_exactly() -> None:
    # Two- and three-word texts share most words by chance ("are they cancer" / "are they").
    assert overlaps(["are they benign"], ["are they cancer"]) == []
    assert len(overlaps(["hello"], ["Hello!"])) == 1


def test_no_evaluation_item_is_a_training_example() -> None:
    evaluation = [example.text for example in load_heldout()]
    for split in SPLITS:
        evaluation += [item.text for item in load_safety(split)]
        evaluation += [item.text for item in load_narrative(split)]
        evaluation += load_spanish(split)
        evaluation += [item.text for item in load_spanish_safety(split)]
    english, spanish = load_training(), load_training(TRAINING_DIR / "es")
    writers = load_corpus(ROOT / "data" / "writers").texts
    training = [example.text for example in (*english, *spanish)] + writers
    assert len(evaluation) > 700 and len(english) > 1000 and len(spanish) > 500
    assert len(writers) > 5000
    # The training side only: a failure must not show a locked evaluation message.
    assert [o.training for o in overlaps(evaluation, training)] == []
