#!/usr/bin/env bash
# Recommendation latency over synthetic catalogs, with the float scan as the same-run baseline: for each
# catalog size and scan, a fresh Release server (local mode, embedded Garnet in a fresh directory,
# loopback only, `Bench:SyntheticItems` random k = 64 vectors), then for each client count one
# `reco bench --recommend-only` (1,000 users with 5 likes each, WARMUP (5 s) of unmeasured requests, GET
# recommendations k=10 alone, then again while INGEST clients post single events).
#   scripts/bench-recommend.sh                                  # 10k, 100k, 1M items; 1, 2 and 8 clients
#   SIZES="100000" CLIENTS="1 2" DURATION=20s scripts/bench-recommend.sh
#   VARIANTS="off:--Recommender:Impressions:Record=false on:--Recommender:Impressions:Record=true"  # other server settings
#                                                               # compared (the first is the baseline); scripts/bench-impressions.sh
# Needs Release builds of Recommender.Api and Recommender.Cli.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=${SIZES:-"10000 100000 1000000"}
CLIENTS=${CLIENTS:-"1 2 8"}
INGEST=${INGEST:-1}
DURATION=${DURATION:-12s}
WARMUP=${WARMUP:-5s}
PORT=${PORT:-5100}
OUT=${OUT:-$(mktemp -d /tmp/reco-bench-recs.XXXX)}; mkdir -p "$OUT"
API=Recommender.Api/bin/Release/net10.0/Recommender.Api.dll
RECO=Recommender.Cli/bin/Release/net10.0/reco.dll
[[ -f $API && -f $RECO ]] || { echo "build first: dotnet build Recommender.Api -c Release && dotnet build Recommender.Cli -c Release" >&2; exit 1; }
read -r -a variants <<<"${VARIANTS:-float:--Model:QuantizedScan=false int8:--Model:QuantizedScan=true}"
names=""; for v in "${variants[@]}"; do names+="${v%%:*} "; done

server_pid=""
stop_server() { [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true; server_pid=""; }
trap stop_server EXIT INT TERM

for size in $SIZES; do
  for variant in "${variants[@]}"; do
    name=${variant%%:*}; args=${variant#*:}
    data=$(mktemp -d /tmp/reco-bench-data.XXXX)
    dotnet "$API" --environment Development --urls "http://127.0.0.1:$PORT" --Storage:DataDir="$data" \
      --Cluster:SiloPort=11190 --Cluster:GatewayPort=30090 --contentRoot "$PWD/Recommender.Api" \
      --Recommender:SeedDemoCatalog=false --Security:RequireApiKeys=false --Bench:SyntheticItems="$size" $args \
      >"$OUT/$size-$name.server.log" 2>&1 &
    server_pid=$!
    until curl -sf "http://127.0.0.1:$PORT/health/ready" >/dev/null 2>&1; do sleep 0.5; done
    for clients in $CLIENTS; do
      dotnet "$RECO" bench --url "http://127.0.0.1:$PORT" --recommend-only --users 1000 --duration "$DURATION" --warmup "$WARMUP" \
        --concurrency "$clients" --ingest-concurrency "$INGEST" --json "$OUT/$size-$name-$clients.json" \
        >"$OUT/$size-$name-$clients.log" 2>&1
      echo "$size items, $name scan, $clients clients done"
    done
    awk '/VmRSS/ {printf "%d\n", $2 * 1024}' "/proc/$server_pid/status" >"$OUT/$size-$name.rss"
    stop_server
    rm -rf "$data"
  done
done

python3 - "$OUT" "$SIZES" "$CLIENTS" "$names" <<'PY'
import json, sys
out, sizes, clients, names = sys.argv[1], sys.argv[2].split(), sys.argv[3].split(), sys.argv[4].split()
base_name = names[0]
print(f"\n| items | variant | clients | phase | req/s | p50 ms | p95 ms | p99 ms | req/s vs {base_name} | p50 vs {base_name} | p99 vs {base_name} |  (runs in {out})")
print("|---:|---|---:|---|---:|---:|---:|---:|---:|---:|---:|")
for size in sizes:
    for c in clients:
        runs = {n: json.load(open(f"{out}/{size}-{n}-{c}.json"))["phases"] for n in names}
        for phase in ("recs k=10", "recs k=10 + ingest"):
            base = next(p for p in runs[base_name] if p["phase"] == phase)
            for n in names:
                p = next(p for p in runs[n] if p["phase"] == phase)
                ingest = next((q for q in runs[n] if q["phase"] == "ingest during recs"), None) if phase.endswith("ingest") else None
                label = phase.replace("recs k=10", "alone") if phase == "recs k=10" else f"+ ingest ({ingest['eventsPerSecond']:,.0f} ev/s)"
                print(f"| {int(size):,} | {n} | {c} | {label} | {p['requestsPerSecond']:,.0f} | {p['p50Ms']:.2f} | {p['p95Ms']:.2f} | "
                      f"{p['p99Ms']:.2f} | {p['requestsPerSecond'] / base['requestsPerSecond']:.2f} | {p['p50Ms'] / base['p50Ms']:.2f} | {p['p99Ms'] / base['p99Ms']:.2f} |")
for size in sizes:
    rss = {n: int(open(f"{out}/{size}-{n}.rss").read()) / 2**30 for n in names}
    print(f"\nserver RSS after the {int(size):,}-item runs: " + ", ".join(f"{n} {rss[n]:.2f} GiB" for n in names), end="")
print()
PY
