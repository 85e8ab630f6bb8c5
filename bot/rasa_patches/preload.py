"""The model loaded once for all of a server's Sanic workers, before the fork.

With SANIC_WORKERS above 1, Sanic forks its workers from a main process that only supervises
them, and each worker unpacks and loads the model again: one more copy per worker of the model
and of every page the load touches. Here the main process loads the model graph first and
freezes the garbage collector's view of all that is loaded (`gc.freeze`), so that the workers
inherit the loaded graph by fork and keep sharing its memory pages instead of copying them.
A worker asked to load another model, or the same file after it changed, loads it as Rasa does.
"""

from __future__ import annotations

import gc
from functools import wraps
from pathlib import Path
from typing import Any, Callable, Tuple

import rasa.core.run
from rasa.core.processor import MessageProcessor
from rasa.model import get_latest_model

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
    _preloaded[key] = MessageProcessor._load_model(model_path)
    gc.freeze()


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
