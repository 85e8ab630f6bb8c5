"""The continued replays give exactly what Rasa's full replays give, after every event of
conversations with every kind of event that changes how a conversation replays; RulePolicy
predicts the same actions from the last states as from all of them; the action server gets
the current turn's events and the same state otherwise; and a long conversation stops
costing more work per message (counted in replayed events, not timed)."""

from __future__ import annotations

import json
import tarfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rasa.core.actions.action import RemoteAction
from rasa.core.policies.rule_policy import RulePolicy
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActionReverted,
    ActiveLoop,
    BotUttered,
    EntitiesAdded,
    Event,
    FollowupAction,
    LoopInterrupted,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_patches import long_conversations as patch

ROOT = Path(__file__).resolve().parents[3]
MODEL = ROOT / "models" / "calcifications.tar.gz"

# A domain with what the project's lacks: a slot that shapes the dialogue, and a form.
DOMAIN = Domain.from_yaml("""
version: "3.1"
intents: [greet, ask, deny]
entities: [topic]
slots:
  topic:
    type: categorical
    values: [causes, biopsy]
    influence_conversation: true
    mappings: [{type: from_entity, entity: topic}]
  note:
    type: text
    influence_conversation: false
    mappings: [{type: custom}]
forms:
  a_form:
    required_slots: [topic]
actions: [action_answer]
responses:
  utter_hi: [{text: hi}]
""")

EVENTS: list[Callable[[], Event]] = [
    lambda: ActionExecuted("action_listen"),
    lambda: UserUttered("hi", {"name": "greet", "confidence": 1.0}),
    lambda: UserUttered("tell me", {"name": "ask", "confidence": 0.8},
                        [{"entity": "topic", "value": "biopsy", "start": 0, "end": 4}]),
    lambda: ActionExecuted("action_answer"),
    lambda: ActionExecuted("utter_hi"),
    lambda: BotUttered("hello", {"custom": {"topic": "greeting"}}),
    lambda: SlotSet("topic", "causes"),
    lambda: SlotSet("note", "x"),
    lambda: EntitiesAdded([{"entity": "topic", "value": "causes", "start": 0, "end": 1}]),
    lambda: ActiveLoop("a_form"),
    lambda: ActiveLoop(None),
    lambda: ActionExecuted("a_form"),
    lambda: LoopInterrupted(True),
    lambda: ActionExecutionRejected("a_form"),
    lambda: FollowupAction("action_answer"),
    lambda: UserUtteranceReverted(),
    lambda: ActionReverted(),
    lambda: Restarted(),
    lambda: SessionStarted(),
]
CONVERSATIONS = st.lists(st.sampled_from(range(len(EVENTS))), min_size=1, max_size=40)
CHECKS = settings(max_examples=150, deadline=None,
                  suppress_health_check=[HealthCheck.too_slow])


def snapshot(tracker: DialogueStateTracker) -> dict[str, Any]:
    """Everything a tracker holds, events by identity (replays share them)."""
    return {
        "events": [id(event) for event in tracker.events],
        "slots": {name: (type(slot), slot.value, slot.has_been_set)
                  for name, slot in tracker.slots.items()},
        "latest_message": event_or_empty(tracker.latest_message, tracker),
        "latest_bot_utterance": event_or_empty(tracker.latest_bot_utterance, tracker),
        **{name: getattr(tracker, name) for name in patch.TRACKER_ATTRIBUTES
           if name not in {"events", "slots", "latest_message", "latest_bot_utterance"}},
    }


def event_or_empty(event: Event, tracker: DialogueStateTracker) -> Any:
    """An event of the tracker by identity; a reset's fresh placeholder by what it says."""
    if any(event is known for known in tracker.events):
        return id(event)
    return type(event), getattr(event, "text", None), getattr(event, "intent", None)


def grow(indices: list[int]) -> Any:
    """Yields a tracker after each event of the conversation, as Rasa grows it."""
    tracker = DialogueStateTracker("patient", DOMAIN.slots)
    for index in indices:
        tracker.update(EVENTS[index](), DOMAIN)
        yield tracker


@CHECKS
@given(CONVERSATIONS)
def test_applied_events_are_rasas_after_every_event(indices: list[int]) -> None:
    for tracker in grow(indices):
        ours = patch.applied_events(tracker)
        rasas = patch._ORIGINAL["applied_events"](tracker)
        assert [id(event) for event in ours] == [id(event) for event in rasas]


