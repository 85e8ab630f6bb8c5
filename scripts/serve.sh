#!/usr/bin/env bash
# Serves the action server, Rasa and the widget's demo page (bot/widget_server.py) together in the
# foreground; Ctrl-C stops them all.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.venv/bin

# Rasa sends this token and the action server requires it; without one from the environment,
# a fresh one for this run keeps the action server closed to anyone but this Rasa.
if [[ -z "${ACTION_SERVER_TOKEN:-}" ]]; then
  ACTION_SERVER_TOKEN=$("$bin/python" -c 'import secrets; print(secrets.token_hex(16))')
fi
export ACTION_SERVER_TOKEN

"$bin/python" -m actions.server --port "${ACTION_PORT:-5055}" &
actions_pid=$!
"$bin/python" -m bot.widget_server --port "${WIDGET_PORT:-8080}" \
  --rasa-url "${RASA_URL:-http://localhost:${RASA_PORT:-5005}}" &
widget_pid=$!
trap 'kill "$actions_pid" "$widget_pid" 2>/dev/null || true
      wait "$actions_pid" "$widget_pid" 2>/dev/null || true' EXIT INT TERM

# Browsers may call Rasa from the clinic's pages only: by default the origins that the widget's
# socket.io channel accepts (allowed_origins in bot/clinic.yml, or ALLOWED_ORIGINS).
read -ra cors <<< "${CORS_ORIGINS:-$("$bin/python" -m bot.settings allowed_origins | tr ',' ' ')}"

"$bin/python" -m bot.serve run \
  --model models/calcifications.tar.gz \
  --port "${RASA_PORT:-5005}" \
  --credentials credentials.yml \
  --endpoints endpoints.yml \
  --cors "${cors[@]}"
