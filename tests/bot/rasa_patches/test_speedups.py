"""The cached validator accepts and refuses exactly what Rasa's own check does."""

from __future__ import annotations

import asyncio

import aiohttp
import aiohttp.web
import dask
import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st
from rasa.core.actions.action import RemoteAction
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.utils.endpoints import ClientResponseError, EndpointConfig

from bot.rasa_patches import speedups

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
def action(patched_rasa: None) -> RemoteAction:
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


EVENT_NAMES = ["user", "action", "slot", "entities", "bot", "reminder", "followup", "restart",
               "session_started", "active_loop", "no_such_event"]
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.floats(allow_nan=False),
                    st.text(max_size=5))
FIELD_VALUES = st.one_of(SCALARS, st.lists(SCALARS, max_size=2),
                         st.dictionaries(st.sampled_from(["name", "text", "entity", "value"]),
                                         SCALARS, max_size=2))
# Events as actions really send them, then the same with one field changed to anything.
REAL_EVENTS = [
    {"event": "slot", "name": "last_topic", "value": "causes", "timestamp": None},
    {"event": "bot", "text": "Hello", "data": {"buttons": []}, "metadata": {}},
    {"event": "action", "name": "action_listen", "policy": None, "confidence": 1.0},
    {"event": "user", "text": "hi", "parse_data": {"intent": {"name": "greet"}}},
    {"event": "followup", "name": "action_answer"},
    {"event": "session_started"},
    {"event": "active_loop", "name": None},
    {"event": "entities", "entities": [{"entity": "procedure", "value": "biopsy"}]},
]
MUTATED_EVENTS = st.builds(
    lambda event, field, value: {**event, field: value},
    st.sampled_from(REAL_EVENTS),
    st.sampled_from(["event", "name", "value", "text", "timestamp", "entities", "confidence"]),
    FIELD_VALUES,
)
EVENTS = st.one_of(
    st.sampled_from(REAL_EVENTS),
    MUTATED_EVENTS,
    st.fixed_dictionaries(
        {"event": st.one_of(st.sampled_from(EVENT_NAMES), SCALARS)},
        optional={field: FIELD_VALUES for field in
                  ("name", "value", "text", "timestamp", "entities", "metadata", "policy",
                   "confidence", "parse_data", "intent", "date_time", "kill_on_user_msg")},
    ),
    FIELD_VALUES,
)
RESPONSES = st.fixed_dictionaries({}, optional={
    "events": st.one_of(st.lists(EVENTS, max_size=4), SCALARS,
                        st.lists(st.one_of(st.sampled_from(REAL_EVENTS), MUTATED_EVENTS),
                                 min_size=1, max_size=3)),
    "responses": st.one_of(st.lists(st.dictionaries(st.sampled_from(["text", "buttons"]),
                                                    FIELD_VALUES, max_size=2), max_size=2),
                           SCALARS),
})


@pytest.mark.fuzz
@given(RESPONSES)
def test_checking_each_event_by_its_type_agrees_with_the_whole_schema(result: dict) -> None:
    schema = RemoteAction.action_response_format_spec()
    whole = jsonschema.validators.validator_for(schema)(schema)
    assert speedups.is_valid_action_result(result) is whole.is_valid(result)


@pytest.mark.parametrize("result", VALID + INVALID)
def test_each_event_by_its_type_on_the_examples(result: dict) -> None:
    assert speedups.is_valid_action_result(result) is (result in VALID)


def test_installed_when_rasa_builds_the_safety_layer(safety_layer_built: None) -> None:
    assert RemoteAction._validate_action_result is speedups.validate_action_result


def node(name: str):
    """A graph node as Rasa builds them: named inputs in, (name, output) out."""

    def run(*inputs: object) -> tuple[str, object]:
        return name, (name, inputs)

    return run


GRAPHS = [
    ({"a": (node("a"),), "b": (node("b"), "a"), "c": (node("c"), "a", "b")}, ["c"]),
    ({"tracker": ("tracker", {"events": []}), "p": (node("p"), "tracker")}, ["p", "tracker"]),
    ({"p": (node("p"), "not_in_graph"), "q": (node("q"), "p")}, ["q"]),
    ({"x": 5, "y": (node("y"), "x", "x")}, ["y", "x"]),
]


@pytest.mark.parametrize(("graph", "targets"), GRAPHS)
def test_graph_runs_as_dask_runs_it(graph: dict, targets: list) -> None:
    assert speedups.get_in_order(graph, targets) == list(dask.get(graph, targets))


def test_each_node_runs_once() -> None:
    calls: list[str] = []

    def counted(name: str):
        def run(*inputs: object) -> tuple[str, object]:
            calls.append(name)
            return name, inputs

        return run

    graph = {"a": (counted("a"),), "b": (counted("b"), "a"), "c": (counted("c"), "a", "b")}
    speedups.get_in_order(graph, ["c", "b"])
    assert sorted(calls) == ["a", "b", "c"]


def test_graph_runner_installed_when_rasa_builds_the_safety_layer(
    safety_layer_built: None,
) -> None:
    assert DaskGraphRunner.run is speedups.run_graph


async def _serve_counting_peers(peers: set) -> tuple[aiohttp.web.AppRunner, str]:
    async def webhook(request: aiohttp.web.Request) -> aiohttp.web.Response:
        peers.add(request.transport.get_extra_info("peername"))
        body = await request.json()
        if body.get("fail"):
            return aiohttp.web.json_response({"error": "no"}, status=400)
        return aiohttp.web.json_response({"echo": body, "header": request.headers.get("X-T")})

    app = aiohttp.web.Application()
    app.router.add_post("/webhook", webhook)
    runner = aiohttp.web.AppRunner(app)
    await runner.setup()
    site = aiohttp.web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    return runner, f"http://127.0.0.1:{port}/webhook"


def test_endpoint_calls_reuse_one_connection_and_keep_rasa_behaviour(patched_rasa: None) -> None:

    async def run() -> None:
        peers: set = set()
        runner, url = await _serve_counting_peers(peers)
        try:
            endpoint = EndpointConfig(url, headers={"X-T": "token"})
            for index in range(5):
                reply = await endpoint.request(json={"n": index}, method="post")
                assert reply == {"echo": {"n": index}, "header": "token"}
            assert len(peers) == 1
            with pytest.raises(ClientResponseError) as refused:
                await endpoint.request(json={"fail": True}, method="post")
            assert refused.value.status == 400
        finally:
            await speedups.close_kept_sessions()
            await runner.cleanup()

    asyncio.run(run())
    asyncio.run(run())  # a new event loop gets a new session, not the closed loop's one
