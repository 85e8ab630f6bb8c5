"""Keeps TensorFlow out of a Rasa server whose model runs no TensorFlow component.

Rasa 3.6 imports TensorFlow with its core modules (its featurizers, training callbacks and
layers subclass Keras classes at import time), although only its neural components (DIET,
TED, ResponseSelector and the like) ever run it. TensorFlow is about 300 MB of every server
process. When every node of the model's prediction graph is one of WITHOUT_TENSORFLOW, the
server starts with a stand-in: `import tensorflow` (and its companion packages) gives modules
whose every attribute is an inert class, enough for Rasa's modules to define their classes.
Once the model is loaded and has parsed a message (bot/rasa_patches/preload.py), `seal()`
makes any call to the stand-in raise, so a use of TensorFlow that this list missed fails
loudly instead of computing nothing. A model with any other component gets TensorFlow.

This module imports nothing from Rasa, so that it can act before TensorFlow would be imported.
"""

from __future__ import annotations

import abc
import importlib.abc
import importlib.machinery
import json
import logging
import sys
import tarfile
import types
from pathlib import Path
from typing import Any, Sequence

logger = logging.getLogger(__name__)

PACKAGES = ("tensorflow", "tensorflow_addons", "tensorflow_text", "tensorflow_hub",
            "tensorflow_probability", "keras", "tensorboard")

# Graph nodes that never run TensorFlow: the project's components and the Rasa ones the
# project's model uses (config.yml), each read for its imports and calls in Rasa 3.6.21.
WITHOUT_TENSORFLOW = frozenset({
    "bot.components.concepts.ConceptExtractor",
    "bot.components.learned_risk.LearnedRisk",
    "bot.components.safety_decision.SafetyDecision",
    "bot.components.safety_layer.SafetyRuleLayer",
    "bot.components.topic_classifier.TopicClassifier",
    "rasa.core.policies.ensemble.DefaultPolicyPredictionEnsemble",
    "rasa.core.policies.rule_policy.RulePolicy",
    "rasa.graph_components.converters.nlu_message_converter.NLUMessageConverter",
    "rasa.graph_components.providers.domain_provider.DomainProvider",
    "rasa.graph_components.providers.rule_only_provider.RuleOnlyDataProvider",
    "rasa.nlu.classifiers.fallback_classifier.FallbackClassifier",
    "rasa.nlu.classifiers.regex_message_handler.RegexMessageHandler",
    "rasa.nlu.tokenizers.spacy_tokenizer.SpacyTokenizer",
    "rasa.nlu.utils.spacy_utils.SpacyNLP",
})


class TensorFlowKeptOutError(RuntimeError):
    """Something called TensorFlow in a server started without it."""


_sealed = False


class _Inert(abc.ABCMeta):
    """The class of the stand-in's values: each is a class (so Rasa can subclass it), any of
    its attributes is another, and calling it gives another until the server is sealed."""

    def __getattr__(cls, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return _inert(f"{cls.__name__}.{name}")

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        if not cls.__dict__.get("_stand_in"):
            return super().__call__(*args, **kwargs)  # a class Rasa derived from one
        if _sealed:
            raise TensorFlowKeptOutError(
                f"{cls.__name__} was called, but this server runs without TensorFlow "
                "(bot/rasa_patches/no_tensorflow.py): add the component to WITHOUT_TENSORFLOW "
                "only if it never uses TensorFlow.")
        return _inert(f"{cls.__name__}()")

    def __iter__(cls) -> Any:
        return iter(())

    def __len__(cls) -> int:
        return 0

    def __getitem__(cls, key: Any) -> Any:
        return _inert(f"{cls.__name__}[]")

    def __or__(cls, other: Any) -> Any:
        return _inert(f"{cls.__name__}|")

    __ror__ = __or__


def _inert(name: str) -> Any:
    return _Inert(name, (), {"_stand_in": True})


class _StandInModule(types.ModuleType):
    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        value = _inert(f"{self.__name__}.{name}")
        setattr(self, name, value)
        return value


class _StandInLoader(importlib.abc.Loader):
    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        module = _StandInModule(spec.name)
        module.__path__ = []
        return module

    def exec_module(self, module: types.ModuleType) -> None:
        return None


class _StandInFinder(importlib.abc.MetaPathFinder):
    def find_spec(self, name: str, path: Sequence[str] | None,
                  target: Any = None) -> importlib.machinery.ModuleSpec | None:
        if name.split(".")[0] in PACKAGES:
            return importlib.machinery.ModuleSpec(name, _StandInLoader(), is_package=True)
        return None


def components(model: Path) -> set[str]:
    """The classes of the nodes of a trained model's prediction graph (its metadata.json)."""
    with tarfile.open(model) as archive:
        member = archive.extractfile("metadata.json")
        if member is None:
            raise ValueError(f"{model} has no metadata.json")
        metadata = json.load(member)
    return {node["uses"] for node in metadata["predict_schema"]["nodes"].values()}


def runs_without(model: Path) -> bool:
    """Whether every node of the model's prediction graph is known to need no TensorFlow."""
    try:
        needed = components(model) - WITHOUT_TENSORFLOW
    except (OSError, KeyError, ValueError, tarfile.TarError):
        return False  # Rasa reports an unreadable model; TensorFlow stays available.
    if needed:
        logger.info("TensorFlow is loaded: the model uses %s.", ", ".join(sorted(needed)))
    return not needed


def install() -> None:
    """Makes `import tensorflow` give the stand-in from now on in this process."""
    loaded = [name for name in sys.modules if name.split(".")[0] in PACKAGES]
    if loaded:
        raise RuntimeError(f"too late to keep TensorFlow out: {loaded[0]} is imported")
    if not any(isinstance(finder, _StandInFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _StandInFinder())


def installed() -> bool:
    return any(isinstance(finder, _StandInFinder) for finder in sys.meta_path)


def seal() -> None:
    """From now on, any call to the stand-in raises TensorFlowKeptOutError."""
    global _sealed
    _sealed = installed()
