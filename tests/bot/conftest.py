"""Fixtures for the unit tests of bot/: the project's spaCy pipeline, built once a session."""

from __future__ import annotations

import pytest
from spacy.language import Language

from bot.nlp.pipeline import build_pipeline


@pytest.fixture(scope="session")
def nlp() -> Language:
    """The pipeline Rasa loads (blank English, lookup lemmas, EntityRuler), built in-process."""
    return build_pipeline()
