"""How every profile starts Rasa: `rasa run` with the project's patches to Rasa installed first
(bot/rasa_patches/: the model loaded before Sanic forks its workers, JAX out of reach, patient
messages redacted, and the rest), whatever config.yml names, and secrets scrubbed from logs.
`run` also checks the clinical review of the answers first (bot/content/review.py).

Use it as `python -m bot.serve run ARGS`, with the arguments of `rasa run`.
"""

from __future__ import annotations

import sys

from bot import log_secrets, rasa_patches
from bot.content import review


def main() -> None:
    log_secrets.install()
    if sys.argv[1:2] == ["run"] and "--help" not in sys.argv:
        try:
            review.check_at_start_up("The Rasa server")
        except review.UnreviewedContentError as error:
            raise SystemExit(str(error)) from None
    rasa_patches.install()
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *sys.argv[1:]]
    rasa_main()


if __name__ == "__main__":
    main()
