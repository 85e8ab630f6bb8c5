"""The Grafana dashboard (deploy/grafana/calcifications.json) asks only for metrics that
bot/metrics.py exposes, by the labels they carry: a renamed metric or label fails here, not on
a clinic's screen as an empty panel."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.metrics import MetricWrapperBase

from bot import metrics

ROOT = Path(__file__).resolve().parents[2]
DASHBOARD = ROOT / "deploy" / "grafana" / "calcifications.json"
DATASOURCE = {"type": "prometheus", "uid": "${DS_PROMETHEUS}"}
# Panels that come with Grafana itself: the dashboard needs no plugin.
CORE_PANELS = {"row", "timeseries", "stat", "bargauge", "table", "gauge", "text", "barchart",
               "piechart", "heatmap", "histogram", "state-timeline", "status-history"}
# What a sample name adds to its metric's name, by the metric's type (the text format).
SUFFIXES = {"counter": ("_total",), "histogram": ("_bucket", "_sum", "_count"),
            "gauge": ("",), "summary": ("", "_sum", "_count"), "info": ("_info",)}

PROMQL_FUNCTIONS = {
    "sum", "avg", "min", "max", "count", "group", "stddev", "stdvar", "topk", "bottomk",
    "quantile", "count_values", "rate", "irate", "increase", "delta", "idelta", "deriv",
    "resets", "changes", "histogram_quantile", "sort", "sort_desc", "vector", "scalar",
    "clamp", "clamp_min", "clamp_max", "abs", "ceil", "floor", "round", "absent",
    "absent_over_time", "sum_over_time", "avg_over_time", "min_over_time", "max_over_time",
    "count_over_time", "label_replace", "label_join", "time", "timestamp",
}
PROMQL_KEYWORDS = {"and", "or", "unless", "bool", "offset", "inf", "nan"}
GROUPING = re.compile(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)")
STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'')
SELECTOR = re.compile(r"([A-Za-z_:][\w:]*)?\s*\{([^}]*)\}")
MATCHER_LABEL = re.compile(r"([A-Za-z_]\w*)\s*(?:=~|!~|!=|=)")
IDENTIFIER = re.compile(r"(?<![\w:.])([A-Za-z_:][\w:]*)(\s*\()?")
NUMBER_OR_DURATION = re.compile(r"(?<![\w:])\d[\w.]*")


def exposed() -> dict[str, set[str]]:
    """Every sample name the metric objects of bot/metrics.py expose, with its label names."""
    names: dict[str, set[str]] = {}
    objects = [value for value in vars(metrics).values() if isinstance(value, MetricWrapperBase)]
    assert objects, "bot/metrics.py defines no metric"
    for metric in objects:
        # prometheus_client keeps the label names of a metric with no sample yet only here.
        labels = set(metric._labelnames)
        for family in metric.describe():
            for suffix in SUFFIXES[family.type]:
                names[family.name + suffix] = labels | ({"le"} if suffix == "_bucket" else set())
        for family in metric.collect():
            for sample in family.samples:
                if not sample.name.endswith("_created"):
                    names.setdefault(sample.name, labels | set(sample.labels))
    return names


def used(expr: str) -> tuple[set[str], set[str], dict[str, set[str]]]:
    """A PromQL expression's metric names, the labels it groups by, and the label names each
    metric is matched on. Raises ValueError for what this reader cannot vouch for."""
    if "__name__" in expr:
        raise ValueError(f"metric named through __name__: {expr}")
    text = re.sub(r"\$\{[^}]*\}|\$\w+", "", expr)  # Grafana's $__range, ${var}
    text = STRING.sub('""', text)
    matched: dict[str, set[str]] = {}

    def selector(match: re.Match[str]) -> str:
        if not match.group(1):
            raise ValueError(f"selector without a metric name: {expr}")
        matched.setdefault(match.group(1), set()).update(MATCHER_LABEL.findall(match.group(2)))
        return match.group(1)

    text = SELECTOR.sub(selector, text)
    text = re.sub(r"\[[^\]]*\]", "", text)  # ranges and subqueries
    grouped = {label.strip() for labels in GROUPING.findall(text)
               for label in labels.split(",") if label.strip()}
    text = GROUPING.sub("", text)
    text = re.sub(r"\boffset\s+\S+", "", text)
    text = NUMBER_OR_DURATION.sub("", text)
    names = set()
    for name, call in IDENTIFIER.findall(text):
        if call:
            if name not in PROMQL_FUNCTIONS:
                raise ValueError(f"unknown function {name}( in {expr}")
        elif name not in PROMQL_KEYWORDS:
            names.add(name)
    return names, grouped, matched


def walk(node: Any) -> Iterator[dict[str, Any]]:
    """Every JSON object of the dashboard, nested ones included."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def problems(dashboard: dict[str, Any]) -> list[str]:
    """What in the dashboard's expressions is not exposed by bot/metrics.py."""
    known = exposed()
    found = []
    expressions = [node["expr"] for node in walk(dashboard) if "expr" in node]
    if not expressions:
        return ["no PromQL expression"]
    for expr in expressions:
        try:
            names, grouped, matched = used(expr)
        except ValueError as error:
            found.append(str(error))
            continue
        if not names:
            found.append(f"no metric in {expr}")
        unknown = sorted(names - set(known))
        found += [f"{name} is not a metric of bot/metrics.py: {expr}" for name in unknown]
        if unknown:
            continue
        labels = set().union(*(known[name] for name in names))
        found += [f"label {label} is not on {', '.join(sorted(names))}: {expr}"
                  for label in sorted(grouped - labels)]
        found += [f"label {label} is not on {name}: {expr}"
                  for name, matchers in matched.items() for label in sorted(matchers - known[name])]
    return found


