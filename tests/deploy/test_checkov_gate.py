"""tools/checkov_gate.py, which turns checkov's JSON report into `make validate-deploy`'s
verdict: a finding, a file checkov could not parse, or a framework that checked nothing fails."""

from __future__ import annotations

from typing import Any

from tools.checkov_gate import gate


def report(kind: str, passed: int, failed: list[dict[str, Any]] | None = None,
           parsing_errors: int = 0) -> dict[str, Any]:
    failed = failed or []
    return {"check_type": kind, "results": {"failed_checks": failed},
            "summary": {"passed": passed, "failed": len(failed), "skipped": 1,
                        "parsing_errors": parsing_errors}}


FINDING = {"check_id": "CKV_K8S_22", "check_name": "Use read-only filesystem",
           "file_path": "/rasa.yaml", "file_line_range": [3, 148], "resource": "Deployment.rasa"}


def test_clean_reports_pass() -> None:
    assert gate([report("kubernetes", 538), report("secrets", 0)], ["kubernetes"]) == []
    assert gate(report("dockerfile", 136), ["dockerfile"]) == []


def test_a_finding_fails_and_is_named() -> None:
    (problem,) = gate([report("kubernetes", 10, [FINDING])], ["kubernetes"])
    assert "/rasa.yaml:3-148 CKV_K8S_22" in problem


def test_a_file_checkov_could_not_parse_fails() -> None:
    assert gate(report("yaml", 5, parsing_errors=1), ["yaml"])


def test_nothing_checked_fails() -> None:
    # What checkov writes when it recognised no file: a summary and nothing else.
    assert gate({"passed": 0, "failed": 0, "skipped": 0}, ["yaml"])
    assert gate(report("yaml", 0), ["yaml"])
    assert gate([report("secrets", 0)], ["dockerfile"])
