#!/usr/bin/env bash
# Starts a local cluster on this machine: one redis-server, two Recommender.Silo processes and
# Recommender.Api in cluster mode, all on 127.0.0.1, the API in Production (API keys required:
# the script makes three once and prints them). The silos seed the demo catalog into an empty
# store, exactly once. Ctrl+C (or SIGTERM) stops it in order: the API, the silos one by one,
# then Redis — each gets STOP_TIMEOUT seconds, then SIGKILL.
#   scripts/cluster.sh              # build, start, seed the demo once; API at http://127.0.0.1:5000
#   scripts/cluster.sh --no-demo    # no demo catalog: an empty store stays empty
# Environment (the defaults in brackets):
#   API_PORT (5000)  REDIS_PORT (6380)  DATA_DIR (./data/cluster: Redis' AOF, logs, api-keys.env)
#   SILO_PORTS ("11111 11112")  GATEWAY_PORTS ("30000 30001")  SILO_HEALTH_PORTS ("8081 8082"): one silo per entry
#   CONFIGURATION (Release)  BIN_DIR (unset: build; set: run the dlls found there, no build)
#   START_TIMEOUT (120: seconds per process)  STOP_TIMEOUT (20: seconds per process before SIGKILL)
#   Cluster__ServiceId (recommender)  Cluster__ClusterId (local-cluster)
# The keys are in $DATA_DIR/api-keys.env (mode 0600, reused on the next start; delete it for new
# ones) as RECO_ADMIN_KEY, RECO_WRITE_KEY, RECO_READ_KEY — the names docker-compose.yml reads.
set -euo pipefail
cd "$(dirname "$0")/.."

DEMO=true
for arg in "$@"; do
  case "$arg" in
    --no-demo) DEMO=false ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "cluster.sh: unknown argument '$arg' (see --help)" >&2; exit 2 ;;
  esac
done

REDIS_PORT=${REDIS_PORT:-6380}
API_PORT=${API_PORT:-5000}
DATA_DIR=${DATA_DIR:-$PWD/data/cluster}
CONFIGURATION=${CONFIGURATION:-Release}
read -r -a SILO_PORTS <<<"${SILO_PORTS:-11111 11112}"
read -r -a GATEWAY_PORTS <<<"${GATEWAY_PORTS:-30000 30001}"
read -r -a SILO_HEALTH_PORTS <<<"${SILO_HEALTH_PORTS:-8081 8082}"
START_TIMEOUT=${START_TIMEOUT:-120}
STOP_TIMEOUT=${STOP_TIMEOUT:-20}
export RECO_REDIS="127.0.0.1:${REDIS_PORT}"
export Cluster__ServiceId=${Cluster__ServiceId:-recommender}
export Cluster__ClusterId=${Cluster__ClusterId:-local-cluster}
API_URL="http://127.0.0.1:${API_PORT}"
KEYS_FILE="$DATA_DIR/api-keys.env"
LOGS="$DATA_DIR/logs"
started=$SECONDS

say() { printf '[cluster %3ds] %s\n' "$((SECONDS - started))" "$*"; }
die() { printf 'cluster.sh: %s\n' "$1" >&2; [[ -n "${2:-}" && -f "$2" ]] && { echo "--- last lines of $2 ---" >&2; tail -n 40 "$2" >&2; }; exit 1; }

