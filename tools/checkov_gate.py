"""Reads checkov's JSON report (`checkov ... -o json`) from stdin for `make validate-deploy`:
prints one line per framework and every failed check, and fails on any failed check or parse
error, and also when a framework named on the command line checked nothing (a file checkov
did not recognise passes silently otherwise). Standard library only: it runs in .venv-deploy.

    checkov --framework dockerfile -f Dockerfile -o json | python tools/checkov_gate.py dockerfile
"""

from __future__ import annotations

import json
import sys
from typing import Any


def reports(document: Any) -> list[dict[str, Any]]:
    """checkov writes one report object, a list of them, or only a summary when it found
    nothing to check."""
    items = document if isinstance(document, list) else [document]
    return [item for item in items if isinstance(item, dict) and "check_type" in item]


def gate(document: Any, required: list[str]) -> list[str]:
    """The problems, as lines to print; none means the files passed."""
    problems = []
    found = {}
    for report in reports(document):
        summary = report.get("summary", {})
        kind = report["check_type"]
        found[kind] = summary.get("passed", 0) + summary.get("failed", 0)
        print(f"checkov {kind}: {summary.get('passed', 0)} passed, {summary.get('failed', 0)} "
              f"failed, {summary.get('skipped', 0)} skipped (with a reason in the file)")
        for check in report.get("results", {}).get("failed_checks", []):
            lines = "-".join(str(line) for line in check.get("file_line_range", []))
            problems.append(f"{check.get('file_path')}:{lines} {check.get('check_id')} "
                            f"{check.get('check_name')} ({check.get('resource')})")
        if summary.get("parsing_errors"):
            problems.append(f"checkov {kind}: {summary['parsing_errors']} files it could not parse")
    problems += [f"checkov {kind}: nothing was checked" for kind in required
                 if not found.get(kind)]
    return problems


def main(argv: list[str]) -> int:
    text = sys.stdin.read()
    try:
        document = json.loads(text)
    except json.JSONDecodeError:
        print(f"checkov wrote no JSON report:\n{text[-2000:]}", file=sys.stderr)
        return 1
    problems = gate(document, argv)
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
