"""How every profile starts Rasa: `rasa run` with the project's patches to Rasa installed first
(bot/rasa_patches/: the model loaded before Sanic forks its workers, TensorFlow and JAX out of
reach when the model does not need them, patient messages redacted, and the rest), whatever
config.yml names, and secrets scrubbed from logs.
`run` also checks the clinical review of the answers first (bot/content/review.py).

Use it as `python -m bot.serve run ARGS`, with the arguments of `rasa run`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot import log_secrets, rasa_patches
from bot.allocator import limit_malloc_arenas
from bot.content import review


def served_model(arguments: list[str]) -> Path | None:
    """The model file `rasa run` is given (`-m`/`--model`), None for other commands or a
    folder (Rasa then picks a model itself)."""
    if arguments[:1] != ["run"]:
        return None
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("-m", "--model")
    model = parser.parse_known_args(arguments[1:])[0].model
    return Path(model) if model and Path(model).is_file() else None


def main() -> None:
    limit_malloc_arenas()
    log_secrets.install()
    if sys.argv[1:2] == ["run"] and "--help" not in sys.argv:
        try:
            review.check_at_start_up("The Rasa server")
        except review.UnreviewedContentError as error:
            raise SystemExit(str(error)) from None
    rasa_patches.install(model=served_model(sys.argv[1:]))
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *sys.argv[1:]]
    rasa_main()


if __name__ == "__main__":
    main()
