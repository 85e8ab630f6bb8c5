"""The benchmark's arithmetic and conversations, checked with numbers worked out by hand."""

from __future__ import annotations

import pytest

from tools import targets
from tools.bench import report
from tools.bench.load import (
    CONVERSATION_LENGTH,
    FOLLOW_UPS,
    QUESTIONS,
    assistant_conversations,
    stock_conversations,
)
from tools.bench.long import messages, window_medians
from tools.bench.stats import percentile, summarize


def test_percentile_interpolates_between_closest_ranks() -> None:
    values = [40.0, 10.0, 30.0, 20.0]  # sorted: 10 20 30 40, ranks 0..3
    assert percentile(values, 50) == pytest.approx(25.0)  # rank 1.5
    assert percentile(values, 95) == pytest.approx(38.5)  # rank 2.85
    assert percentile(values, 99) == pytest.approx(39.7)  # rank 2.97
    assert percentile(values, 0) == 10.0
    assert percentile(values, 100) == 40.0


def test_percentile_of_one_value_and_of_an_odd_count() -> None:
    assert percentile([7.0], 99) == 7.0
    assert percentile([3.0, 1.0, 2.0], 50) == 2.0


def test_percentile_refuses_no_values_and_out_of_range() -> None:
    with pytest.raises(ValueError):
        percentile([], 50)
    with pytest.raises(ValueError):
        percentile([1.0], 101)


def test_summarize_times_answered_messages_and_counts_errors() -> None:
    stats = summarize([10.0, 20.0, 30.0, 40.0], errors=3, wall_s=2.0)
    assert stats.messages == 4
    assert stats.errors == 3
    assert stats.median_ms == pytest.approx(25.0)
    assert stats.p95_ms == pytest.approx(38.5)
    assert stats.mean_ms == pytest.approx(25.0)
    assert stats.max_ms == 40.0
    assert stats.messages_per_s == pytest.approx(2.0)  # errors do not count as throughput


def test_summarize_with_nothing_answered() -> None:
    stats = summarize([], errors=5, wall_s=1.0)
    assert stats.median_ms is None and stats.messages_per_s == 0.0 and stats.errors == 5


def test_conversations_are_ten_messages_and_repeat_with_the_seed() -> None:
    for make in (assistant_conversations, stock_conversations):
        first = make(12, seed=3)
        assert first == make(12, seed=3)
        assert first != make(12, seed=4)
        assert all(len(conversation) == CONVERSATION_LENGTH for conversation in first)
        assert len({tuple(conversation) for conversation in first}) > 1


def test_assistant_conversations_have_questions_and_follow_ups() -> None:
    conversation = assistant_conversations(1, seed=1)[0]
    assert sum(message in QUESTIONS for message in conversation) == 5
    assert sum(message in FOLLOW_UPS for message in conversation) == 2


def _results(ours: dict, stock: dict, rss: float | None, training: float | None,
             workers: tuple[float, ...] = (), whole: float | None = None) -> dict:
    def target(by_concurrency: dict, peak: dict, pss: float | None = None) -> dict:
        return {"peak_rss_mb": peak, "server_pss_mb_after_load": pss, "scenarios": [
            {"scenario": {"concurrency": c}, "stats": stats} for c, stats in by_concurrency.items()
        ]}
    peaks = {"rasa": rss, **{f"rasa worker {n}": v for n, v in enumerate(workers, start=1)}}
    return {"targets": {"ours": target(ours, peaks, whole), "stock": target(stock, {})},
            "training_s": {"ours": training}}


def test_checks_compare_ours_with_stock() -> None:
    results = _results(
        ours={1: {"median_ms": 20.0, "messages_per_s": 50.0},
              32: {"median_ms": 500.0, "messages_per_s": 100.0}},
        stock={1: {"median_ms": 50.0, "messages_per_s": 20.0},
               32: {"median_ms": 900.0, "messages_per_s": 25.0}},
        rss=701.0, training=59.0, whole=440.0,
    )
    ratios = report.ratios(results)
    assert ratios["throughput_32_ours_over_stock"] == pytest.approx(4.0)
    assert ratios["median_1_ours_over_stock"] == pytest.approx(0.4)
    assert [check.status for check in report.checks(results)] == [
        targets.NOT_MET, targets.MET, targets.NOT_MET, targets.MET, targets.NOT_MEASURED,
        targets.MET]


@pytest.mark.parametrize(("last", "expected"), [(14.0, targets.MET), (16.0, targets.NOT_MET)])
def test_the_long_conversation_compares_its_last_messages_with_its_first(
        last: float, expected: str) -> None:
    latencies = [10.0] * 10 + [12.0] * 280 + [last] * 10
    medians = window_medians(latencies)
    assert medians[1] == 10.0 and medians[291] == last and len(medians) == 30
    results = _results(ours={}, stock={}, rss=None, training=None)
    results["targets"]["ours"]["long_conversation"] = {
        "window_medians_ms": medians, "last_over_first": medians[291] / medians[1],
        "error": None}
    found = {check.name: check for check in report.checks(results)}
    check = found["One conversation: messages 291-300 / messages 1-10 (medians)"]
    assert check.status == expected and check.measured.startswith(f"{last / 10:.2f}x")
    assert "| 291-300 |" in report.render_markdown({
        **results, "machine": {"date": "d", "nproc": 2, "python": "3.10", "rasa": "3.6.21",
                               "rasa_sdk": "3.6.2", "sanic": "21", "aiohttp": "3"},
        "config": {"seed": 7, "scenarios": []}})


def test_memory_is_checked_per_worker_and_for_the_whole_server() -> None:
    results = _results(ours={}, stock={}, rss=300.0, training=None, workers=(690.0, 710.0),
                       whole=451.0)
    found = {check.name: check.status for check in report.checks(results)}
    assert found["Peak RSS of our Rasa server (its largest process)"] == targets.NOT_MET
    assert found["Memory of our whole Rasa server, all processes (PSS after load)"] == \
        targets.NOT_MET
    assert report.largest_rss(results["targets"]["ours"], "rasa") == 710.0


def test_checks_without_figures_are_not_measured() -> None:
    results = _results(ours={}, stock={}, rss=None, training=None)
    assert {check.status for check in report.checks(results)} == {targets.NOT_MEASURED}


def test_the_long_conversation_mixes_questions_and_follow_ups() -> None:
    texts = messages()
    assert len(texts) == 300
    assert {texts[0], texts[2]} <= set(QUESTIONS) and texts[1] in FOLLOW_UPS
