"""The language identification figures of `make eval`, on sets whose answer is known."""

from __future__ import annotations

from tools.eval import languages
from tools.eval.patient_sets import SPLITS


def test_scores_count_right_short_and_sure_but_wrong() -> None:
    rows = languages.score(
        ["what causes the white spots on my mammogram?", "ok"],
        {"tuning": ["¿qué causa las calcificaciones del seno?", "what causes them?"]},
    )
    english, spanish = rows
    assert (english.right.part, english.right.whole) == (2, 2)
    assert english.short_right.whole == 1
    assert (spanish.right.part, spanish.right.whole) == (1, 2)
    # "what causes them?" is surely English, so a sure decision was wrong once.
    assert spanish.sure_but_wrong.part == 1
    table = "\n".join(languages.table(rows))
    assert "0.500 (1/2)" in table


def test_the_spanish_set_has_both_splits() -> None:
    assert all(languages.load_spanish(split) for split in SPLITS)
