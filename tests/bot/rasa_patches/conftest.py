"""Fixtures for the tests of bot/rasa_patches/."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource

from bot.components.safety_layer import SafetyRuleLayer


@pytest.fixture()
def safety_layer_built(tmp_path: Path) -> None:
    """What `rasa train`, `rasa shell` and `rasa test` do: build the pipeline's components."""
    SafetyRuleLayer.create({}, LocalModelStorage(tmp_path), Resource("safety"),
                           ExecutionContext(GraphSchema({})))
