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
seconds() { printf '%d.%d' $(( $1 / 1000 )) $(( $1 % 1000 / 100 )); }

# The polling below must not cost the machine it measures, so it starts no process per poll: a `curl` costs about
# 23 ms of CPU, a `pgrep` 16 ms, and even a command substitution forks the shell. The clock is bash's own
# (EPOCHREALTIME), the pause a read that times out, the request bash's /dev/tcp.
exec {pause_fd}<> <(:)
pause() { read -r -t "$1" -u "$pause_fd" _ || true; }
# Milliseconds since the epoch, in REPLY.
now_ms() { REPLY=$(( ${EPOCHREALTIME/./} / 1000 )); }

# The pid of each service whose program runs (one `pgrep` for all), in the associative array `pid`.
find_services() {
  local p command service program
  while read -r p command; do
    for service in ControlPlane Gateway Provisioner Web; do
      program="Gsv\.$service/bin/$config/net[0-9.]+/Gsv\.$service( |\$)"
      if [[ $command =~ $program ]]; then pid[$service]=$p; fi
    done
  done < <(pgrep -af "Gsv\.(ControlPlane|Gateway|Provisioner|Web)/bin/$config/" || true)
}

# The port a process listens on, from its environment (DCP gives each service its own), in REPLY.
listening_port() {
  local -a variables
  local variable
  { mapfile -d '' -t variables < "/proc/$1/environ"; } 2>/dev/null || return 1
  for variable in "${variables[@]}"; do
    if [[ $variable == ASPNETCORE_URLS=* ]]; then
      variable=${variable#ASPNETCORE_URLS=}
      variable=${variable%%;*}
      REPLY=${variable##*:}
      REPLY=${REPLY%%/*}
      return 0
    fi
  done
  return 1
}

# Whether GET /health on a loopback port answers 200.
health_ok() {
  local fd status
  { exec {fd}<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null || return 1
  printf 'GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' >&"$fd"
  read -r -t 2 -u "$fd" status || status=
  exec {fd}>&-
  [[ $status == "HTTP/1.1 200 "* ]]
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
  local label=$1 started since cpu_before elapsed tick=0 service
  declare -A ready=() port=() pid=()
  cpu_before=$(busy_jiffies)
  since=$(uptime_ticks)
  now_ms; started=$REPLY
  # A session of its own, stopped as a whole (SIGTERM: a background job ignores SIGINT, and so would the AppHost).
  setsid Gsv.AppHost/scripts/run-built.sh "$config" "--Gsv:DataPath=$data" > "$data/apphost-$label.log" 2>&1 &
  local apphost=$!
  while [ ${#ready[@]} -lt 4 ]; do
    now_ms; elapsed=$(( REPLY - started ))
    if (( elapsed > 300000 )) || ! kill -0 "$apphost" 2>/dev/null; then
      echo "$label: not every service answered /health within 300 s (ready: ${!ready[*]}); see $data/apphost-$label.log" >&2
      kill -TERM -- "-$apphost" 2>/dev/null || true; wait "$apphost" || true
      exit 1
    fi
    # Services not running yet are looked for once a second.
    if (( ${#pid[@]} < 4 && tick % 10 == 0 )); then find_services; fi
    for service in "${!pid[@]}"; do
      [ -n "${ready[$service]:-}" ] && continue
      if [ -z "${port[$service]:-}" ]; then
        listening_port "${pid[$service]}" || continue
        port[$service]=$REPLY
      fi
      if health_ok "${port[$service]}"; then
        now_ms; ready[$service]=$(( REPLY - started ))
      fi
    done
    tick=$(( tick + 1 ))
    pause 0.1
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
  kill -TERM -- "-$apphost"
  wait "$apphost" || true
  # DCP stops the resources once the AppHost is gone: the next start waits for them.
  for _ in $(seq 600); do
    pgrep -f "Gsv\.(ControlPlane|Gateway|Provisioner|Web|Emulators)/bin/$config/" > /dev/null || pgrep -f "dcp (start-apiserver|run-controllers)" > /dev/null || return 0
    sleep 0.1
  done
}

start_once "fresh data"
start_once "existing data"
