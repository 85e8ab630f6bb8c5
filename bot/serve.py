"""`rasa run` for a server with several Sanic workers: the model loaded once, before the fork.

With SANIC_WORKERS above 1, Sanic forks its workers from a main process that only supervises
them, and each worker unpacks and loads the model again: one more copy per worker of the model
and of every page the load touches. Here the main process loads the model graph first and
freezes the garbage collector's view of all that is loaded (`gc.freeze`), so that the workers
inherit the loaded graph by fork and keep sharing its memory pages instead of copying them.
A worker asked to load another model, or the same file after it changed, loads it as Rasa does.

TensorFlow 2.12 imports JAX when it can, only for its TFLite converter of JAX models; Rasa never
converts models, and JAX costs each server about 65 MB and 1.5 s of start-up, so the server is
started with JAX out of reach (TensorFlow carries on without it, as it does where JAX is absent).

Use it as `python -m bot.serve run ARGS`, with the arguments of `rasa run`.
"""

from __future__ import annotations

import gc
import importlib.abc
import sys
from functools import wraps
from pathlib import Path
from typing import Any, Callable, Sequence, Tuple

from bot import log_secrets

Loaded = Tuple[Any, ...]
ModelKey = Tuple[str, int, int]
_preloaded: dict[ModelKey, Loaded] = {}
UNUSED_PACKAGES = ("jax", "jaxlib")


class _Unavailable(importlib.abc.MetaPathFinder):
    """Makes `import jax` fail as if JAX were not installed."""

    def find_spec(self, name: str, path: Sequence[str] | None, target: Any = None) -> None:
        if name.split(".")[0] in UNUSED_PACKAGES:
            raise ModuleNotFoundError(f"No module named {name!r} (not used by the server)",
                                      name=name)
        return None


def _model_key(model_path: str | Path) -> ModelKey | None:
    """The model file as it is now (path, size, modification time); for a folder, of its
    newest model, as Rasa picks it; None when there is none."""
    from rasa.model import get_latest_model

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
    from rasa.core.processor import MessageProcessor

    key = _model_key(model_path)
    if key is None or key in _preloaded:
        return
    _preloaded.clear()
    _preloaded[key] = MessageProcessor._load_model(model_path)
    gc.freeze()


def install() -> None:
    """Keeps JAX out, makes Rasa's model loading reuse a preloaded model, and makes
    `serve_application` preload the model it is given before it starts Sanic."""
    if not any(isinstance(finder, _Unavailable) for finder in sys.meta_path):
        sys.meta_path.insert(0, _Unavailable())
    import rasa.core.run
    from rasa.core.processor import MessageProcessor

    MessageProcessor._load_model = staticmethod(  # type: ignore[method-assign]
        _reusing_preloaded(MessageProcessor._load_model)
    )
    serve = rasa.core.run.serve_application

    @wraps(serve)
    def serve_application(model_path: str | None = None, *args: Any, **kwargs: Any) -> None:
        if model_path:
            preload(model_path)
        serve(model_path, *args, **kwargs)

    rasa.core.run.serve_application = serve_application


def main() -> None:
    log_secrets.install()
    install()
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *sys.argv[1:]]
    rasa_main()


if __name__ == "__main__":
    main()
