#!/usr/bin/env bash
# Filtered recommendation latency over HTTP, with the unfiltered list as the same-run baseline: a fresh
# Release server (local mode, embedded Garnet in a fresh directory, loopback only) holding SIZE synthetic
# items (`Bench:SyntheticItems`: random k = 64 vectors; every item has `bucket` = i mod 100 and `even`),
# a stored filter `bucket7`, then for each client count one `reco bench --recommend-only` (1,000 users
# with 5 likes each, WARMUP of unmeasured requests) measuring GET recommendations k=10 unfiltered, then
# under each filter, each phase alone: `bucket = 7` (1 % of the items), `even` (50 %), the stored
# `bucket7` by name (1 %), `bucket < 50 AND even` (25 %, two columns).
#   scripts/bench-filters.sh                     # 100k items; 1 and 2 clients
#   SIZE=1000000 CLIENTS="1" scripts/bench-filters.sh
# Needs Release builds of Recommender.Api and Recommender.Cli.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZE=${SIZE:-100000}
CLIENTS=${CLIENTS:-"1 2"}
DURATION=${DURATION:-12s}
WARMUP=${WARMUP:-10s}
PORT=${PORT:-5110}
OUT=${OUT:-$(mktemp -d /tmp/reco-bench-filters.XXXX)}; mkdir -p "$OUT"
API=Recommender.Api/bin/Release/net10.0/Recommender.Api.dll
RECO=Recommender.Cli/bin/Release/net10.0/reco.dll
[[ -f $API && -f $RECO ]] || { echo "build first: dotnet build Recommender.Api -c Release && dotnet build Recommender.Cli -c Release" >&2; exit 1; }

server_pid=""
data=$(mktemp -d /tmp/reco-bench-data.XXXX)
stop_server() { [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true; server_pid=""; rm -rf "$data"; }
trap stop_server EXIT INT TERM

dotnet "$API" --environment Development --urls "http://127.0.0.1:$PORT" --Storage:DataDir="$data" \
  --Cluster:SiloPort=11191 --Cluster:GatewayPort=30091 --contentRoot "$PWD/Recommender.Api" \
  --Recommender:SeedDemoCatalog=false --Security:RequireApiKeys=false --Bench:SyntheticItems="$SIZE" \
  >"$OUT/server.log" 2>&1 &
server_pid=$!
until curl -sf "http://127.0.0.1:$PORT/health/ready" >/dev/null 2>&1; do sleep 0.5; done
curl -sf -X PUT "http://127.0.0.1:$PORT/api/v1/filters/bucket7" -H 'Content-Type: application/json' \
  -d '{"expression":"bucket = 7","description":"1 % of the synthetic items"}' >/dev/null
for f in "bucket%20%3D%207" "even" "bucket%20%3C%2050%20AND%20even"; do
  echo "filter $f keeps $(curl -sf "http://127.0.0.1:$PORT/api/v1/items?limit=1&filter=$f" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])') items"
done | tee "$OUT/selectivity.txt"

for clients in $CLIENTS; do
  dotnet "$RECO" bench --url "http://127.0.0.1:$PORT" --recommend-only --users 1000 --duration "$DURATION" --warmup "$WARMUP" \
    --concurrency "$clients" --ingest-concurrency 0 \
    --filter "bucket = 7" --filter "even" --filter-name bucket7 --filter "bucket < 50 AND even" \
    --json "$OUT/$clients.json" >"$OUT/$clients.log" 2>&1
  echo "$clients clients done"
done
awk '/VmRSS/ {printf "%d\n", $2 * 1024}' "/proc/$server_pid/status" >"$OUT/rss"

python3 - "$OUT" "$SIZE" "$CLIENTS" <<'PY'
import json, sys
out, size, clients = sys.argv[1], sys.argv[2], sys.argv[3].split()
print(f"\n{int(size):,} items; server RSS {int(open(out + '/rss').read()) / 2**20:.0f} MiB at the end  (runs in {out})")
print("| clients | phase | req/s | p50 ms | p99 ms | p99 vs unfiltered |")
print("|---:|---|---:|---:|---:|---:|")
for c in clients:
    phases = json.load(open(f"{out}/{c}.json"))["phases"]
    base = next(p for p in phases if p["phase"] == "recs k=10")
    for p in phases:
        if not p["phase"].startswith("recs k=10") or "ingest" in p["phase"]: continue
        print(f"| {c} | {p['phase']} | {p['requestsPerSecond']:,.0f} | {p['p50Ms']:.2f} | {p['p99Ms']:.2f} | {p['p99Ms'] / base['p99Ms']:.2f}× |")
PY
