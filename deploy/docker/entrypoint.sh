#!/bin/sh
# The image's entry point: one image, one server per container, chosen by the first argument.
#   rasa     Rasa with the production endpoints (python -m bot.serve run), :5005
#   actions  the action server (python -m actions.server), :5055
#   widget   the demo page, the widget's files and /insights (python -m bot.widget_server), :8080
#   purge    deletes conversations idle for RETENTION_DAYS (python -m bot.privacy.retention)
# Arguments after the role go to that server; any other first argument runs as given
# ("python -m bot.settings clinic_phone"). Settings and secrets come from the environment only, as
# in scripts/prod/env.sh; a secret or setting that a role cannot run without stops the
# container here (exit 64), instead of a server that starts without it.
set -eu

ENDPOINTS=${ENDPOINTS:-deploy/endpoints.prod.yml}
MODEL=${MODEL:-models/calcifications.tar.gz}

# The ${NAME}s a Rasa configuration file reads from the environment.
variables_in() {
  # shellcheck disable=SC2016 # the ${NAME}s are text here, not expansions
  grep -o '\${[A-Z0-9_]*}' "$1" | tr -d '${}' | sort -u
}

require() {
  for name in "$@"; do
    eval "value=\${$name:-}"
    if [ -z "$value" ]; then
      echo "entrypoint: $name is not set: set it in the environment (docs/deploy.md)." >&2
      exit 64
    fi
  done
}

# Rasa refuses to read a file that names an unset variable; empty is allowed.
default_empty() {
  for name in "$@"; do
    eval "export $name=\"\${$name:-}\""
  done
}

# A server with several workers adds up their Prometheus figures in a directory of its own,
# emptied at every start: a restarted container keeps its /tmp (docs/deploy.md, "Metrics").
# It must exist before any process imports bot.metrics.
if [ -n "${PROMETHEUS_MULTIPROC_DIR:-}" ]; then
  mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
fi
fresh_metrics_dir() {
  if [ -n "${PROMETHEUS_MULTIPROC_DIR:-}" ]; then
    find "$PROMETHEUS_MULTIPROC_DIR" -mindepth 1 -delete
  fi
}

# Messaging channels stay off (their webhooks answer 503) until their secrets are set, as in
# `make run`: every variable credentials.yml names defaults to empty.
# shellcheck disable=SC2046 # one name per word
default_empty $(variables_in credentials.yml)

role=${1:-rasa}
if [ $# -gt 0 ]; then
  shift
fi

case $role in
  rasa)
    # shellcheck disable=SC2046
    require RASA_AUTH_TOKEN $(variables_in "$ENDPOINTS")
    fresh_metrics_dir
    # Browsers may call Rasa from the clinic's pages only: CORS_ORIGINS (space-separated), or
    # else the origins the widget's socket.io channel accepts (ALLOWED_ORIGINS, bot/clinic.yml).
    cors=${CORS_ORIGINS:-$(python -m bot.settings allowed_origins | tr ',' ' ')}
    set -f  # "*" is an origin here, not a file pattern
    # shellcheck disable=SC2086 # one argument per origin
    exec python -m bot.serve run --model "$MODEL" --port "${RASA_PORT:-5005}" \
      --credentials credentials.yml --endpoints "$ENDPOINTS" --enable-api \
      --auth-token "$RASA_AUTH_TOKEN" "$@" --cors $cors
    ;;
  actions)
    require ACTION_SERVER_TOKEN
    fresh_metrics_dir
    exec python -m actions.server --port "${ACTION_PORT:-5055}" "$@"
    ;;
  widget)
    # RASA_URL: Rasa as the patient's browser reaches it (the public address of the site).
    require RASA_URL DB_HOST DB_PORT DB_NAME DB_USER DB_PASSWORD
    # shellcheck disable=SC2046
    default_empty $(variables_in "$ENDPOINTS")
    exec python -m bot.widget_server --port "${WIDGET_PORT:-8080}" --rasa-url "$RASA_URL" \
      --endpoints "$ENDPOINTS" "$@"
    ;;
  purge)
    require DB_HOST DB_PORT DB_NAME DB_USER DB_PASSWORD
    # shellcheck disable=SC2046
    default_empty $(variables_in "$ENDPOINTS")
    exec python -m bot.privacy.retention --endpoints "$ENDPOINTS" "$@"
    ;;
  *)
    exec "$role" "$@"
    ;;
esac