@CHECKS
@given(CONVERSATIONS)
def test_copies_are_rasas_and_independent_of_each_other(indices: list[int]) -> None:
    for tracker in grow(indices):
        ours = patch.tracker_copy(tracker)
        assert snapshot(ours) == snapshot(patch._ORIGINAL["copy"](tracker))
        before = snapshot(ours)
        patch.tracker_copy(tracker).update(SlotSet("topic", "biopsy"))
        assert snapshot(ours) == before


@CHECKS
@given(CONVERSATIONS, st.integers(1, 4))
def test_the_last_states_are_rasas(indices: list[int], keep: int) -> None:
    for tracker in grow(indices):
        assert patch._states(tracker, DOMAIN, keep) == tracker.past_states(DOMAIN)[-keep:]


def test_a_tracker_replaced_in_the_middle_is_replayed_from_the_start() -> None:
    tracker = DialogueStateTracker("patient", DOMAIN.slots)
    for index in (0, 1, 3, 5, 0, 2, 3):
        tracker.update(EVENTS[index](), DOMAIN)
    patch.applied_events(tracker)
    events = list(tracker.events)
    events[2] = SlotSet("topic", "biopsy")
    tracker.events = tracker._create_events(events)
    assert patch.applied_events(tracker) == patch._ORIGINAL["applied_events"](tracker)
    assert patch._states(tracker, DOMAIN, 3) == tracker.past_states(DOMAIN)[-3:]


def test_a_new_loop_name_counts_again_how_earlier_events_apply() -> None:
    tracker = DialogueStateTracker("patient", DOMAIN.slots)
    for event in (ActionExecuted("action_listen"), ActionExecuted("a_form"),
                  ActionExecuted("a_form"), ActionExecuted("action_listen")):
        tracker.update(event)
    assert len(patch.applied_events(tracker)) == 4
    tracker.update(ActiveLoop("a_form"))
    assert patch.applied_events(tracker) == patch._ORIGINAL["applied_events"](tracker)
    assert len(patch.applied_events(tracker)) < 5


