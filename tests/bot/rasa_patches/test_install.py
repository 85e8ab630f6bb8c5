"""One install for every change to Rasa: version-checked, idempotent, and undone completely."""

from __future__ import annotations

from importlib import metadata

import pytest
import rasa.core.actions.action as rasa_action
import rasa.core.run
from rasa.core.actions.action import RemoteAction
from rasa.core.policies.rule_policy import RulePolicy
from rasa.core.processor import MessageProcessor
from rasa.core.tracker_store import FailSafeTrackerStore
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot import rasa_patches
from bot.rasa_patches import patching

PATCHED = [
    (MessageProcessor, "log_message"),
    (MessageProcessor, "handle_message"),
    (MessageProcessor, "_handle_message_with_tracker"),
    (rasa.core.run, "configure_app"),
    (MessageProcessor, "_load_model"),
    (FailSafeTrackerStore, "retrieve"),
    (FailSafeTrackerStore, "retrieve_full_tracker"),
    (FailSafeTrackerStore, "save"),
    (rasa_action, "DEFAULT_REQUEST_TIMEOUT"),
    (RemoteAction, "_validate_action_result"),
    (DaskGraphRunner, "run"),
    (EndpointConfig, "session"),
    (DialogueStateTracker, "applied_events"),
    (DialogueStateTracker, "copy"),
    (RulePolicy, "_prediction_states"),
    (RemoteAction, "_action_call_format"),
    (rasa.core.run, "serve_application"),
]


def _stored(owner: object, name: str) -> object:
    return vars(owner).get(name) if isinstance(owner, type) else getattr(owner, name)


@pytest.mark.parametrize("version", ["3.6.0", "3.6.21"])
def test_the_36_series_is_accepted(version: str) -> None:
    rasa_patches.check_rasa_version(version)


@pytest.mark.parametrize("version", ["3.7.0", "3.5.17", "4.0.0", "2.8.1"])
def test_another_series_is_refused_naming_the_expected_one(version: str) -> None:
    with pytest.raises(rasa_patches.UnsupportedRasaError, match=r"Rasa 3\.6\.x") as refused:
        rasa_patches.check_rasa_version(version)
    assert version in str(refused.value)


def test_install_checks_the_installed_rasa_before_patching(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(metadata, "version", lambda _: "3.7.2")
    with pytest.raises(rasa_patches.UnsupportedRasaError):
        rasa_patches.install()
    assert not rasa_patches.installed()


def test_install_patches_each_listed_attribute_once() -> None:
    before = {key: _stored(*key) for key in PATCHED}
    rasa_patches.install()
    rasa_patches.install()
    assert sorted(map(repr, patching.replaced())) == sorted(map(repr, PATCHED))
    assert all(_stored(*key) is not before[key] for key in PATCHED)


def test_uninstall_restores_rasa_exactly() -> None:
    before = {key: _stored(*key) for key in PATCHED}
    rasa_patches.install()
    rasa_patches.uninstall()
    assert {key: _stored(*key) for key in PATCHED} == before
    assert isinstance(vars(MessageProcessor)["_load_model"], staticmethod)
    assert not rasa_patches.installed()
