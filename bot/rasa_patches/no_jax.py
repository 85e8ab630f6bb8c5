"""TensorFlow 2.12 imports JAX when it can, only for its TFLite converter of JAX models; Rasa
never converts models, and JAX costs each server about 65 MB and 1.5 s of start-up. The server
starts with JAX out of reach (TensorFlow carries on without it, as it does where JAX is absent).
This module imports nothing else, so that it can act before TensorFlow is imported.
"""

from __future__ import annotations

import importlib.abc
import sys
from typing import Any, Sequence

UNUSED_PACKAGES = ("jax", "jaxlib")


class _Unavailable(importlib.abc.MetaPathFinder):
    """Makes `import jax` fail as if JAX were not installed."""

    def find_spec(self, name: str, path: Sequence[str] | None, target: Any = None) -> None:
        if name.split(".")[0] in UNUSED_PACKAGES:
            raise ModuleNotFoundError(f"No module named {name!r} (not used by the server)",
                                      name=name)
        return None


def install() -> None:
    """Makes `import jax` fail from now on in this process."""
    if not any(isinstance(finder, _Unavailable) for finder in sys.meta_path):
        sys.meta_path.insert(0, _Unavailable())


def uninstall() -> None:
    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, _Unavailable)]
