#!/usr/bin/env bash
# Starts a Redis server from the operating system's packages for the AppHost's local mode.
# Usage: start-redis.sh PORT DATA_DIR
# Environment: REDIS_PASSWORD, GSV_EPHEMERAL=true for no persistence.
set -euo pipefail

port="$1"
data="$2"
server=$(command -v redis-server || true)
if [ -z "$server" ]; then
  echo "redis-server not found: run ./gsv up (or apt-get install redis-server)." >&2
  exit 1
fi
mkdir -p "$data"

persistence=(--save "" --appendonly no)
if [ "${GSV_EPHEMERAL:-false}" != "true" ]; then
  persistence=(--save "60 1" --appendonly no)
fi

exec "$server" --port "$port" --bind 127.0.0.1 --dir "$data" \
  --requirepass "${REDIS_PASSWORD:?REDIS_PASSWORD is required}" \
  --protected-mode yes --daemonize no "${persistence[@]}"
