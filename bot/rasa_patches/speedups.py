"""Takes avoidable work out of Rasa's per-message path, without changing what Rasa computes.

- Rasa 3.6 validates every custom action's response with `jsonschema.validate()`, which first
  checks the schema itself against the JSON Schema metaschema: about 80 ms per action on our
  2-core machine, most of a message's cost. The schema is a constant, so it is checked once
  here and a compiled validator is reused; responses are validated as strictly as before.
  Even so, checking an event against the schema's `oneOf` of 22 event types tried every type
  (about 2 ms a response); each event is checked here against the branch of its own type only,
  which accepts exactly what the whole `oneOf` accepts, since every other branch demands
  another `event` name. An invalid response is checked again by the whole schema, so its
  error is the one Rasa would report.
- Rasa runs its model graph (twice a message) through `dask.get`, whose scheduler costs about
  as much as a third of the components it runs. The graph is a small tree run on one thread, so
  it is run here by plain recursion with each node computed once, with dask's semantics: a
  needed key that is not in the graph is passed on as its name, other values as they are.
- Rasa opens a new HTTP session, and so a new TCP connection, for every call to the action
  server: a seventh of a message's cost. Each endpoint here keeps one session per event loop,
  whose idle connections are reused for a shorter time than the action server (Sanic) keeps
  them open, so a connection is never reused just as the server closes it.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Dict, Hashable, List, Mapping, Sequence

import aiohttp
from jsonschema import exceptions, validators
from rasa.core.actions.action import RemoteAction
from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.utils import endpoints
from rasa.utils.endpoints import EndpointConfig

from bot.rasa_patches.patching import replace

# Sanic closes idle keep-alive connections after 5 s; ours are dropped after 2 s.
KEEPALIVE_S = 2.0


@lru_cache(maxsize=1)
def _response_validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


@dataclass(frozen=True)
class _ByEventType:
    """The response schema cut at `events.items.oneOf`: the rest of the response, one event
    without its `oneOf`, and the `oneOf` branches by the event name each one requires."""

    response: Any
    event: Any
    branches: Dict[Any, List[Any]]


@lru_cache(maxsize=1)
def _by_event_type() -> _ByEventType:
    schema = RemoteAction.action_response_format_spec()
    validator_class = type(_response_validator())
    events = schema["properties"]["events"]
    item = events["items"]
    response = {**schema, "properties": {**schema["properties"],
                                         "events": {k: v for k, v in events.items()
                                                    if k != "items"}}}
    branches: Dict[Any, List[Any]] = {}
    for branch in item["oneOf"]:
        name = branch.get("properties", {}).get("event", {}).get("const")
        branches.setdefault(name, []).append(validator_class(branch))
    return _ByEventType(
        response=validator_class(response),
        event=validator_class({k: v for k, v in item.items() if k != "oneOf"}),
        branches=branches,
    )


def is_valid_action_result(result: Any) -> bool:
    """Whether the response passes Rasa's schema, checking each event against its own type."""
    split = _by_event_type()
    if not split.response.is_valid(result):
        return False
    for event in result.get("events") or []:
        if not split.event.is_valid(event):
            return False
        # A branch that names another event type cannot match; those naming none might.
        candidates = split.branches.get(event["event"], []) + split.branches.get(None, [])
        if sum(branch.is_valid(event) for branch in candidates) != 1:
            return False
    return True


def validate_action_result(_: RemoteAction, result: Dict[str, Any]) -> bool:
    """Same contract as RemoteAction._validate_action_result: True, or a ValidationError."""
    if is_valid_action_result(result):
        return True
    error = exceptions.best_match(_response_validator().iter_errors(result))
    if error is not None:
        error.message += (
            ". Failed to validate Action server response from API, make sure your response "
            "from the Action endpoint is valid."
        )
        raise error
    return True


def get_in_order(graph: Mapping[Hashable, Any], targets: Sequence[Hashable]) -> List[Any]:
    """What `dask.get(graph, targets)` returns for Rasa's graphs: a task is a tuple whose first
    item is callable and whose other items are keys of the graph; anything else is a value."""
    results: Dict[Hashable, Any] = {}

    def compute(key: Hashable) -> Any:
        if key not in results:
            task = graph[key]
            if isinstance(task, tuple) and task and callable(task[0]):
                results[key] = task[0](*(compute(k) if k in graph else k for k in task[1:]))
            else:
                results[key] = task
        return results[key]

    return [compute(target) for target in targets]


def run_graph(
    self: DaskGraphRunner,
    inputs: Dict[str, Any] | None = None,
    targets: List[str] | None = None,
) -> Dict[str, Any]:
    """DaskGraphRunner.run with the graph run by `get_in_order` instead of dask's scheduler."""
    run_targets = targets if targets else self._graph_schema.target_names
    run_graph_ = self._build_dask_graph(self._graph_schema.minimal_graph_schema(run_targets))
    self._add_inputs_to_graph(inputs, run_graph_)
    try:
        return dict(get_in_order(run_graph_, run_targets))
    except RuntimeError as error:
        raise GraphRunError("Error running runner.") from error


class _KeptSession:
    """What `async with endpoint.session()` needs, without closing the shared session."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self._session

    async def __aexit__(self, *exc_info: object) -> None:
        return None


_SESSIONS: Dict[int, tuple[asyncio.AbstractEventLoop, aiohttp.ClientSession]] = {}


def kept_session(self: EndpointConfig) -> _KeptSession:
    """EndpointConfig.session with one session per endpoint and event loop, kept open."""
    loop = asyncio.get_running_loop()
    kept = _SESSIONS.get(id(self))
    if kept is None or kept[0] is not loop or kept[1].closed:
        auth = None
        if self.basic_auth:
            auth = aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"])
        session = aiohttp.ClientSession(
            headers=self.headers,
            auth=auth,
            timeout=aiohttp.ClientTimeout(total=endpoints.DEFAULT_REQUEST_TIMEOUT),
            connector=aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE_S),
        )
        kept = _SESSIONS[id(self)] = (loop, session)
    return _KeptSession(kept[1])


async def close_kept_sessions() -> None:
    """Closes the sessions kept for the running event loop (before the loop ends)."""
    loop = asyncio.get_running_loop()
    for key, (owner, session) in list(_SESSIONS.items()):
        if owner is loop:
            del _SESSIONS[key]
            await session.close()


def install() -> None:
    """Swaps in the compiled validator (built now, not at a patient's first message), the
    plain graph run and the kept sessions."""
    _by_event_type()
    replace(RemoteAction, "_validate_action_result", validate_action_result)
    replace(DaskGraphRunner, "run", run_graph)
    replace(EndpointConfig, "session", kept_session)
