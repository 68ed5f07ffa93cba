#!/usr/bin/env bash
# Prints, one KEY=VALUE a line, the environment `dotnet run --launch-profile PROFILE` gives the AppHost: the
# profile's environmentVariables, its applicationUrl as ASPNETCORE_URLS, and DOTNET_LAUNCH_PROFILE.
# Usage: launch-profile-env.sh [PROFILE]   (default: http; read from ../Properties/launchSettings.json)
# It reads the file as written there (one property a line); Gsv.Tests checks it against a JSON parser.
set -euo pipefail
profile=${1:-http}
settings="$(dirname "$0")/../Properties/launchSettings.json"
[ -f "$settings" ] || { echo "launch-profile-env.sh: $settings not found" >&2; exit 1; }
echo "DOTNET_LAUNCH_PROFILE=$profile"
awk -v profile="\"$profile\"" '
  function value(line) { sub(/^[^:]*:[[:space:]]*"/, "", line); sub(/"[[:space:]]*,?[[:space:]]*$/, "", line); return line }
  function key(line) { sub(/^[[:space:]]*"/, "", line); sub(/".*$/, "", line); return line }
  index($0, profile) && /:[[:space:]]*\{/ { found = 1; in_profile = 1; next }
  in_profile && /"applicationUrl"/ { print "ASPNETCORE_URLS=" value($0); next }
  in_profile && /"environmentVariables"/ { in_vars = 1; next }
  in_vars && /\}/ { in_vars = 0; in_profile = 0; next }
  in_vars && /"/ { print key($0) "=" value($0) }
  END { if (!found) { print "launch-profile-env.sh: no profile " profile " in launchSettings.json" > "/dev/stderr"; exit 1 } }
' "$settings"
