"""Makes Rasa's check of each action-server response cheap, without changing what it accepts.

Rasa 3.6 validates every custom action's response with `jsonschema.validate()`, which first
checks the schema itself against the JSON Schema metaschema: about 80 ms per action on our
2-core machine, most of a message's cost. The schema is a constant, so it is checked once here
and a compiled validator is reused; responses are validated as strictly as before.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict

from jsonschema import exceptions, validators
from rasa.core.actions.action import RemoteAction


@lru_cache(maxsize=1)
def _response_validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def validate_action_result(_: RemoteAction, result: Dict[str, Any]) -> bool:
    """Same contract as RemoteAction._validate_action_result: True, or a ValidationError."""
    error = exceptions.best_match(_response_validator().iter_errors(result))
    if error is not None:
        error.message += (
            ". Failed to validate Action server response from API, make sure your response "
            "from the Action endpoint is valid."
        )
        raise error
    return True


def install() -> None:
    """Swaps in the cached validator; called when Rasa imports the project's components."""
    RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]
