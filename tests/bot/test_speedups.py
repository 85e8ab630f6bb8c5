"""The cached validator accepts and refuses exactly what Rasa's own check does."""

from __future__ import annotations

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

from bot import speedups

VALID = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "last_topic", "value": "causes", "timestamp": None}],
     "responses": [{"text": "hi", "buttons": [], "custom": {"topic": "greeting"}}]},
]
INVALID = [
    {"events": "not a list"},
    {"events": [{"event": "slot", "name": 5}]},
    {"responses": "nope"},
    {"events": [{"event": "no_such_event"}]},
]


@pytest.fixture()
def action() -> RemoteAction:
    speedups.install()
    return RemoteAction("action_answer", action_endpoint=None)


@pytest.mark.parametrize("result", VALID)
def test_valid_responses_pass_as_with_rasa(action: RemoteAction, result: dict) -> None:
    jsonschema.validate(result, RemoteAction.action_response_format_spec())
    assert action._validate_action_result(result) is True


@pytest.mark.parametrize("result", INVALID)
def test_invalid_responses_fail_as_with_rasa(action: RemoteAction, result: dict) -> None:
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(result, RemoteAction.action_response_format_spec())
    with pytest.raises(jsonschema.ValidationError, match="Action server response"):
        action._validate_action_result(result)


def test_installed_when_rasa_loads_the_components() -> None:
    import bot.components  # noqa: F401  (what Rasa imports to build the model graph)

    assert RemoteAction._validate_action_result is speedups.validate_action_result
