# Sourced by the production scripts: ports, paths and secrets, each overridable from the
# environment. Secrets that are not set are generated once into var/prod/secrets.env (mode 600)
# so that a fresh machine can run the profile; a real deployment sets them in the environment.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export PROD_DIR=${PROD_DIR:-$ROOT/var/prod}
mkdir -p "$PROD_DIR"

SECRETS_FILE=$PROD_DIR/secrets.env
if [[ ! -f $SECRETS_FILE ]]; then
  umask 077
  {
    echo "GENERATED_DB_PASSWORD=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
    echo "GENERATED_RASA_AUTH_TOKEN=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')"
    echo "GENERATED_ACTION_SERVER_TOKEN=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')"
  } >"$SECRETS_FILE"
  umask 022
fi
# shellcheck disable=SC1090
source "$SECRETS_FILE"

export DB_HOST=${DB_HOST:-127.0.0.1}
export DB_PORT=${DB_PORT:-5433}
export DB_NAME=${DB_NAME:-rasa}
export DB_USER=${DB_USER:-rasa}
export DB_PASSWORD=${DB_PASSWORD:-$GENERATED_DB_PASSWORD}
export REDIS_HOST=${REDIS_HOST:-127.0.0.1}
export REDIS_PORT=${REDIS_PORT:-6380}
export RASA_AUTH_TOKEN=${RASA_AUTH_TOKEN:-$GENERATED_RASA_AUTH_TOKEN}
export ACTION_SERVER_TOKEN=${ACTION_SERVER_TOKEN:-$GENERATED_ACTION_SERVER_TOKEN}
export ACTION_PORT=${ACTION_PORT:-5055}
export ACTION_SERVER_WORKERS=${ACTION_SERVER_WORKERS:-2}
export ACTION_ENDPOINT_URL=${ACTION_ENDPOINT_URL:-http://127.0.0.1:$ACTION_PORT/webhook}
export RASA_PORTS=${RASA_PORTS:-"5005 5006"}
export WIDGET_PORT=${WIDGET_PORT:-8080}
export PROXY_PORT=${PROXY_PORT:-8000}
export RATE_LIMIT_PER_MIN=${RATE_LIMIT_PER_MIN:-60}
export MAX_BODY=${MAX_BODY:-64k}
export PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
# The demo page is served through nginx here, so its origin is the proxy's.
export ALLOWED_ORIGINS=${ALLOWED_ORIGINS:-http://localhost:$PROXY_PORT,http://127.0.0.1:$PROXY_PORT}
# A conversation's Redis lock outlives a Rasa instance that died holding it by this many
# seconds (Rasa's default is 60): longer than a turn can take (ACTION_TIMEOUT_S is 3).
export TICKET_LOCK_LIFETIME=${TICKET_LOCK_LIFETIME:-10}
