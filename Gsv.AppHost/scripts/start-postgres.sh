#!/usr/bin/env bash
# Starts a PostgreSQL server from the operating system's packages for the AppHost's local mode.
# Usage: start-postgres.sh DATA_DIR
# Environment: PGPORT (given by the AppHost), POSTGRES_PASSWORD, GSV_EPHEMERAL=true for throw-away test data.
# PostgreSQL refuses to run as root, so as root the server runs as the 'postgres' OS user.
set -euo pipefail

data="$1"
bin_dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bin_dir" ] || [ ! -x "$bin_dir/postgres" ]; then
  echo "PostgreSQL server binaries not found under /usr/lib/postgresql: run ./gsv up (or apt-get install postgresql)." >&2
  exit 1
fi

run_as_db_user() {
  if [ "$(id -u)" = 0 ]; then
    setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"
  else
    "$@"
  fi
}

mkdir -p "$data"
if [ "$(id -u)" = 0 ]; then
  chown postgres:postgres "$data"
  if ! run_as_db_user test -w "$data"; then
    echo "The 'postgres' OS user cannot reach $data (a parent folder is not traversable). Set Gsv:DataPath to a folder it can reach." >&2
    exit 1
  fi
fi
chmod 700 "$data"

if [ ! -s "$data/PG_VERSION" ]; then
  pwfile=$(mktemp)
  printf '%s' "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD is required}" > "$pwfile"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$pwfile"
  run_as_db_user "$bin_dir/initdb" -D "$data" -U postgres --pwfile="$pwfile" -E UTF8 --locale=C.UTF-8 \
    --auth-host=scram-sha-256 --auth-local=peer --no-instructions >/dev/null
  rm -f "$pwfile"
fi

settings=(-c listen_addresses=127.0.0.1 -c "unix_socket_directories=$data" -c max_connections=400 -c shared_buffers=128MB)
if [ "${GSV_EPHEMERAL:-false}" = "true" ]; then
  # Test data is thrown away: durability buys nothing and costs seconds.
  settings+=(-c fsync=off -c synchronous_commit=off -c full_page_writes=off)
fi

# The server writes every log line (startup notices included) to stderr, which the AppHost would show as errors:
# its lines carry their own level (LOG, WARNING, ERROR…), so they go to stdout.
if [ "$(id -u)" = 0 ]; then
  exec setpriv --reuid=postgres --regid=postgres --init-groups -- "$bin_dir/postgres" -D "$data" "${settings[@]}" 2>&1
fi
exec "$bin_dir/postgres" -D "$data" "${settings[@]}" 2>&1
