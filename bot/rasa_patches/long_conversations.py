"""Keeps the cost of a message flat however long its conversation has run.

Rasa 3.6 replays a conversation from its first event several times per message: to list the
events still in force (`applied_events`), to copy the tracker before every action (`copy`),
and to rebuild every dialogue state for RulePolicy. It also sends every event to the action
server with every action call. At message 300 that was 90% of a message's cost.

- `applied_events` and `copy` continue a replay kept per tracker object from where the last
  call stopped, while the events were only appended to (which is how Rasa changes them); any
  other change, or an `ActiveLoop` naming a loop not seen before (which changes how earlier
  events count), replays from the start as Rasa does. The results are those of Rasa's own code.
- RulePolicy gets only the last states its rules can look at: a rule of n states is matched
  against the last n states, and every state before them matches any rule. It keeps one state
  more than its longest rule, so that a conversation's state key, which it reports when no rule
  applies, stays longer than every rule and so outside every rule lookup, as before. The
  states are built by the same replay, continued. Only RulePolicy's debug log shows fewer.
- The action server gets the tracker's whole current state (slots, latest message, active
  loop, follow-up action) with the events of the current turn only: from the `action_listen`
  before the latest patient message (or the session's start) onwards. The project's actions
  read no older event (actions/replies.py keeps the conversation's language in slots).

Trackers of other classes (training's TrackerWithCachedStates) keep Rasa's own code.
"""

from __future__ import annotations

import copy
import json
import weakref
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Dict, List

from rasa.core.actions.action import RemoteAction
from rasa.core.featurizers.tracker_featurizers import MaxHistoryTrackerFeaturizer
from rasa.core.policies.policy import SupportedData
from rasa.core.policies.rule_policy import (
    RULES,
    RULES_FOR_LOOP_UNHAPPY_PATH,
    RULES_NOT_IN_STORIES,
    RulePolicy,
)
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain, State
from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    ActiveLoop,
    BotUttered,
    Event,
    Restarted,
    SessionStarted,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

from bot.rasa_patches.patching import replace

# What a DialogueStateTracker of Rasa 3.6 holds; `copy` below copies exactly these.
TRACKER_ATTRIBUTES = frozenset({
    "_max_event_history", "events", "sender_id", "slots", "sender_source", "is_rule_tracker",
    "_paused", "followup_action", "latest_action", "latest_message", "latest_bot_utterance",
    "active_loop", "model_id", "assistant_id",
})


class UnexpectedTrackerError(RuntimeError):
    """Rasa's tracker holds other attributes than this patch copies."""


@dataclass
class _Replay:
    """A fresh tracker fed a tracker's events one by one, as Rasa's replays feed them."""

    tracker: DialogueStateTracker
    fed: int = 0


@dataclass
class _Memo:
    """What the replays of one tracker object have reached, and which events they read."""

    events: deque | None = None
    seen: int = 0
    last: Event | None = None
    loop_names: set = field(default_factory=set)
    applied: List[Event] = field(default_factory=list)
    # The shortest `applied` has been since the states replay last read it.
    low_water: int = 0
    # A replay of every event (copy), and one of the applied events with its last states.
    everything: _Replay | None = None
    stopped: bool = False
    states_replay: _Replay | None = None
    states_key: tuple = ()
    states: deque = field(default_factory=deque)


_memos: Dict[int, _Memo] = {}


def _memo(tracker: DialogueStateTracker) -> _Memo:
    key = id(tracker)
    memo = _memos.get(key)
    if memo is None:
        memo = _memos[key] = _Memo()
        weakref.finalize(tracker, _memos.pop, key, None)
    return memo


def _appended(memo: _Memo, events: deque) -> List[Event] | None:
    """The events appended since the memo last looked, or None if they changed otherwise."""
    if memo.events is not events or len(events) < memo.seen:
        return None
    if memo.seen and events[memo.seen - 1] is not memo.last:
        return None
    return [events[index] for index in range(memo.seen, len(events))]


def _loop_names(events: Any) -> set:
    return {event.name for event in events if isinstance(event, ActiveLoop) and event.name}


