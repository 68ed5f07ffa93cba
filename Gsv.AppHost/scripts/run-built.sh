#!/usr/bin/env bash
# Runs the built AppHost as `dotnet run --no-build --launch-profile http` would, but directly: `dotnet run` first
# evaluates the project with MSBuild, about 1 s of CPU before the AppHost even starts (measured with
# Gsv.Benchmarks/measure-up.sh). ./gsv up uses it after its build.
# Usage: run-built.sh CONFIGURATION [AppHost arguments...]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
config=$1
shift
program="$here/bin/$config/net10.0/Gsv.AppHost"
[ -x "$program" ] || { echo "run-built.sh: $program not found: build it first (dotnet build Gsv.sln -c $config)." >&2; exit 1; }
mapfile -t profile_env < <("$here/scripts/launch-profile-env.sh" http)
[ ${#profile_env[@]} -gt 1 ] || { echo "run-built.sh: the launch profile 'http' gave no environment" >&2; exit 1; }
exec env "${profile_env[@]}" "$program" "$@"
