#!/usr/bin/env bash
# Serves the action server, Rasa and the widget's demo page (bot/widget_server.py) together in the
# foreground. Ctrl-C or SIGTERM (what make forwards, and what systemd and Docker send) stops them
# all within STOP_GRACE_S seconds, even with replies hung on a platform: then they are killed.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.venv/bin
grace=${STOP_GRACE_S:-6}

# Rasa sends this token and the action server requires it; without one from the environment,
# a fresh one for this run keeps the action server closed to anyone but this Rasa.
if [[ -z "${ACTION_SERVER_TOKEN:-}" ]]; then
  ACTION_SERVER_TOKEN=$("$bin/python" -c 'import secrets; print(secrets.token_hex(16))')
fi
export ACTION_SERVER_TOKEN

# Every server runs in the background, so that bash handles a signal at once instead of after
# a foreground child exits; each leads its own process group, so that its workers go with it.
pids=()
start() { setsid "$@" & pids+=("$!"); }

stop_all() {
  trap '' INT TERM
  trap - EXIT
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  for ((tenth = 0; tenth < grace * 10; tenth++)); do
    alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    ((alive)) || break
    sleep 0.1
  done
  for pid in "${pids[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
# Only the first signal stops: make passes its SIGTERM on to this script, so a SIGTERM to make's
# whole process group arrives twice, and a second `exit` during stop_all would end it halfway,
# leaving the servers running.
stopping=0
on_signal() {
  if ((stopping)); then return 0; fi
  stopping=1
  exit "$1"
}
trap stop_all EXIT
trap 'on_signal 143' TERM
trap 'on_signal 130' INT

start "$bin/python" -m actions.server --port "${ACTION_PORT:-5055}"
start "$bin/python" -m bot.widget_server --port "${WIDGET_PORT:-8080}" \
  --rasa-url "${RASA_URL:-http://localhost:${RASA_PORT:-5005}}"

# Browsers may call Rasa from the clinic's pages only: by default the origins that the widget's
# socket.io channel accepts (allowed_origins in bot/clinic.yml, or ALLOWED_ORIGINS).
read -ra cors <<< "${CORS_ORIGINS:-$("$bin/python" -m bot.settings allowed_origins | tr ',' ' ')}"

# One Rasa worker per core, sharing the SQLite conversations and locks (endpoints.yml); the
# model is loaded once before they fork (bot/rasa_patches/preload.py).
export SANIC_WORKERS=${SANIC_WORKERS:-$(nproc)}
# Its /metrics adds up every worker's figures from files in a folder emptied at each start
# (bot/metrics.py); set PROMETHEUS_MULTIPROC_DIR to put them elsewhere.
metrics_dir=${PROMETHEUS_MULTIPROC_DIR:-$(dirname "${TRACKER_DB:-var/trackers.db}")/metrics-rasa-${RASA_PORT:-5005}}
mkdir -p "$metrics_dir" && find "$metrics_dir" -mindepth 1 -delete

PROMETHEUS_MULTIPROC_DIR=$metrics_dir start "$bin/python" -m bot.serve run \
  --model models/calcifications.tar.gz \
  --port "${RASA_PORT:-5005}" \
  --credentials credentials.yml \
  --endpoints endpoints.yml \
  --cors "${cors[@]}"

# Serve until a signal arrives or any server exits (then the others are stopped too, and make
# run ends with that server's exit status: a refusal to start is an error).
status=0
wait -n "${pids[@]}" || status=$?
exit "$status"