def _apply(tracker: DialogueStateTracker, memo: _Memo, event: Event) -> None:
    """One step of DialogueStateTracker.applied_events (Rasa 3.6), on the memo's list."""
    applied = memo.applied
    if isinstance(event, (Restarted, SessionStarted)):
        applied.clear()
    elif isinstance(event, ActionReverted):
        tracker._undo_till_previous(ActionExecuted, applied)
    elif isinstance(event, UserUtteranceReverted):
        tracker._undo_till_previous(UserUttered, applied)
        tracker._undo_till_previous(ActionExecuted, applied)
    elif (
        isinstance(event, ActionExecuted)
        and event.action_name in memo.loop_names
        and not tracker._first_loop_execution_or_unhappy_path(event.action_name, applied)
    ):
        tracker._undo_till_previous_loop_execution(event.action_name, applied)
    else:
        applied.append(event)
        return
    memo.low_water = min(memo.low_water, len(applied))


def _catch_up(tracker: DialogueStateTracker) -> _Memo:
    """Brings the tracker's memo up to its events: the applied events continued, or all of
    it started again when the events changed other than by appending."""
    memo = _memo(tracker)
    events = tracker.events
    new = _appended(memo, events)
    if new is None or (new and not _loop_names(new) <= memo.loop_names):
        memo.loop_names = _loop_names(events)
        memo.applied = []
        memo.low_water = 0
        memo.everything = None
        memo.stopped = False
        new = list(events)
    for event in new:
        _apply(tracker, memo, event)
    memo.events, memo.seen = events, len(events)
    memo.last = events[-1] if events else None
    return memo


def applied_events(self: DialogueStateTracker) -> List[Event]:
    """DialogueStateTracker.applied_events, continued from the last call on this tracker."""
    if type(self) is not DialogueStateTracker:
        return _ORIGINAL["applied_events"](self)
    return list(_catch_up(self).applied)


def tracker_copy(self: DialogueStateTracker) -> DialogueStateTracker:
    """DialogueStateTracker.copy (a replay of every event into a fresh tracker), with the
    replay continued from the last copy of this tracker and handed out as a copy of it."""
    if type(self) is not DialogueStateTracker:
        return _ORIGINAL["copy"](self)
    memo = _catch_up(self)
    if memo.everything is None:
        memo.everything = _Replay(self.init_copy())
    replay = memo.everything
    for index in range(replay.fed, len(self.events)):
        event = self.events[index]
        # travel_back_in_time(inf) stops at the first event not at or before infinity (NaN).
        if memo.stopped or not event.timestamp <= float("inf"):
            memo.stopped = True
            break
        replay.tracker.update(event)
    replay.fed = len(self.events)
    return _clone(replay.tracker)


def _clone(tracker: DialogueStateTracker) -> DialogueStateTracker:
    """A tracker equal to `tracker` that changes independently of it: events, slots and the
    empty placeholders of a reset are its own; the events themselves are shared, as every
    replay shares them."""
    clone = copy.copy(tracker)
    clone.events = tracker._create_events(list(tracker.events))
    clone.slots = type(tracker.slots)(
        (name, copy.copy(slot)) for name, slot in tracker.slots.items())
    clone.active_loop = copy.copy(tracker.active_loop)
    clone.latest_action = copy.copy(tracker.latest_action)
    if not _is_event_of(tracker.latest_message, tracker.events):
        clone.latest_message = UserUttered.empty()
    if not _is_event_of(tracker.latest_bot_utterance, tracker.events):
        clone.latest_bot_utterance = BotUttered.empty()
    return clone


def _is_event_of(candidate: Event | None, events: deque) -> bool:
    """Whether `candidate` is one of the events since the last reset (else a reset's empty
    placeholder, which a replay makes anew)."""
    for event in reversed(events):
        if event is candidate:
            return True
        if isinstance(event, (Restarted, SessionStarted)):
            return False
    return False


def _states(tracker: DialogueStateTracker, domain: Domain, keep: int) -> List[State]:
    """The last `keep` states of `tracker.past_states(domain)`, from the continued replay."""
    memo = _catch_up(tracker)
    replay = memo.states_replay
    key = (id(domain), keep)
    if replay is None or memo.low_water < replay.fed or memo.states_key != key:
        replay = memo.states_replay = _Replay(tracker.init_copy())
        memo.states_key = key
        memo.states = deque(maxlen=keep)
    for event in memo.applied[replay.fed:]:
        if isinstance(event, ActionExecuted):
            memo.states.append(domain._clean_state(domain.get_active_state(replay.tracker)))
        replay.tracker.update(event)
    replay.fed = memo.low_water = len(memo.applied)
    last = domain._clean_state(domain.get_active_state(replay.tracker))
    return copy.deepcopy([*memo.states, last][-keep:])


