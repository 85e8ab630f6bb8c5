"""Clinical review: records that cannot outlive an edit, and servers that can insist on them."""

from __future__ import annotations

import copy
import datetime as dt
import logging
import os
import shutil
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import pytest
import yaml

from bot.content import ANSWERS_FILE, content, parse_content
from bot.content.review import (
    REQUIRE_ENV,
    REVIEWS_FILE,
    UnreviewedContentError,
    all_items,
    check_at_start_up,
    load_reviews,
    review_items,
    review_state,
    sign,
)
from bot.content.statements import statements
from bot.settings import ClinicSettings
from tools.stack import ROOT, free_port

PLACEHOLDERS = {field.name for field in fields(ClinicSettings)}


@pytest.fixture()
def reviews(tmp_path: Path) -> Path:
    path = tmp_path / "reviews.yml"
    shutil.copy(REVIEWS_FILE, path)
    return path


def edited(change) -> list:
    """The review items of a copy of answers.yml changed by `change`."""
    raw = yaml.safe_load(ANSWERS_FILE.read_text(encoding="utf-8"))
    change(raw)
    return review_items(parse_content(copy.deepcopy(raw), PLACEHOLDERS, statements().by_id))


def test_the_shipped_record_claims_only_complete_reviews() -> None:
    # Every record names a reviewer with a credential, a date that has passed, and exactly
    # what was signed; a record missing any of them fails to load.
    for item_id, record in load_reviews().items():
        assert record.reviewer and record.credential, item_id
        assert record.date <= dt.date.today(), item_id
    topics = yaml.safe_load(ANSWERS_FILE.read_text(encoding="utf-8"))["topics"]
    assert not any("checked" in topic for topic in topics.values())


def test_every_topic_and_the_advice_behaviours_are_reviewed_items_in_each_language() -> None:
    keys = [item.key for item in all_items()]
    assert set(content().topics) < set(keys)
    assert {"emergency", "aftercare", "es:emergency", "es:causes"} < set(keys)
    assert len(keys) == len(set(keys))


def test_signing_records_the_reviewer_and_a_later_edit_unsigns(reviews: Path) -> None:
    items = review_items(content())
    assert review_state(items, load_reviews(reviews)).reviewed == ()
    sign(items, "Jane Doe", "RN", reviews, today=dt.date(2026, 12, 1))
    records = load_reviews(reviews)
    assert review_state(items, records).pending == ()
    assert records["causes"].reviewer == "Jane Doe" and records["causes"].credential == "RN"
    assert reviews.read_text(encoding="utf-8").startswith("# Clinical sign-off")

    def reword(raw: dict) -> None:
        raw["topics"]["causes"]["answer"] += " Your doctor can tell you more."

    def recite(raw: dict) -> None:
        raw["topics"]["biopsy_when"]["statements"].pop()

    def new_emergency_text(raw: dict) -> None:
        raw["behaviours"]["emergency"]["text"] += " Stay on the line."

    for change, item_id in ((reword, "causes"), (recite, "biopsy_when"),
                            (new_emergency_text, "emergency")):
        state = review_state(edited(change), records)
        assert state.changed == (item_id,)
        assert item_id not in state.reviewed


def test_a_record_without_a_credential_does_not_load(reviews: Path) -> None:
    raw = yaml.safe_load(reviews.read_text(encoding="utf-8"))
    raw["reviews"]["en"]["causes"] = {"reviewer": "Jane Doe", "date": "2026-12-01",
                                      "fingerprint": "x", "text": "x"}
    reviews.write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(KeyError):
        load_reviews(reviews)


def test_signing_needs_a_name_and_a_credential(reviews: Path) -> None:
    with pytest.raises(ValueError):
        sign(review_items(content()), "Jane Doe", " ", reviews)


def test_start_up_warns_by_default_and_refuses_when_reviews_are_required(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    pending = review_state(all_items(), load_reviews()).pending
    if not pending:
        pytest.skip("every shipped answer is signed")
    monkeypatch.delenv(REQUIRE_ENV, raising=False)
    with caplog.at_level(logging.WARNING):
        check_at_start_up("Test server")
    assert pending[0] in caplog.text and "make review" in caplog.text
    monkeypatch.setenv(REQUIRE_ENV, "1")
    with pytest.raises(UnreviewedContentError, match=pending[0]):
        check_at_start_up("Test server")


@pytest.mark.parametrize("command", [
    [sys.executable, "-m", "actions.server", "--port", "{port}"],
    [sys.executable, "-m", "bot.serve", "run", "--port", "{port}", "--enable-api"],
])
def test_servers_refuse_to_start_with_unreviewed_answers_when_required(command: list[str]) -> None:
    pending = review_state(all_items(), load_reviews()).pending
    if not pending:
        pytest.skip("every shipped answer is signed")
    port = str(free_port())
    env = {**os.environ, REQUIRE_ENV: "1", "PYTHONPATH": str(ROOT)}
    result = subprocess.run([part.format(port=port) for part in command], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert f"{REQUIRE_ENV}=1" in result.stderr and pending[-1] in result.stderr
