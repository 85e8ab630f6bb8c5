"""Custom Rasa 3 graph components, named in config.yml by their module path.

Rasa imports this package whenever it loads the model, so what the project changes in Rasa
itself is installed here, once: the per-message speed-ups (bot/speedups.py), the redaction of
patient messages before they are parsed or stored (bot/privacy/message_hook.py), the bound
on how long Rasa waits for the action server (bot/action_timeout.py) and no answer without
storing the message (bot/durability.py).
"""

from bot import action_timeout, durability, speedups
from bot.privacy import message_hook

speedups.install()
message_hook.install()
action_timeout.install()
durability.install()
