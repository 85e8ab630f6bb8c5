"""The vetted answers: file rules, readability, sources, and the copy check against the article."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import re
import subprocess
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest
import textstat
import yaml

from bot.content import (
    ANSWERS_FILE,
    BEHAVIOURS,
    PROVIDER_BEHAVIOURS,
    Content,
    ContentError,
    Source,
    load_content,
    parse_content,
)
from bot.content.statements import article_dir, statements
from bot.settings import ClinicSettings, load_settings

ROOT = Path(__file__).resolve().parents[2]
ARTICLE_GRAMS = ROOT / "tests" / "fixtures" / "article_10grams.txt"

# The product contract: the medical topics the assistant answers (intents, stories, buttons).
EXPECTED_TOPICS = {
    "what_are_calcifications",
    "dietary_calcium",
    "are_they_cancer",
    "causes",
    "macrocalcifications",
    "microcalcifications",
    "further_testing",
    "benign_followup",
    "probably_benign_followup",
    "suspicious_calcifications",
    "biopsy_when",
    "stereotactic_biopsy",
}
# The content checks run over every topic the file has, so a new topic cannot skip them.
FILE_TOPICS = sorted(load_content().topics)
SOURCE_URL = "https://medlineplus.gov/ency/article/002113.htm"
SOURCE_REVIEWED = dt.date(2023, 3, 11)
MAX_GRADE = 8.0
ALLOWED_PLACEHOLDERS = {field.name for field in fields(ClinicSettings)}
STATEMENT_IDS = set(statements().by_id)

# A sentence ends at . ! or ? followed by a space or the end ("No." counts; "(arteries)" does not).
SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)")


def sentence_count(text: str) -> int:
    return len(SENTENCE_END.findall(text.strip()))


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content()


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    return yaml.safe_load(ANSWERS_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def placeholders() -> dict[str, str]:
    return load_settings(environ={}).as_placeholders()


def test_answers_file_loads(content: Content) -> None:
    assert content.topics
    assert set(BEHAVIOURS) <= set(content.behaviours)
    assert content.provider_line.strip()


def test_expected_topics_exist(content: Content) -> None:
    assert set(content.topics) >= EXPECTED_TOPICS


def test_sentence_count_helper() -> None:
    assert sentence_count("No. It is fine. Ask (your) provider first.") == 3
    assert sentence_count("One sentence without an end") == 0


@pytest.mark.parametrize("topic_id", FILE_TOPICS)
def test_answer_has_two_to_five_sentences(content: Content, topic_id: str) -> None:
    answer = content.topics[topic_id].answer
    assert 2 <= sentence_count(answer) <= 5, answer
    assert 2 <= textstat.sentence_count(answer) <= 5, answer


@pytest.mark.parametrize("topic_id", FILE_TOPICS)
def test_answer_reads_at_grade_8_or_lower(content: Content, topic_id: str) -> None:
    answer = content.topics[topic_id].answer
    assert textstat.flesch_kincaid_grade(answer) <= MAX_GRADE, answer


def _behaviour_texts(content: Content, placeholders: dict[str, str]) -> list[tuple[str, str]]:
    """Every behaviour reply as a patient reads it: placeholders filled from clinic.yml.

    The personal-diagnosis general fact is sent under the decline text with a topic answer as
    {fact}, so it is checked as that whole message, once per topic.
    """
    texts = []
    for name, variants in content.behaviours.items():
        for variant, template in variants.items():
            if variant == "suggestions":
                continue
            if "{fact}" in template:
                decline = content.behaviour_text(name).format(**placeholders)
                for topic in content.topics.values():
                    fact = template.format(fact=topic.answer, **placeholders)
                    texts.append((f"{name}.{variant}[{topic.id}]", f"{decline}\n{fact}"))
            else:
                texts.append((f"{name}.{variant}", template.format(**placeholders)))
    texts.append(("provider_line", content.provider_line))
    return texts


def test_behaviour_texts_read_at_grade_8_or_lower(
    content: Content, placeholders: dict[str, str]
) -> None:
    texts = _behaviour_texts(content, placeholders)
    # Every behaviour of the contract is among the texts checked.
    assert {where.split(".")[0] for where, _ in texts} >= set(BEHAVIOURS)
    too_hard = {
        where: textstat.flesch_kincaid_grade(text)
        for where, text in texts
        if textstat.flesch_kincaid_grade(text) > MAX_GRADE
    }
    assert not too_hard


def test_every_topic_cites_the_article(content: Content) -> None:
    for topic in content.topics.values():
        assert topic.source.url == SOURCE_URL, topic.id
        assert topic.source.reviewed == SOURCE_REVIEWED, topic.id
        assert "March 11, 2023" in topic.source.citation
        assert topic.source.as_payload()["reviewed"] == "2023-03-11"


def test_source_reads_back_from_its_payload_and_has_a_short_label(content: Content) -> None:
    source = next(iter(content.topics.values())).source
    assert Source.from_payload(source.as_payload()) == source
    assert source.short_citation == "Source: MedlinePlus, reviewed March 11, 2023"
    assert source.citation.startswith("Source: MedlinePlus, ") and source.url in source.citation


def test_the_widget_disclaimer_is_in_the_answers_file(raw: dict[str, Any]) -> None:
    assert raw["behaviours"]["disclaimer"]["text"].strip()


def load_raw_sources() -> set[str]:
    return set(yaml.safe_load(ANSWERS_FILE.read_text(encoding="utf-8"))["sources"])


def test_every_topic_cites_known_statements_and_every_source_has_its_article(
    content: Content,
) -> None:
    known = statements()
    for topic in content.topics.values():
        assert topic.statements, topic.id
        assert set(topic.statements) <= set(known.by_id), topic.id
    assert set(known.articles) == load_raw_sources()


def test_every_statement_is_cited_by_some_answer(content: Content) -> None:
    cited = {statement for topic in content.topics.values() for statement in topic.statements}
    assert set(statements().by_id) - cited == set()


@pytest.mark.parametrize("language", ["en", "es"])
def test_each_statement_finds_one_sentence_of_its_edition(language: str) -> None:
    known = statements()
    article = known.article_text("medlineplus-002113", language)
    if article is None:
        pytest.skip("the stored article is not on this machine (set ARTICLE_DIR)")
    located = [statement for statement in known.by_id.values() if language in statement.locate]
    assert len(located) >= len(known.by_id) - 1
    for statement in located:
        assert article.count(statement.locate[language]) == 1, statement.id
        # A locator is a handful of words: enough to find the sentence, too few to copy it.
        assert len(statement.locate[language].split()) <= 6, statement.id
        assert known.sentence(statement.id, article, language), statement.id


def test_related_topics_are_two_or_three_distinct_other_topics(content: Content) -> None:
    for topic in content.topics.values():
        assert 2 <= len(topic.related) <= 3, topic.id
        assert len(set(topic.related)) == len(topic.related), topic.id
        assert topic.id not in topic.related
        assert set(topic.related) <= set(content.topics), topic.id


def test_suggestions_name_known_topics(content: Content) -> None:
    for name in content.behaviours:
        assert set(content.suggestions(name)) <= set(content.topics), name


def test_provider_line_goes_with_medical_and_risk_replies(content: Content) -> None:
    for topic_id in content.topics:
        assert content.needs_provider_line(topic_id), topic_id
    for behaviour in ("out_of_scope", "personal_diagnosis", "not_covered", "aftercare",
                      "fallback"):
        assert content.needs_provider_line(behaviour), behaviour
    assert not content.needs_provider_line("emergency")
    for behaviour in set(BEHAVIOURS) - PROVIDER_BEHAVIOURS:
        assert not content.needs_provider_line(behaviour), behaviour
    assert not content.needs_provider_line("no_such_topic")


def test_medical_answers_do_not_repeat_the_provider_line(content: Content) -> None:
    for topic in content.topics.values():
        assert content.provider_line not in topic.answer, topic.id


# --- parse_content rejects broken files ------------------------------------------------


def test_unmodified_copy_parses(raw: dict[str, Any]) -> None:
    parsed = parse_content(copy.deepcopy(raw), ALLOWED_PLACEHOLDERS, STATEMENT_IDS)
    assert set(parsed.topics) == set(raw["topics"])


def _first_topic(data: dict[str, Any]) -> dict[str, Any]:
    return next(iter(data["topics"].values()))


def _unknown_related(data: dict[str, Any]) -> None:
    _first_topic(data)["related"][0] = "no_such_topic"


def _self_related(data: dict[str, Any]) -> None:
    topic_id, topic = next(iter(data["topics"].items()))
    topic["related"][0] = topic_id


def _one_related(data: dict[str, Any]) -> None:
    topic = _first_topic(data)
    topic["related"] = topic["related"][:1]


def _four_related(data: dict[str, Any]) -> None:
    topic_id, topic = next(iter(data["topics"].items()))
    others = [other for other in data["topics"] if other != topic_id]
    topic["related"] = others[:4]


def _unknown_source(data: dict[str, Any]) -> None:
    _first_topic(data)["source"] = "no-such-source"


def _missing_behaviour(data: dict[str, Any]) -> None:
    del data["behaviours"]["fallback"]


def _unknown_placeholder(data: dict[str, Any]) -> None:
    data["behaviours"]["handoff"]["text"] += " Ask for {doctor_name}."


def _placeholder_in_answer(data: dict[str, Any]) -> None:
    _first_topic(data)["answer"] += " Call {clinic_phone}."


def _bad_source_date(data: dict[str, Any]) -> None:
    next(iter(data["sources"].values()))["reviewed"] = "last spring"


def _cites_a_missing_statement(data: dict[str, Any]) -> None:
    _first_topic(data)["statements"].append("no-such-statement")


def _cites_nothing(data: dict[str, Any]) -> None:
    _first_topic(data)["statements"] = []


def _empty_answer(data: dict[str, Any]) -> None:
    _first_topic(data)["answer"] = "   "


def _topic_named_like_behaviour(data: dict[str, Any]) -> None:
    data["topics"]["greeting"] = copy.deepcopy(_first_topic(data))


def _unknown_suggestion(data: dict[str, Any]) -> None:
    data["behaviours"]["greeting"]["suggestions"].append("no_such_topic")


def _no_topics(data: dict[str, Any]) -> None:
    data["topics"] = {}


@pytest.mark.parametrize(
    "breakage",
    [
        _unknown_related,
        _self_related,
        _one_related,
        _four_related,
        _unknown_source,
        _missing_behaviour,
        _unknown_placeholder,
        _placeholder_in_answer,
        _bad_source_date,
        _cites_a_missing_statement,
        _cites_nothing,
        _empty_answer,
        _topic_named_like_behaviour,
        _unknown_suggestion,
        _no_topics,
    ],
    ids=lambda breakage: breakage.__name__.lstrip("_"),
)
def test_broken_content_is_rejected(raw: dict[str, Any], breakage) -> None:
    broken = copy.deepcopy(raw)
    breakage(broken)
    with pytest.raises(ContentError):
        parse_content(broken, ALLOWED_PLACEHOLDERS, STATEMENT_IDS)


def test_parsing_does_not_change_the_loaded_yaml(raw: dict[str, Any]) -> None:
    # The fixture is shared by the breakage tests, which rely on deep copies of it.
    assert raw == yaml.safe_load(ANSWERS_FILE.read_text(encoding="utf-8"))


# --- copy check: no run of 10 words of the article anywhere in the project ---------------

N_WORDS = 10
MAX_BYTES = 2_000_000


def words(text: str) -> list[str]:
    """Words in any script, as copycheck.py reads them (English and Spanish)."""
    return re.findall(r"[^\W_]+", text.lower())


def copied_runs(text: str, digests: set[str]) -> list[str]:
    """The 10-word runs of `text` whose SHA-256 is among `digests`."""
    found = words(text)
    runs = (" ".join(found[i : i + N_WORDS]) for i in range(len(found) - N_WORDS + 1))
    return [run for run in runs if hashlib.sha256(run.encode("utf-8")).hexdigest() in digests]


def load_digests(path: Path) -> set[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def test_copied_runs_finds_a_ten_word_run_and_nothing_shorter() -> None:
    source = "The quick brown fox jumps over the lazy dog near the quiet river bank."
    source_words = words(source)
    digests = {
        hashlib.sha256(" ".join(source_words[i : i + N_WORDS]).encode()).hexdigest()
        for i in range(len(source_words) - N_WORDS + 1)
    }
    # Case, punctuation and line breaks do not hide a copied run.
    copied = "Intro text. THE quick, brown fox -- jumps over\nthe lazy dog near a pond."
    assert copied_runs(copied, digests) == ["the quick brown fox jumps over the lazy dog near"]
    # Nine words in a row are allowed.
    assert copied_runs("so the quick brown fox jumps over the lazy dog, then", digests) == []
    assert copied_runs("", digests) == []


def test_article_fixture_is_well_formed() -> None:
    lines = ARTICLE_GRAMS.read_text(encoding="utf-8").splitlines()
    header = [line for line in lines if line.startswith("#")]
    digests = [line for line in lines if not line.startswith("#")]
    assert len(header) == 2 and lines[:2] == header
    assert len(digests) > 100
    assert all(re.fullmatch(r"[0-9a-f]{64}", digest) for digest in digests)
    assert digests == sorted(set(digests))


def _project_files() -> list[Path]:
    try:
        listing = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except FileNotFoundError:
        pytest.skip("git is not installed")
    except subprocess.CalledProcessError as error:
        pytest.fail(f"cannot list the project's files with git: {error.stderr.strip()}")
    return [ROOT / name for name in listing.split("\0") if name]


def test_no_project_file_repeats_ten_words_of_the_article() -> None:
    digests = load_digests(ARTICLE_GRAMS)
    files = _project_files()
    assert ROOT / "bot" / "content" / "answers.yml" in files
    copied = {}
    for path in files:
        if path == ARTICLE_GRAMS or not path.is_file() or path.stat().st_size > MAX_BYTES:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        runs = copied_runs(text, digests)
        if runs:
            copied[str(path.relative_to(ROOT))] = runs[0]
    assert not copied, f"runs of {N_WORDS}+ words copied from the article: {copied}"


FORBIDDEN = re.compile(
    r"you (do not|don't) have cancer|you are fine|you can skip|no need to (see|have|get)|"
    r"(skip|cancel|refuse) (the|your) (test|biopsy|mammogram)|it is not cancer",
    re.IGNORECASE,
)


def test_no_reply_tells_her_she_has_no_cancer_or_may_skip_a_test(
    content: Content, placeholders: dict[str, str]
) -> None:
    texts = [topic.answer for topic in content.topics.values()]
    texts += [text for _, text in _behaviour_texts(content, placeholders)]
    assert len(texts) > 20
    assert [text for text in texts if FORBIDDEN.search(text)] == []


def test_the_fixture_covers_both_editions_of_the_stored_article() -> None:
    from tools.article_grams import digests

    articles = sorted(article_dir().glob("*.txt"))
    if len(articles) < 2:
        pytest.skip("the stored articles are not on this machine (set ARTICLE_DIR)")
    expected = set().union(*(digests(path.read_text(encoding="utf-8")) for path in articles))
    assert load_digests(ARTICLE_GRAMS) == expected
