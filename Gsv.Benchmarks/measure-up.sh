#!/usr/bin/env bash
# The start of `./gsv up` as a developer sees it, built (its build step left out): the AppHost with its dashboard,
# every program exporting its telemetry to it. Prints, for a first start on fresh data and a second on that data, when
# each GSV service first answered /health (the Provisioner's only once its Saleor bootstrap is done), and the CPU the
# whole machine spent until then. Gsv.Benchmarks --startup measures the same start without the dashboard.
#
#   dotnet build Gsv.sln -c Release && Gsv.Benchmarks/measure-up.sh
set -euo pipefail
cd "$(dirname "$0")/.."
config=${GSV_CONFIGURATION:-Release}
data=$(mktemp -d /tmp/gsv-up-XXXXXX)
chmod 755 "$data" # the 'postgres' OS user reads it
trap 'rm -rf "$data"' EXIT

busy_jiffies() { awk '/^cpu /{ print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }

# The listening address of a running service, from its environment (DCP gives each its own port).
service_url() {
  local pid
  pid=$(pgrep -f "Gsv\.$1/bin/$config/net[0-9.]*/Gsv\.$1\$" | head -1) || return 1
  tr '\0' '\n' < "/proc/$pid/environ" 2>/dev/null | sed -n 's/^ASPNETCORE_URLS=//p' | cut -d';' -f1 | sed 's#//+:#//localhost:#; s#//\*:#//localhost:#'
}

start_once() {
  local label=$1 started cpu_before pid elapsed
  declare -A ready=()
  cpu_before=$(busy_jiffies)
  started=$(date +%s.%N)
  # A session of its own, stopped as a whole (SIGTERM: a background job ignores SIGINT, and so would the AppHost).
  setsid dotnet run --project Gsv.AppHost --no-build -c "$config" --launch-profile http -- "--Gsv:DataPath=$data" > "$data/apphost-$label.log" 2>&1 &
  pid=$!
  while [ ${#ready[@]} -lt 4 ]; do
    elapsed=$(echo "$(date +%s.%N) - $started" | bc)
    if (( $(echo "$elapsed > 300" | bc) )) || ! kill -0 "$pid" 2>/dev/null; then
      echo "$label: not every service answered /health within 300 s (ready: ${!ready[*]}); see $data/apphost-$label.log" >&2
      kill -TERM -- "-$pid" 2>/dev/null || true; wait "$pid" || true
      exit 1
    fi
    for service in ControlPlane Gateway Provisioner Web; do
      [ -n "${ready[$service]:-}" ] && continue
      url=$(service_url "$service") || continue
      if [ -n "$url" ] && curl -fsS -m 1 "$url/health" > /dev/null 2>&1; then
        ready[$service]=$(printf '%.1f' "$(echo "$(date +%s.%N) - $started" | bc)")
      fi
    done
    sleep 0.1
  done
  local cpu=$(( $(busy_jiffies) - cpu_before ))
  local last=0
  for service in ControlPlane Gateway Provisioner Web; do
    if (( $(echo "${ready[$service]} > $last" | bc) )); then last=${ready[$service]}; fi
  done
  printf '%s: every service answered /health %s s after the start (ControlPlane %s, Gateway %s, Provisioner %s, Web %s); CPU %.1f s on %d cores\n' \
    "$label" "$last" "${ready[ControlPlane]}" "${ready[Gateway]}" "${ready[Provisioner]}" "${ready[Web]}" \
    "$(echo "$cpu / $(getconf CLK_TCK)" | bc -l)" "$(nproc)"
  kill -TERM -- "-$pid"
  wait "$pid" || true
  # DCP stops the resources once the AppHost is gone: the next start waits for them.
  for _ in $(seq 600); do
    pgrep -f "Gsv\.(ControlPlane|Gateway|Provisioner|Web|Emulators)/bin/$config/" > /dev/null || pgrep -f "dcp (start-apiserver|run-controllers)" > /dev/null || return 0
    sleep 0.1
  done
}

start_once "fresh data"
start_once "existing data"