def test_work_per_message_stops_growing_with_the_conversation(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Counts the events each message's replays feed: flat, where Rasa's grow with the
    conversation."""
    fed = []
    update = DialogueStateTracker.update

    def counted(self: DialogueStateTracker, event: Event, domain: Domain | None = None) -> None:
        fed[-1] += 1
        update(self, event, domain)

    tracker = DialogueStateTracker("patient", DOMAIN.slots)
    monkeypatch.setattr(DialogueStateTracker, "update", counted)
    for _ in range(100):
        fed.append(0)
        for index in (0, 2, 6, 3, 5, 0):
            tracker.update(EVENTS[index](), DOMAIN)
        patch.tracker_copy(tracker)
        patch._states(tracker, DOMAIN, 3)
    # Each message: its 6 events stored, then fed once to each of the two replays.
    assert fed[10] == fed[-1] == 3 * 6


# RulePolicy with the project's trained rules: the same predictions from the last states.

@pytest.fixture(scope="module")
def project_policy(tmp_path_factory: pytest.TempPathFactory) -> tuple[RulePolicy, Domain]:
    with tarfile.open(MODEL) as model:
        member = next(m for m in model.getmembers() if m.name.endswith("rule_policy.json"))
        lookup = json.load(model.extractfile(member))["lookup"]  # type: ignore[arg-type]
    config = yaml.safe_load((ROOT / "config.yml").read_text())
    settings_ = next(p for p in config["policies"] if p["name"] == "RulePolicy")
    policy = RulePolicy(
        {**RulePolicy.get_default_config(), **{k: v for k, v in settings_.items() if k != "name"}},
        LocalModelStorage(tmp_path_factory.mktemp("storage")), Resource("rules"),
        ExecutionContext(GraphSchema({})), lookup=lookup)
    return policy, Domain.load(str(ROOT / "domain.yml"))


def test_the_project_rules_are_two_states_long(project_policy: tuple[RulePolicy, Domain]) -> None:
    """So three states are kept; a longer rule keeps more, as longest_rule counts it."""
    assert patch.longest_rule(project_policy[0]) == 2


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_rule_predictions_are_rasas_over_a_long_conversation(
        project_policy: tuple[RulePolicy, Domain], data: st.DataObject) -> None:
    policy, domain = project_policy
    tracker = DialogueStateTracker("patient", domain.slots)
    tracker.update(ActionExecuted("action_listen"))
    for _ in range(data.draw(st.integers(1, 25))):
        intent = data.draw(st.sampled_from(domain.intents))
        tracker.update(UserUttered("words", {"name": intent, "confidence": 0.9}), domain)
        for _ in range(3):  # an action, then action_listen
            ours = patch.rule_prediction_states(policy, tracker, domain)
            rasas = patch._ORIGINAL["_prediction_states"](policy, tracker, domain)
            assert ours == rasas[-len(ours):]
            expected = _predict_unpatched(policy, tracker, domain)
            assert _predict_patched(policy, tracker, domain) == expected
            action = domain.action_names_or_texts[expected.index(max(expected))]
            tracker.update(ActionExecuted(action))
            if action == "action_listen":
                break
            tracker.update(BotUttered("reply"))


@pytest.mark.parametrize(("first", "applies"), [("greet", True), ("deny", False)])
def test_a_rule_that_reaches_back_three_states_applies_as_in_rasa(
        tmp_path: Path, first: str, applies: bool) -> None:
    listen, hi = {"action_name": "action_listen"}, {"action_name": "utter_hi"}
    rule = [{"prev_action": listen, "user": {"intent": "greet"}},
            {"prev_action": hi, "user": {"intent": "greet"}},
            {"prev_action": listen, "user": {"intent": "ask"}}]
    policy = RulePolicy(RulePolicy.get_default_config(), LocalModelStorage(tmp_path),
                        Resource("rules"), ExecutionContext(GraphSchema({})))
    policy.lookup = {"rules": {policy._create_feature_key(rule): "action_answer"}}
    tracker = DialogueStateTracker("patient", DOMAIN.slots)
    for _ in range(30):  # a long conversation before it
        for index in (0, 2, 3, 5):
            tracker.update(EVENTS[index](), DOMAIN)
    for event in (ActionExecuted("action_listen"), UserUttered("hi", {"name": first}),
                  ActionExecuted("utter_hi"), ActionExecuted("action_listen"),
                  UserUttered("so?", {"name": "ask"})):
        tracker.update(event, DOMAIN)
    answer = DOMAIN.index_for_action("action_answer")
    assert (_predict_unpatched(policy, tracker, DOMAIN)[answer] == 1.0) is applies
    assert _predict_patched(policy, tracker, DOMAIN) == _predict_unpatched(policy, tracker, DOMAIN)


def _predict_patched(policy: RulePolicy, tracker: DialogueStateTracker,
                     domain: Domain) -> list[float]:
    RulePolicy._prediction_states = patch.rule_prediction_states  # type: ignore[method-assign]
    try:
        return policy.predict_action_probabilities(tracker, domain).probabilities
    finally:
        RulePolicy._prediction_states = patch._ORIGINAL["_prediction_states"]  # type: ignore


def _predict_unpatched(policy: RulePolicy, tracker: DialogueStateTracker,
                       domain: Domain) -> list[float]:
    return policy.predict_action_probabilities(tracker, domain).probabilities


# What the action server gets.

def test_the_action_server_gets_the_current_turn_and_the_whole_state() -> None:
    tracker = DialogueStateTracker("patient", DOMAIN.slots)
    for index in (0, 1, 4, 5, 7, 0, 2, 3, 5, 6):
        tracker.update(EVENTS[index](), DOMAIN)
    action = RemoteAction("action_answer", action_endpoint=None)
    ours = patch.action_call_format(action, tracker, DOMAIN)
    rasas = patch._ORIGINAL["_action_call_format"](action, tracker, DOMAIN)
    assert [event["event"] for event in ours["tracker"].pop("events")] == [
        "action", "user", "action", "bot", "slot"]
    rasas["tracker"].pop("events")
    assert ours == rasas
    assert ours["tracker"]["slots"]["note"] == "x"  # set in an earlier turn


def test_without_a_message_the_action_server_gets_the_session_so_far() -> None:
    tracker = DialogueStateTracker("patient", DOMAIN.slots)
    for event in (ActionExecuted("action_listen"), UserUttered("hi"), SessionStarted(),
                  ActionExecuted("action_listen"), SlotSet("note", "y")):
        tracker.update(event)
    assert [e.type_name for e in patch.current_turn(tracker)] == ["session_started", "action",
                                                                  "slot"]
