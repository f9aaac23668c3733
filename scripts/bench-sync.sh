#!/usr/bin/env bash
# Sync batches against a full reload of the same table, measured side by side in one JVM:
#   scripts/bench-sync.sh [ROWS] [WORKDIR]        (defaults: 10000000 rows, bench-work/sync)
# Source: a Delta table with its change data feed on (sync mode delta-cdf); target: a Delta table
# with deletion vectors, as a load creates it. Prints seconds per step and each sync's ratio to
# the full reload. Last, the same source synced by sync.mode = diff into a second target after
# 0.1% of its rows were updated (goal: at most 0.5x the full reload), the next night's 0.1% (its
# buckets sized by the first batch's changes), and an idle diff batch. The work dir is wiped first. TRICKLE_MEMORY sets the heap (default 6g).
# TRICKLE_LOG_CONF names another log4j2 file (e.g. one with dev.trickle at DEBUG, which logs each step's duration).
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/bench-java.sh"
ROWS="${1:-10000000}"
DIR="${2:-$BENCH_ROOT/bench-work/sync}"
rm -rf "$DIR"
mkdir -p "$DIR"
BENCH_JAVA_OPTS="-XX:+UseParallelGC ${BENCH_JAVA_OPTS:-}" run_bench SyncBenchmark "$ROWS" "$DIR"
