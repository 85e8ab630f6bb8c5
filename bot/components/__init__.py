"""Custom Rasa 3 graph components, named in config.yml by their module path.

Rasa imports this package whenever it loads the model, so the per-message speed-ups that the
project applies to Rasa itself are installed here (see bot/speedups.py).
"""

from bot import speedups

speedups.install()
