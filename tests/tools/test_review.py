"""`make review`: list, sign for scripts, and the walk-through a clinician answers."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.content import content
from bot.content.review import REVIEWS_FILE, all_items, load_reviews
from tools.stack import ROOT


@pytest.fixture()
def reviews(tmp_path: Path) -> Path:
    path = tmp_path / "reviews.yml"
    shutil.copy(REVIEWS_FILE, path)
    return path


def review(reviews: Path, *args: str, answers: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tools.review", "--reviews", str(reviews), *args],
                          cwd=ROOT, input=answers, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_list_prints_each_answer_to_review_with_its_statements(reviews: Path) -> None:
    listed = review(reviews, "--list")
    assert listed.returncode == 0
    topic = content().topics["causes"]
    assert "== causes ==" in listed.stdout and topic.answer in listed.stdout
    for statement in topic.statements:
        assert f"[{statement}]" in listed.stdout
    assert "== emergency ==" in listed.stdout and "clinic's protocol" in listed.stdout
    assert load_reviews(reviews) == {}


def test_sign_records_every_answer_and_then_nothing_is_left(reviews: Path) -> None:
    assert review(reviews, "--sign", "Jane Doe, MD").returncode == 0
    assert set(load_reviews(reviews)) == {item.key for item in all_items()}
    assert "es:causes" in load_reviews(reviews)
    assert "Every answer is reviewed." in review(reviews, "--list").stdout
    assert review(reviews, "--sign", "no credential").returncode != 0


def test_the_walk_through_signs_what_is_accepted_and_keeps_the_rest(reviews: Path) -> None:
    first, second = (item.key for item in all_items()[:2])
    walked = review(reviews, answers="Ann Lee\nNP\na\ns\nq\n")
    assert walked.returncode == 0
    assert "Signed 1 of" in walked.stdout
    records = load_reviews(reviews)
    assert set(records) == {first} and records[first].credential == "NP"
    assert f"== {second} ==" in review(reviews, "--list").stdout


def test_an_answer_edited_after_sign_off_is_listed_with_what_changed(reviews: Path) -> None:
    review(reviews, "--sign", "Jane Doe, MD")
    # As if the clinician had signed an older wording, which the file has since replaced.
    raw = yaml.safe_load(reviews.read_text(encoding="utf-8"))
    record = raw["reviews"]["en"]["causes"]
    record["text"] = record["text"].replace(content().topics["causes"].answer,
                                            "An older wording of the causes.")
    record["fingerprint"] = "0" * 64
    reviews.write_text(yaml.safe_dump(raw), encoding="utf-8")
    listed = review(reviews, "--list").stdout
    assert "1 answers to review" in listed
    assert "Changed since Jane Doe, MD signed it" in listed
    assert "-An older wording of the causes." in listed.replace("  -", "-")
