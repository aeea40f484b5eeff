#!/usr/bin/env bash
# Starts a local cluster on this machine: one redis-server, two Recommender.Silo processes and
# Recommender.Api in cluster mode, all on 127.0.0.1. Ctrl+C stops everything.
#   scripts/cluster.sh            # build, then run; API at http://127.0.0.1:5000
# Environment (same names as docker-compose.yml):
#   REDIS_PORT (6380)  API_PORT (5000)  DATA_DIR (./data/cluster)  CONFIGURATION (Release)
set -euo pipefail
cd "$(dirname "$0")/.."

REDIS_PORT=${REDIS_PORT:-6380}
API_PORT=${API_PORT:-5000}
DATA_DIR=${DATA_DIR:-$PWD/data/cluster}
CONFIGURATION=${CONFIGURATION:-Release}
export RECO_REDIS="127.0.0.1:${REDIS_PORT}"
export Cluster__ServiceId=${Cluster__ServiceId:-recommender}
export Cluster__ClusterId=${Cluster__ClusterId:-local-cluster}

command -v redis-server >/dev/null || { echo "redis-server is required (apt-get install redis-server)" >&2; exit 1; }
dotnet build Recommender.Api -c "$CONFIGURATION" -v quiet -nologo >/dev/null
BIN_SILO=Recommender.Silo/bin/$CONFIGURATION/net10.0/Recommender.Silo.dll
BIN_API=Recommender.Api/bin/$CONFIGURATION/net10.0/Recommender.Api.dll
mkdir -p "$DATA_DIR/redis" "$DATA_DIR/logs"

pids=()
stop() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap stop EXIT INT TERM

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$DATA_DIR/redis" --appendonly yes --appendfsync always --save "" \
  >"$DATA_DIR/logs/redis.log" 2>&1 &
pids+=($!)
until redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; do sleep 0.2; done

start_silo() { # index silo-port gateway-port health-port
  dotnet "$BIN_SILO" --Cluster:SiloPort="$2" --Cluster:GatewayPort="$3" --urls "http://127.0.0.1:$4" \
    >"$DATA_DIR/logs/silo$1.log" 2>&1 &
  pids+=($!)
  echo "silo$1: pid $! (silo port $2, gateway $3, health http://127.0.0.1:$4/health/ready)"
}
start_silo 1 11111 30000 8081
start_silo 2 11112 30001 8082
until curl -sf http://127.0.0.1:8081/health/ready >/dev/null && curl -sf http://127.0.0.1:8082/health/ready >/dev/null; do sleep 0.5; done

dotnet "$BIN_API" --Recommender:Mode=Cluster --urls "http://127.0.0.1:${API_PORT}" --contentRoot "$PWD/Recommender.Api" \
  >"$DATA_DIR/logs/api.log" 2>&1 &
pids+=($!)
until curl -sf "http://127.0.0.1:${API_PORT}/health/ready" >/dev/null; do sleep 0.5; done
echo "cluster ready: API http://127.0.0.1:${API_PORT}/  dashboard http://127.0.0.1:${API_PORT}/dashboard  logs $DATA_DIR/logs"
wait
