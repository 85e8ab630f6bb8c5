"""The redaction patterns: identifiers patients type are replaced, clinical numbers are not."""

from __future__ import annotations

import pytest
import spacy

from bot.nlp.emergency import EmergencyDetector
from bot.privacy.redaction import Redactor, redact


@pytest.fixture(scope="module")
def redactor() -> Redactor:
    return Redactor()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("email me at jane.doe@example.com, thanks", "email me at [email], thanks"),
        ("it's J.Smith+mammo@clinic.example.org", "it's [email]"),
        ("call (555) 123-4567", "call [phone]"),
        ("my cell is 555-123-4567.", "my cell is [phone]."),
        ("555.123.4567 or 5551234567", "[phone] or [phone]"),
        ("+1 555 123 4567", "[phone]"),
        ("1-800-555-1234", "[phone]"),
        ("(555)123-4567 and (555)-123-4567", "[phone] and [phone]"),
        ("+15551234567", "[phone]"),
        ("in the UK: +44 20 7946 0958", "in the UK: [phone]"),
        ("call me at 555-0100", "call me at [phone]"),
        ("DOB: 03/14/1962", "DOB: [date of birth]"),
        ("my d.o.b. is 3/14/62", "my d.o.b. is [date of birth]"),
        ("I was born on March 14, 1962", "I was born on [date of birth]"),
        ("born 14th of March 1962", "born [date of birth]"),
        ("my birthday is March 14", "my birthday is [date of birth]"),
        ("date of birth 3-14-62", "date of birth [date of birth]"),
        ("birth date: 1962-03-14", "birth date: [date of birth]"),
        ("my mammogram on 3/14/2024 showed spots", "my mammogram on [date] showed spots"),
        ("seen on 14 March 2024", "seen on [date]"),
        ("MRN 12345678", "MRN [record number]"),
        ("MRN: A1234567", "MRN: [record number]"),
        ("MRN#12345678", "[record number]"),
        ("my medical record number is 00123456", "my medical record number is [record number]"),
        ("patient ID: 123456", "patient ID: [record number]"),
        ("the number on my chart is 98765432", "the number on my chart is [record number]"),
    ],
)
def test_identifiers_are_replaced(redactor: Redactor, text: str, expected: str) -> None:
    assert redactor.redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "the spots are 3 mm across",
        "they said to come back in 6 months",
        "6-12 months, or 1-2 years",
        "my report says BI-RADS 3",
        "birads 4 and bi-rads 0",
        "I had a biopsy in 2019 and another in 2021",
        "I was born in 1962",
        "I am 52 years old",
        "1 in 8 women, about 80% of them",
        "0.5cm, 0.5 cm, 2.5 cm",
        "call me when it is 24/7",
        "between 100-1000 calcifications",
        "3 or 4 spots in a 1 cm area",
        "what does a 2 mm cluster mean?",
        "stage 2 of 4",
        "take 1200 mg of calcium a day",
        "my appointment is at 10:30",
        "ICD-10 code",
    ],
)
def test_clinical_numbers_are_kept(redactor: Redactor, text: str) -> None:
    assert redactor.redact(text) == text


def test_several_identifiers_in_one_message(redactor: Redactor) -> None:
    text = "I'm jane@example.org, 555-123-4567, DOB 3/14/62, MRN 1234567. Do I need a biopsy?"
    assert redactor.redact(text) == (
        "I'm [email], [phone], DOB [date of birth], MRN [record number]. Do I need a biopsy?"
    )


def test_find_reports_labels_and_offsets(redactor: Redactor) -> None:
    text = "call 555-123-4567 or write to a@b.org"
    found = redactor.find(text)
    assert [(r.label, text[r.start:r.end]) for r in found] == [
        ("phone", "555-123-4567"),
        ("email", "a@b.org"),
    ]


def test_redacting_twice_changes_nothing_more(redactor: Redactor) -> None:
    once = redactor.redact("DOB 03/14/1962, call (555) 123-4567, MRN 12345678")
    assert redactor.redact(once) == once


@pytest.mark.parametrize("text", ["", "   ", "\n"])
def test_empty_text_stays_as_it_is(redactor: Redactor, text: str) -> None:
    assert redactor.redact(text) == text


def test_emergencies_are_still_recognised_after_redaction(nlp: spacy.language.Language) -> None:
    detector = EmergencyDetector(nlp)
    redacted = redact("I took all my pills, call me at 555-123-4567")
    assert "555" not in redacted
    finding = detector.detect(nlp(redacted.lower()))
    assert finding is not None and finding.certain and finding.kind == "overdose"


def test_the_project_pipeline_tokenizes_the_same(nlp: spacy.language.Language) -> None:
    text = "DOB 3/14/62, call (555) 123-4567 or jane@example.org, MRN 1234567"
    assert Redactor(nlp).redact(text) == redact(text)