_LONGEST_RULE: weakref.WeakKeyDictionary[RulePolicy, int] = weakref.WeakKeyDictionary()


def longest_rule(policy: RulePolicy) -> int:
    """How many states the longest key of the policy's lookups has (rules, loop rules, and
    the keys it hides from ML policies)."""
    if policy not in _LONGEST_RULE:
        keys = [*policy.lookup.get(RULES, {}), *policy.lookup.get(RULES_FOR_LOOP_UNHAPPY_PATH, {}),
                *policy.lookup.get(RULES_NOT_IN_STORIES, [])]
        lengths = [0]
        for key in keys:
            try:
                states = json.loads(key)
            except ValueError:
                continue  # a named source ("predicting default action with intent ...")
            if isinstance(states, list):
                lengths.append(len(states))
        _LONGEST_RULE[policy] = max(lengths)
    return _LONGEST_RULE[policy]


def rule_prediction_states(
    self: RulePolicy,
    tracker: DialogueStateTracker,
    domain: Domain,
    use_text_for_last_user_input: bool = False,
    rule_only_data: Dict[str, Any] | None = None,
) -> List[State]:
    """Policy._prediction_states for RulePolicy: the last states that can matter."""
    featurizer = self.featurizer
    if (
        type(tracker) is not DialogueStateTracker
        or type(featurizer) is not MaxHistoryTrackerFeaturizer
        or featurizer.max_history is not None
        or self.supported_data() == SupportedData.ML_DATA
    ):
        return _ORIGINAL["_prediction_states"](
            self, tracker, domain, use_text_for_last_user_input, rule_only_data)
    states = _states(tracker, domain, longest_rule(self) + 1)
    featurizer._choose_last_user_input([states], use_text_for_last_user_input)
    return states


def current_turn(tracker: DialogueStateTracker) -> List[Event]:
    """The events from the `action_listen` before the latest patient message (or from the
    session's start, when the session has no message yet) to the end."""
    turn: List[Event] = []
    heard = False
    for event in reversed(tracker.events):
        turn.append(event)
        if isinstance(event, (SessionStarted, Restarted)):
            break
        if isinstance(event, UserUttered):
            heard = True
        elif heard and isinstance(event, ActionExecuted) and (
            event.action_name == ACTION_LISTEN_NAME
        ):
            break
    turn.reverse()
    return turn


def action_call_format(self: RemoteAction, tracker: DialogueStateTracker,
                       domain: Domain) -> Dict[str, Any]:
    """RemoteAction._action_call_format with the current turn's events only."""
    return _ORIGINAL["_action_call_format"](self, _TurnOnly(tracker), domain)


class _TurnOnly:
    """The tracker as `_action_call_format` reads it, whose `current_state` lists the
    current turn's events instead of all of them."""

    def __init__(self, tracker: DialogueStateTracker) -> None:
        self._tracker = tracker
        self.sender_id = tracker.sender_id

    def current_state(self, event_verbosity: EventVerbosity) -> Dict[str, Any]:
        state = self._tracker.current_state(EventVerbosity.NONE)
        state["events"] = [event.as_dict() for event in current_turn(self._tracker)]
        return state


_ORIGINAL: Dict[str, Any] = {
    "applied_events": DialogueStateTracker.applied_events,
    "copy": DialogueStateTracker.copy,
    "_prediction_states": RulePolicy._prediction_states,
    "_action_call_format": RemoteAction._action_call_format,
}


def install() -> None:
    attributes = set(vars(DialogueStateTracker("check", [])))
    if attributes != TRACKER_ATTRIBUTES:
        raise UnexpectedTrackerError(
            f"Rasa's tracker holds {sorted(attributes ^ TRACKER_ATTRIBUTES)} unlike Rasa 3.6.21;"
            " bot/rasa_patches/long_conversations.py copies trackers by their attributes.")
    replace(DialogueStateTracker, "applied_events", applied_events)
    replace(DialogueStateTracker, "copy", tracker_copy)
    replace(RulePolicy, "_prediction_states", rule_prediction_states)
    replace(RemoteAction, "_action_call_format", action_call_format)
