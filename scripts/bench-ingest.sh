#!/usr/bin/env bash
# Ingest benchmark with baselines in the same script: for each variant, ROUNDS times, a fresh demo
# server (local mode, embedded Garnet in a fresh directory, loopback only) and one
# `reco bench` (WARMUP, default 20 s, of unmeasured load — JIT tiering with dynamic PGO takes about
# that long on 2 cores — then 10 s phases: single events, batches of 100 and 1,000,
# GET recommendations). Variants alternate round by round so that drifts of the shared machine hit
# all of them alike; the summary prints the median of each figure per variant.
#   scripts/bench-ingest.sh                       # default variants, 3 rounds, 8 clients
#   ROUNDS=5 CONCURRENCY=32 WARMUP=5s scripts/bench-ingest.sh
#   scripts/bench-ingest.sh "default:" "no-item-step:--Model:OnlineItemStep=false"
# Each variant is "name:server arguments"; NAME=value arguments set the server's environment
# (e.g. "pgo:DOTNET_TieredPGO=1"); arguments starting with @path/to/Recommender.Api.dll run
# that build instead (e.g. an older commit's, as a baseline). Needs Release builds of Recommender.Api and Recommender.Cli.
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-3}
CONCURRENCY=${CONCURRENCY:-8}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-20s}
PORT=${PORT:-5100}
OUT=${OUT:-$(mktemp -d /tmp/reco-bench.XXXX)}; mkdir -p "$OUT"
API=Recommender.Api/bin/Release/net10.0/Recommender.Api.dll
RECO=Recommender.Cli/bin/Release/net10.0/reco.dll
[[ -f $API && -f $RECO ]] || { echo "build first: dotnet build Recommender.Api -c Release && dotnet build Recommender.Cli -c Release" >&2; exit 1; }

variants=("$@")
if [[ ${#variants[@]} -eq 0 ]]; then
  variants=("default:" "no-sync-commit:--Storage:SyncCommit=false" "no-item-step:--Model:OnlineItemStep=false")
fi

server_pid=""
stop_server() { [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true; server_pid=""; }
trap stop_server EXIT INT TERM

for round in $(seq 1 "$ROUNDS"); do
  for variant in "${variants[@]}"; do
    name=${variant%%:*}; args=${variant#*:}; api=$API
    if [[ $args == @* ]]; then api=${args%% *}; api=${api#@}; [[ $args == *" "* ]] && args=${args#* } || args=""; fi
    envs=(); rest=()
    for token in $args; do [[ $token =~ ^[A-Za-z_][A-Za-z0-9_]*= ]] && envs+=("$token") || rest+=("$token"); done
    args="${rest[*]:-}"
    data=$(mktemp -d /tmp/reco-bench-data.XXXX)
    # shellcheck disable=SC2086
    env "${envs[@]}" dotnet "$api" --environment Development --urls "http://127.0.0.1:$PORT" --Storage:DataDir="$data" \
      --Cluster:SiloPort=11190 --Cluster:GatewayPort=30090 --contentRoot "$PWD/Recommender.Api" $args \
      >"$OUT/$name-$round.server.log" 2>&1 &
    server_pid=$!
    until curl -sf "http://127.0.0.1:$PORT/health/ready" >/dev/null 2>&1; do sleep 0.5; done
    dotnet "$RECO" bench --url "http://127.0.0.1:$PORT" --duration "$DURATION" --warmup "$WARMUP" --concurrency "$CONCURRENCY" \
      --json "$OUT/$name-$round.json" >"$OUT/$name-$round.log" 2>&1
    stop_server
    rm -rf "$data"
    echo "round $round $name done"
  done
done

python3 - "$OUT" "${variants[@]}" <<'EOF'
import json, statistics, sys
out, variants = sys.argv[1], [v.split(':', 1)[0] for v in sys.argv[2:]]
print(f"\n| variant | events ×1 /s | ×100 /s | ×1000 /s | ×1 p99 ms | recs/s | recs p99 ms |  (median of runs in {out})")
print("|---|---:|---:|---:|---:|---:|---:|")
for name in variants:
    runs = []
    r = 1
    while True:
        try: runs.append(json.load(open(f"{out}/{name}-{r}.json")))
        except FileNotFoundError: break
        r += 1
    def med(phase, key):
        return statistics.median(p[key] for run in runs for p in run["phases"] if p["phase"] == phase)
    print(f"| {name} | {med('events ×1','eventsPerSecond'):,.0f} | {med('events ×100','eventsPerSecond'):,.0f} | "
          f"{med('events ×1000','eventsPerSecond'):,.0f} | {med('events ×1','p99Ms'):.1f} | "
          f"{med('recs k=10','requestsPerSecond'):,.0f} | {med('recs k=10','p99Ms'):.2f} |")
EOF
