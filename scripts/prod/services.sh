#!/usr/bin/env bash
# Starts or stops the profile's own PostgreSQL and Redis on loopback, with their data under
# var/prod/ (see PG_DATA below): `services.sh start|stop|restart-postgres|restart-redis|status`.
set -euo pipefail
source "$(dirname "$0")/env.sh"

REDIS_DIR=$PROD_DIR/redis

# PostgreSQL refuses to run as root: as root, run its tools as the postgres user (from /, since
# that user may not enter the current folder).
as_postgres() {
  if [[ $(id -u) -eq 0 ]]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

# The data lives under var/prod/ unless the postgres user cannot reach it (a checkout inside a
# private folder, such as one made by mktemp -d): then in that user's home, one folder per
# checkout.
PG_DATA=$PROD_DIR/postgres
if [[ $(id -u) -eq 0 ]] && id postgres >/dev/null 2>&1 && ! as_postgres test -x "$PROD_DIR"; then
  PG_DATA=$(getent passwd postgres | cut -d: -f6)/calcifications-$(printf %s "$PROD_DIR" \
    | md5sum | cut -c1-12)
fi

postgres_start() {
  if [[ ! -f $PG_DATA/PG_VERSION ]]; then
    mkdir -p "$PG_DATA"
    [[ $(id -u) -eq 0 ]] && chown postgres: "$PG_DATA"
    local pwfile
    pwfile=$(mktemp)
    printf '%s\n' "$DB_PASSWORD" >"$pwfile"
    chmod 644 "$pwfile"
    as_postgres "$PG_BIN/initdb" -D "$PG_DATA" --username="$DB_USER" --pwfile="$pwfile" \
      --auth-local=scram-sha-256 --auth-host=scram-sha-256 >"$PROD_DIR/initdb.log"
    rm -f "$pwfile"
  fi
  if ! as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
    if ! as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_DATA/server.log" -w -t 60 start \
        -o "-p $DB_PORT -c listen_addresses=$DB_HOST -k $PG_DATA" >/dev/null; then
      # Most often the port is taken (another checkout's profile still running: DB_PORT).
      echo "PostgreSQL did not start on $DB_HOST:$DB_PORT; from $PG_DATA/server.log:" >&2
      tail -n 5 "$PG_DATA/server.log" >&2
      exit 1
    fi
  fi
  if ! PGPASSWORD=$DB_PASSWORD "$PG_BIN/psql" -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" \
      -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'" | grep -q 1; then
    PGPASSWORD=$DB_PASSWORD "$PG_BIN/createdb" -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" \
      "$DB_NAME"
  fi
  echo "PostgreSQL on $DB_HOST:$DB_PORT (database $DB_NAME)"
}

postgres_stop() {
  if [[ -f $PG_DATA/PG_VERSION ]]; then
    as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null 2>&1 || true
  fi
}

redis_start() {
  mkdir -p "$REDIS_DIR"
  if ! redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    # Locks only: nothing worth persisting, so no snapshots and no append-only file.
    redis-server --bind "$REDIS_HOST" --port "$REDIS_PORT" --dir "$REDIS_DIR" \
      --save "" --appendonly no --daemonize yes \
      --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log"
    for _ in $(seq 50); do
      redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping >/dev/null 2>&1 && break
      sleep 0.1
    done
  fi
  echo "Redis on $REDIS_HOST:$REDIS_PORT"
}

redis_stop() {
  redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
}

case "${1:-}" in
  start) postgres_start; redis_start ;;
  stop) redis_stop; postgres_stop ;;
  restart-postgres) postgres_stop; postgres_start ;;
  restart-redis) redis_stop; redis_start ;;
  stop-postgres) postgres_stop ;;
  start-postgres) postgres_start ;;
  stop-redis) redis_stop ;;
  start-redis) redis_start ;;
  status)
    as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" status || true
    redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping || true ;;
  *) echo "usage: $0 start|stop|status|{start,stop,restart}-{postgres,redis}" >&2; exit 2 ;;
esac
