#!/usr/bin/env bash
# The cost of recording impressions (issue #14: ≤ +10 % p50, ≤ +15 % p99 at 100k items): the same
# recommendation benchmark on a server with Recommender:Impressions:Record off (the baseline) and on,
# each run twice in alternation (off, on, off, on) so that a slow stretch of the machine falls on both.
#   scripts/bench-impressions.sh            # 100k items, 1 and 2 clients, 20 s per phase
# Needs Release builds of Recommender.Api and Recommender.Cli.
set -euo pipefail
cd "$(dirname "$0")/.."
export SIZES=${SIZES:-100000} CLIENTS=${CLIENTS:-"1 2"} DURATION=${DURATION:-20s} WARMUP=${WARMUP:-10s}
export VARIANTS="off:--Recommender:Impressions:Record=false on:--Recommender:Impressions:Record=true off2:--Recommender:Impressions:Record=false on2:--Recommender:Impressions:Record=true"
exec scripts/bench-recommend.sh
