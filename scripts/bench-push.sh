#!/usr/bin/env bash
# Event → push latency of this build against another build in the same script (BENCHMARKS.md,
# "Event → push latency"): per round and build, a fresh Release demo server (Development, embedded
# Garnet in a fresh directory, loopback), its demo model trained, REST seconds of rest, then
# `reco bench-push --events EVENTS` (this build's client for both). Builds alternate, ROUNDS times.
#   BASELINE=/path/to/other/checkout scripts/bench-push.sh      # both need Release builds of Recommender.Api
#   BASELINE=$PWD THIS_ARGS=--Telemetry:Tracing=true scripts/bench-push.sh   # one build, with and without tracing (an absolute path)
# BASELINE_ARGS / THIS_ARGS: extra server arguments for each side.
set -euo pipefail
cd "$(dirname "$0")/.."
BASELINE=${BASELINE:?"set BASELINE to another checkout with a Release build of Recommender.Api"}
ROUNDS=${ROUNDS:-2}; EVENTS=${EVENTS:-1000}; REST=${REST:-20}; PORT=${PORT:-5100}
OUT=${OUT:-$(mktemp -d /tmp/reco-bench-push.XXXX)}; mkdir -p "$OUT"
RECO=Recommender.Cli/bin/Release/net10.0/reco.dll
server_pid=""
stop_server() { [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true; server_pid=""; }
trap stop_server EXIT INT TERM
for round in $(seq 1 "$ROUNDS"); do
  for build in baseline this; do
    root=$([[ $build == this ]] && echo "$PWD" || echo "$BASELINE")
    data=$(mktemp -d /tmp/reco-bench-data.XXXX)
    dotnet "$root/Recommender.Api/bin/Release/net10.0/Recommender.Api.dll" --environment Development --urls "http://127.0.0.1:$PORT" \
      --Storage:DataDir="$data" --Cluster:SiloPort=11190 --Cluster:GatewayPort=30090 --contentRoot "$root/Recommender.Api" \
      $([[ $build == this ]] && echo "${THIS_ARGS:-}" || echo "${BASELINE_ARGS:-}") \
      >"$OUT/$build-$round.server.log" 2>&1 &
    server_pid=$!
    until curl -sf "http://127.0.0.1:$PORT/api/v1/model" 2>/dev/null | grep -q '"version":[1-9]'; do sleep 1; done
    sleep "$REST"
    dotnet "$RECO" bench-push --url "http://127.0.0.1:$PORT" --events "$EVENTS" >"$OUT/$build-$round.log" 2>&1
    echo "round $round, $build: $(tail -1 "$OUT/$build-$round.log")"
    stop_server
    rm -rf "$data"
  done
done
