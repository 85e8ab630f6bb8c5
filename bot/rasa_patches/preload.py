"""The model loaded once for all of a server's Sanic workers, before the fork.

With SANIC_WORKERS above 1, Sanic forks its workers from a main process that only supervises
them, and each worker unpacks and loads the model again: one more copy per worker of the model
and of every page the load touches. Here the main process loads the model graph first and
freezes the garbage collector's view of all that is loaded (`gc.freeze`), so that the workers
inherit the loaded graph by fork and keep sharing its memory pages instead of copying them; the
heap that loading freed goes back to the system first.
A worker asked to load another model, or the same file after it changed, loads it as Rasa does.

Before the freeze, one message runs through the NLU graph, so that what the components build
on first use (the emergency rules, the personal-question reader) is built at start-up: a
broken rule file or an incompatible Rasa stops the server then, not at a patient's message.
"""

from __future__ import annotations

import gc
from functools import wraps
from pathlib import Path
from typing import Any, Callable, Tuple

import rasa.core.run
from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.engine.constants import PLACEHOLDER_MESSAGE, PLACEHOLDER_TRACKER
from rasa.model import get_latest_model
from rasa.shared.core.trackers import DialogueStateTracker

from bot.allocator import release_free_heap
from bot.rasa_patches import no_tensorflow
from bot.rasa_patches.patching import replace

Loaded = Tuple[Any, ...]
ModelKey = Tuple[str, int, int]
_preloaded: dict[ModelKey, Loaded] = {}


def _model_key(model_path: str | Path) -> ModelKey | None:
    """The model file as it is now (path, size, modification time); for a folder, of its
    newest model, as Rasa picks it; None when there is none."""
    path = Path(model_path)
    if path.is_dir():
        path = Path(get_latest_model(path) or path)
    if not path.is_file():
        return None
    stat = path.stat()
    return str(path.resolve()), stat.st_size, stat.st_mtime_ns


def _reusing_preloaded(load: Callable[[str | Path], Loaded]) -> Callable[..., Loaded]:
    def load_model(model_path: str | Path) -> Loaded:
        key = _model_key(model_path)
        if key is not None and key in _preloaded:
            return _preloaded[key]
        return load(model_path)

    return load_model


def preload(model_path: str | Path) -> None:
    """Loads the model file now, for every MessageProcessor of this process and its forks."""
    key = _model_key(model_path)
    if key is None or key in _preloaded:
        return
    _preloaded.clear()
    _preloaded[key] = loaded = MessageProcessor._load_model(model_path)
    _warm_up(loaded)
    gc.freeze()
    release_free_heap()
    # Loaded and warmed up: from here a call to a TensorFlow kept out is a mistake.
    no_tensorflow.seal()


WARM_UP_TEXTS = ("what are breast calcifications?", "¿mis calcificaciones son cáncer?")


def _warm_up(loaded: Loaded) -> None:
    """Parses a message in each language, as MessageProcessor does, so that lazy parts are
    built now."""
    _, metadata, graph_runner = loaded
    if metadata.nlu_target is None:
        return
    for text in WARM_UP_TEXTS:
        graph_runner.run(
            inputs={PLACEHOLDER_MESSAGE: [UserMessage(text, sender_id="warm-up")],
                    PLACEHOLDER_TRACKER: DialogueStateTracker("warm-up", [])},
            targets=[metadata.nlu_target],
        )


def install() -> None:
    """Makes Rasa's model loading reuse a preloaded model, and `serve_application` preload the
    model it is given before it starts Sanic."""
    serve = rasa.core.run.serve_application

    @wraps(serve)
    def serve_application(model_path: str | None = None, *args: Any, **kwargs: Any) -> None:
        if model_path:
            preload(model_path)
        serve(model_path, *args, **kwargs)

    replace(MessageProcessor, "_load_model",
            staticmethod(_reusing_preloaded(MessageProcessor._load_model)))
    replace(rasa.core.run, "serve_application", serve_application)
