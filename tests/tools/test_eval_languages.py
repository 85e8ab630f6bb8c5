"""The language identification figures of `make eval`, on sets whose answer is known."""

from __future__ import annotations

from tools.eval import languages
from tools.eval.patient_sets import SPLITS, Seen


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


def test_routing_counts_topics_spanish_replies_and_spanish_sources() -> None:
    spanish_url = "https://medlineplus.gov/spanish/ency/article/002113.htm"
    questions = [languages.SpanishQuestion("¿son cáncer?", "are_they_cancer", "topic"),
                 languages.SpanishQuestion("¿mi resultado es malo?", "personal_diagnosis",
                                           "personal"),
                 languages.SpanishQuestion("hola", "greeting", "conversation")]
    seen = [Seen(("are_they_cancer",), "", False, ("es",), (spanish_url,)),
            Seen(("are_they_cancer",), "", False, ("en",), ("https://medlineplus.gov/ency/",)),
            Seen(("greeting",), "", False, ("es",), ())]
    routing = languages.score_routing(questions, seen, {spanish_url})
    assert (routing.routed.part, routing.routed.whole) == (2, 3)
    assert (routing.personal.part, routing.personal.whole) == (0, 1)
    assert (routing.in_spanish.part, routing.in_spanish.whole) == (2, 3)
    # Only answers written in Spanish are held to the Spanish source.
    assert (routing.spanish_source.part, routing.spanish_source.whole) == (1, 1)
    assert routing.baseline.whole == 3
