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
# Milliseconds since the epoch, without a process: the polling below must not cost the machine it measures.
now_ms() { local t=${EPOCHREALTIME/./}; echo $(( t / 1000 )); }
seconds() { printf '%d.%d' $(( $1 / 1000 )) $(( $1 % 1000 / 100 )); }

# The listening address of a running service, from its environment (DCP gives each its own port).
service_url() {
  local pid
  pid=$(pgrep -f "Gsv\.$1/bin/$config/net[0-9.]*/Gsv\.$1\$" | head -1) || return 1
  tr '\0' '\n' < "/proc/$pid/environ" 2>/dev/null | sed -n 's/^ASPNETCORE_URLS=//p' | cut -d';' -f1 | sed 's#//+:#//localhost:#; s#//\*:#//localhost:#'
}

# Clock ticks since the machine booted: /proc/<pid>/stat gives each process's start in them.
uptime_ticks() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%d\n", $1 * hz }' /proc/uptime; }

# The CPU each program started since $1 (in clock ticks since boot) has used so far, largest first, in seconds; an
# emulator is named after the system it stands in for. Its processes that already exited are not counted.
cpu_by_program() {
  local since=$1 hz stat rest name
  local -a fields args
  hz=$(getconf CLK_TCK)
  for stat in /proc/[0-9]*/stat; do
    { read -r rest < "$stat"; } 2>/dev/null || continue
    rest=${rest##*) }
    read -r -a fields <<< "$rest"
    (( fields[19] >= since )) || continue
    { mapfile -d '' -t args < "${stat%/stat}/cmdline"; } 2>/dev/null || continue
    [ ${#args[@]} -gt 0 ] || continue
    # A server may rewrite its command line as one string ("/usr/bin/redis-server 127.0.0.1:6379"): its first word.
    name=${args[0]%% *}
    name=${name##*/}
    name=${name%%:*}
    if [ "${args[1]:-}" = "--emulator" ]; then name="$name:${args[2]}"; fi
    if [ "$name" = dotnet ] || [ "$name" = dcp ]; then name="$name-${args[1]:-}"; fi
    echo "$name $(( fields[11] + fields[12] ))"
  done | awk -v hz="$hz" '{ cpu[$1] += $2 } END { for (n in cpu) if (cpu[n] >= hz / 10) printf "%s %.1f\n", n, cpu[n] / hz }' |
    sort -k2 -rn | awk '{ printf "%s%s %s", (NR > 1 ? ", " : ""), $1, $2 } END { print "" }'
}

start_once() {
  local label=$1 started since cpu_before pid elapsed tick=0
  declare -A ready=() url=()
  cpu_before=$(busy_jiffies)
  since=$(uptime_ticks)
  started=$(now_ms)
  # A session of its own, stopped as a whole (SIGTERM: a background job ignores SIGINT, and so would the AppHost).
  setsid Gsv.AppHost/scripts/run-built.sh "$config" "--Gsv:DataPath=$data" > "$data/apphost-$label.log" 2>&1 &
  pid=$!
  while [ ${#ready[@]} -lt 4 ]; do
    elapsed=$(( $(now_ms) - started ))
    if (( elapsed > 300000 )) || ! kill -0 "$pid" 2>/dev/null; then
      echo "$label: not every service answered /health within 300 s (ready: ${!ready[*]}); see $data/apphost-$label.log" >&2
      kill -TERM -- "-$pid" 2>/dev/null || true; wait "$pid" || true
      exit 1
    fi
    for service in ControlPlane Gateway Provisioner Web; do
      [ -n "${ready[$service]:-}" ] && continue
      # Looking a service up scans every process: once a second until it is found, then its address is kept.
      if [ -z "${url[$service]:-}" ]; then
        (( tick % 10 == 0 )) || continue
        url[$service]=$(service_url "$service") || continue
        [ -n "${url[$service]}" ] || continue
      fi
      if curl -fsS -m 1 "${url[$service]}/health" > /dev/null 2>&1; then
        ready[$service]=$(( $(now_ms) - started ))
      fi
    done
    tick=$(( tick + 1 ))
    sleep 0.1
  done
  local cpu=$(( $(busy_jiffies) - cpu_before )) hz last=0
  hz=$(getconf CLK_TCK)
  for service in ControlPlane Gateway Provisioner Web; do
    (( ready[$service] > last )) && last=${ready[$service]}
  done
  printf '%s: every service answered /health %s s after the start (ControlPlane %s, Gateway %s, Provisioner %s, Web %s); CPU %s s on %d cores\n' \
    "$label" "$(seconds "$last")" "$(seconds "${ready[ControlPlane]}")" "$(seconds "${ready[Gateway]}")" \
    "$(seconds "${ready[Provisioner]}")" "$(seconds "${ready[Web]}")" "$(seconds $(( cpu * 1000 / hz )))" "$(nproc)"
  echo "  CPU by program until then: $(cpu_by_program "$since")"
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