(( ${#SILO_PORTS[@]} > 0 && ${#SILO_PORTS[@]} == ${#GATEWAY_PORTS[@]} && ${#SILO_PORTS[@]} == ${#SILO_HEALTH_PORTS[@]} )) \
  || die "SILO_PORTS, GATEWAY_PORTS and SILO_HEALTH_PORTS need one entry per silo each"
command -v redis-server >/dev/null && command -v redis-cli >/dev/null \
  || die "redis-server 7 and redis-cli are required (apt-get install redis-server)"
command -v curl >/dev/null || die "curl is required"
port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for port in "$REDIS_PORT" "$API_PORT" "${SILO_PORTS[@]}" "${GATEWAY_PORTS[@]}" "${SILO_HEALTH_PORTS[@]}"; do
  port_taken "$port" && die "127.0.0.1:$port is in use (another cluster running? see the ports in --help)"
done
mkdir -p "$DATA_DIR/redis" "$LOGS"

# --- API keys: made once, kept in a file only this user can read ------------------------------
new_key() { od -An -tx1 -N24 /dev/urandom | tr -d ' \n'; }
key_of() { sed -n "s/^$1=//p" "$KEYS_FILE" | tail -n 1; }
if [[ ! -f "$KEYS_FILE" ]]; then
  (
    umask 077
    {
      echo "# API keys of the local cluster, made by scripts/cluster.sh (delete this file for new ones)."
      echo "# Same names as docker-compose.yml reads: this file can serve as its .env."
      echo "RECO_ADMIN_KEY=$(new_key)"
      echo "RECO_WRITE_KEY=$(new_key)"
      echo "RECO_READ_KEY=$(new_key)"
    } >"$KEYS_FILE.tmp"
    mv "$KEYS_FILE.tmp" "$KEYS_FILE"
  )
  say "made new API keys in $KEYS_FILE"
fi
chmod 600 "$KEYS_FILE"
ADMIN_KEY=$(key_of RECO_ADMIN_KEY)
WRITE_KEY=$(key_of RECO_WRITE_KEY)
READ_KEY=$(key_of RECO_READ_KEY)
for key in "$ADMIN_KEY" "$WRITE_KEY" "$READ_KEY"; do
  [[ "$key" =~ ^[A-Za-z0-9_.~+/=-]{16,512}$ ]] || die "$KEYS_FILE needs RECO_ADMIN_KEY, RECO_WRITE_KEY and RECO_READ_KEY of 16+ characters without spaces (delete it for new ones)"
done

# --- processes ----------------------------------------------------------------------------------
# Each child runs in its own session (setsid), so a Ctrl+C in the terminal reaches only this
# script, which then stops them in order; their pids are in $DATA_DIR/pids while they run.
SETSID=(); command -v setsid >/dev/null && SETSID=(setsid)
names=(); pids=(); logs=()
: >"$DATA_DIR/pids"
track() { names+=("$1"); pids+=("$2"); logs+=("$3"); echo "$1 $2" >>"$DATA_DIR/pids"; }
alive() { kill -0 "$1" 2>/dev/null && ! grep -qs '^[0-9]* ([^)]*) Z' "/proc/$1/stat"; }

stop_one() { # name pid
  local name=$1 pid=$2 t0=$SECONDS
  alive "$pid" || { wait "$pid" 2>/dev/null || true; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  while alive "$pid"; do
    if (( SECONDS - t0 >= STOP_TIMEOUT )); then
      say "$name did not stop within ${STOP_TIMEOUT} s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.1
  done
  wait "$pid" 2>/dev/null || true
  say "stopped $name ($((SECONDS - t0)) s)"
}

stopping=false
stop_all() {
  $stopping && return; stopping=true
  trap '' INT TERM HUP
  [[ -n "${build:-}" ]] && { kill -TERM "$build" 2>/dev/null || true; wait "$build" 2>/dev/null || true; }
  (( ${#names[@]} > 0 )) || return 0
  local t0=$SECONDS i
  say "stopping: API, then silos, then Redis"
  # API nodes first (no new calls), then the silos while Redis still holds the membership table
  # (a silo leaves gracefully in seconds; without Redis it waits minutes), Redis last.
  for kind in api silo redis; do
    for ((i = 0; i < ${#names[@]}; i++)); do
      [[ "${names[$i]}" == "$kind"* ]] && stop_one "${names[$i]}" "${pids[$i]}"
    done
  done
  rm -f "$DATA_DIR/pids"
  say "stopped in $((SECONDS - t0)) s"
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

wait_ready() { # name pid log probe...
  local name=$1 pid=$2 log=$3 t0=$SECONDS next=10; shift 3
  until "$@" >/dev/null 2>&1; do
    alive "$pid" || die "$name exited before it was ready" "$log"
    (( SECONDS - t0 >= START_TIMEOUT )) && die "$name was not ready within ${START_TIMEOUT} s (START_TIMEOUT)" "$log"
    if (( SECONDS - t0 >= next )); then say "  waiting for $name ($((SECONDS - t0)) s)"; next=$((next + 10)); fi
    sleep 0.5
  done
  say "$name ready ($((SECONDS - t0)) s)"
}

# --- build --------------------------------------------------------------------------------------
if [[ -n "${BIN_DIR:-}" ]]; then
  BIN_SILO=$BIN_DIR/Recommender.Silo.dll
  BIN_API=$BIN_DIR/Recommender.Api.dll
else
  say "building Recommender.Api and Recommender.Silo ($CONFIGURATION; a first build takes a few minutes; log $LOGS/build.log)"
  dotnet build Recommender.Api -c "$CONFIGURATION" -v quiet -nologo >"$LOGS/build.log" 2>&1 &
  build=$!
  next=$((SECONDS + 15))
  while kill -0 "$build" 2>/dev/null; do
    sleep 1
    if (( SECONDS >= next )) && kill -0 "$build" 2>/dev/null; then say "  still building…"; next=$((SECONDS + 15)); fi
  done
  wait "$build" || { build=""; die "the build failed" "$LOGS/build.log"; }
  build=""
  say "built"
  BIN_SILO=Recommender.Silo/bin/$CONFIGURATION/net10.0/Recommender.Silo.dll
  BIN_API=Recommender.Api/bin/$CONFIGURATION/net10.0/Recommender.Api.dll
fi
[[ -f "$BIN_SILO" && -f "$BIN_API" ]] || die "missing $BIN_SILO or $BIN_API"

"${SETSID[@]}" redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$DATA_DIR/redis" \
  --appendonly yes --appendfsync always --save "" >"$LOGS/redis.log" 2>&1 &
track redis $! "$LOGS/redis.log"
wait_ready redis $! "$LOGS/redis.log" redis-cli -p "$REDIS_PORT" ping

# The silos start together; with the demo on, each tries to claim the seeding (Redis SET NX on
# reco:<ServiceId>:demo-seed) and only the first into an empty store seeds.
for ((i = 0; i < ${#SILO_PORTS[@]}; i++)); do
  n=$((i + 1))
  "${SETSID[@]}" dotnet "$BIN_SILO" --Cluster:SiloPort="${SILO_PORTS[$i]}" --Cluster:GatewayPort="${GATEWAY_PORTS[$i]}" \
    --urls "http://127.0.0.1:${SILO_HEALTH_PORTS[$i]}" --Recommender:SeedDemoCatalog="$DEMO" \
    >"$LOGS/silo$n.log" 2>&1 &
  track "silo$n" $! "$LOGS/silo$n.log"
  say "silo$n: pid $! (silo port ${SILO_PORTS[$i]}, gateway ${GATEWAY_PORTS[$i]}, health http://127.0.0.1:${SILO_HEALTH_PORTS[$i]}/health/ready)"
done
for ((i = 0; i < ${#SILO_PORTS[@]}; i++)); do
  wait_ready "silo$((i + 1))" "${pids[$((i + 1))]}" "${logs[$((i + 1))]}" curl -sf --max-time 3 "http://127.0.0.1:${SILO_HEALTH_PORTS[$i]}/health/ready"
done

# The keys reach the API through its environment (not its command line, which ps shows).
Security__ApiKeys__0__Name=cluster-admin Security__ApiKeys__0__Key="$ADMIN_KEY" Security__ApiKeys__0__Scopes__0=admin \
Security__ApiKeys__1__Name=cluster-write Security__ApiKeys__1__Key="$WRITE_KEY" Security__ApiKeys__1__Scopes__0=write Security__ApiKeys__1__Scopes__1=read \
Security__ApiKeys__2__Name=cluster-read Security__ApiKeys__2__Key="$READ_KEY" Security__ApiKeys__2__Scopes__0=read \
  "${SETSID[@]}" dotnet "$BIN_API" --environment Production --Recommender:Mode=Cluster --urls "$API_URL" --contentRoot "$PWD/Recommender.Api" \
  >"$LOGS/api.log" 2>&1 &
track api $! "$LOGS/api.log"
wait_ready api $! "$LOGS/api.log" curl -sf --max-time 3 "$API_URL/health/ready"

if $DEMO; then
  # The demo is ready once the claim says what became of it and a first model serves.
  claim_key="reco:${Cluster__ServiceId}:demo-seed"
  t0=$SECONDS
  until claim=$(redis-cli -p "$REDIS_PORT" --raw GET "$claim_key") && [[ -n "$claim" && "$claim" != seeding* ]]; do
    (( SECONDS - t0 >= START_TIMEOUT )) && die "the demo catalog was not seeded within ${START_TIMEOUT} s (claim: ${claim:-none})" "$LOGS/silo1.log"
    (( (SECONDS - t0) % 10 == 0 && SECONDS > t0 )) && say "  seeding the demo catalog ($((SECONDS - t0)) s)"
    sleep 1
  done
  say "demo catalog: $claim"
  if [[ "$claim" == seeded* ]]; then
    until curl -sf --max-time 3 -H "X-Api-Key: $READ_KEY" "$API_URL/api/v1/model" | grep -q '"version":[1-9]'; do
      (( SECONDS - t0 >= START_TIMEOUT )) && { say "no trained model yet (see $LOGS/silo*.log)"; break; }
      sleep 1
    done
  fi
fi

cat <<EOF

cluster ready in $((SECONDS - started)) s: API $API_URL/  dashboard $API_URL/dashboard  metrics $API_URL/metrics
logs $LOGS  pids $DATA_DIR/pids  Redis 127.0.0.1:$REDIS_PORT (RECO_REDIS)

The API runs in Production: every call but /health/* and /openapi/v1.json needs a key in the
X-Api-Key header. In a browser, the page and /dashboard send you to $API_URL/signin.html: sign in
there with the write key for the simulator, the admin key for the dashboard. Keys (in $KEYS_FILE, mode 0600, reused next time; delete it for new ones):
  admin  $ADMIN_KEY   retrain, forget, export, /dashboard (and write, read)
  write  $WRITE_KEY   events, items (and read)
  read   $READ_KEY   recommendations, profiles, items, /metrics
Try:
  curl -s -H 'X-Api-Key: $READ_KEY' $API_URL/api/v1/model
  curl -s -H 'X-Api-Key: $READ_KEY' '$API_URL/api/v1/items?sort=popular&limit=5'
  curl -s -H 'X-Api-Key: $WRITE_KEY' -H 'content-type: application/json' -XPOST $API_URL/api/v1/events -d '{"userId":"alice","itemId":"item-010","type":"like"}'
  curl -s -H 'X-Api-Key: $READ_KEY' '$API_URL/api/v1/users/alice/recommendations?k=5'
  curl -s -H 'X-Api-Key: $READ_KEY' $API_URL/metrics | head
  curl -s -H 'X-Api-Key: $ADMIN_KEY' -o /dev/null -w '%{http_code}\n' $API_URL/dashboard/
  export RECO_URL=$API_URL RECO_API_KEY=$ADMIN_KEY   # then: dotnet run --project Recommender.Cli -- watch alice
Ctrl+C stops the cluster (API, silos, Redis: seconds).
EOF

# Run until a signal, or until a process dies on its own (then stop the others).
while true; do
  for ((i = 0; i < ${#names[@]}; i++)); do
    alive "${pids[$i]}" || die "${names[$i]} exited on its own" "${logs[$i]}"
  done
  sleep 1 &
  wait $! || true
done
