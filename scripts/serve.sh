#!/usr/bin/env bash
# Serves the action server and Rasa together in the foreground; Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.venv/bin

"$bin/python" -m rasa_sdk --actions actions --port "${ACTION_PORT:-5055}" &
actions_pid=$!
trap 'kill "$actions_pid" 2>/dev/null || true; wait "$actions_pid" 2>/dev/null || true' EXIT INT TERM

"$bin/rasa" run \
  --model models/calcifications.tar.gz \
  --port "${RASA_PORT:-5005}" \
  --credentials credentials.yml \
  --endpoints endpoints.yml \
  --cors "${CORS_ORIGINS:-*}"