@pytest.fixture(scope="module")
def dashboard() -> dict[str, Any]:
    return json.loads(DASHBOARD.read_text(encoding="utf-8"))


def panels(dashboard: dict[str, Any]) -> list[dict[str, Any]]:
    """Every panel, those inside collapsed rows too."""
    return [node for node in walk(dashboard.get("panels", [])) if "gridPos" in node]


def test_it_is_a_grafana_dashboard_with_panels_that_query_prometheus(
        dashboard: dict[str, Any]) -> None:
    assert dashboard["title"] and dashboard["uid"]
    assert dashboard["schemaVersion"] >= 36
    variables = {v["name"]: v for v in dashboard["templating"]["list"]}
    assert variables["DS_PROMETHEUS"]["type"] == "datasource"
    assert variables["DS_PROMETHEUS"]["query"] == "prometheus"
    graphs = [panel for panel in panels(dashboard) if panel["type"] != "row"]
    assert len(graphs) >= 8
    ids = [panel["id"] for panel in panels(dashboard)]
    assert len(ids) == len(set(ids))
    for panel in graphs:
        assert panel["type"] in CORE_PANELS, panel["title"]
        assert panel["datasource"] == DATASOURCE, panel["title"]
        assert panel["targets"], panel["title"]
        refs = [target["refId"] for target in panel["targets"]]
        assert len(refs) == len(set(refs)), panel["title"]
        for target in panel["targets"]:
            assert target["expr"].strip(), panel["title"]
            assert target["datasource"] == DATASOURCE, panel["title"]
    required = {item["id"] for item in dashboard.get("__requires", []) if item["type"] == "panel"}
    assert required <= CORE_PANELS


def test_every_expression_uses_only_the_metrics_and_labels_bot_metrics_exposes(
        dashboard: dict[str, Any]) -> None:
    assert problems(dashboard) == []


def test_every_metric_of_bot_metrics_is_on_the_dashboard(dashboard: dict[str, Any]) -> None:
    shown = set().union(*(used(node["expr"])[0] for node in walk(dashboard) if "expr" in node))
    families = [family for value in vars(metrics).values()
                if isinstance(value, MetricWrapperBase) for family in value.describe()]
    assert families
    missing = [family.name for family in families
               if not {family.name + suffix for suffix in SUFFIXES[family.type]} & shown]
    assert missing == []


def test_the_exposed_names_carry_the_suffixes_of_the_text_format() -> None:
    known = exposed()
    assert "calcifications_messages_total" in known
    assert known["calcifications_messages_total"] == {"channel", "language"}
    assert {"calcifications_turn_seconds_bucket", "calcifications_turn_seconds_sum",
            "calcifications_turn_seconds_count"} <= set(known)
    assert "le" in known["calcifications_turn_seconds_bucket"]
    assert "calcifications_messages" not in known


@pytest.mark.parametrize(("expr", "expected"), [
    ("sum(rate(calcifications_made_up_total[5m]))",
     "calcifications_made_up_total is not a metric of bot/metrics.py"),
    ("sum by (channel) (rate(calcifications_messages[5m]))",
     "calcifications_messages is not a metric of bot/metrics.py"),
    ("sum by (topic) (rate(calcifications_messages_total[$__rate_interval]))",
     "label topic is not on calcifications_messages_total"),
    ('sum(rate(calcifications_fallbacks_total{kind="x"}[5m]))',
     "label kind is not on calcifications_fallbacks_total"),
    ("histogram_quantile(0.95, sum by (le) (rate(calcifications_turn_seconds[5m])))",
     "calcifications_turn_seconds is not a metric of bot/metrics.py"),
    ("made_up_function(calcifications_messages_total)", "unknown function made_up_function("),
])
def test_a_name_or_label_that_bot_metrics_does_not_expose_is_caught(
        expr: str, expected: str) -> None:
    found = problems({"panels": [{"targets": [{"expr": expr}]}]})
    assert len(found) == 1 and found[0].startswith(expected), found


def test_the_reader_sees_through_functions_ranges_strings_and_grafana_variables() -> None:
    names, grouped, matched = used(
        'sort_desc(topk(15, sum by (topic, language) (increase(calcifications_topics_total'
        '{topic!~"fallback|not covered", language="en"}[$__range] offset 1h)))) * 60 / '
        "sum without (le) (rate(calcifications_turn_seconds_count[${interval}])) or vector(0)")
    assert names == {"calcifications_topics_total", "calcifications_turn_seconds_count"}
    assert grouped == {"topic", "language", "le"}
    assert matched == {"calcifications_topics_total": {"topic", "language"}}
