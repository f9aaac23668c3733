#!/usr/bin/env bash
# Sync batches against a full reload of the same table, measured side by side in one JVM:
#   scripts/bench-sync.sh [ROWS] [WORKDIR]        (defaults: 10000000 rows, bench-work/sync)
# Source: a Delta table with its change data feed on (sync mode delta-cdf); target: a Delta table
# with deletion vectors, as a load creates it. Prints seconds per step and each sync's ratio to
# the full reload. Last, the same source synced by sync.mode = diff into a second target after
# 0.1% of its rows were updated (goal: at most 0.5x the full reload), and an idle diff batch. The work dir is wiped first. TRICKLE_MEMORY sets the heap (default 6g).
# TRICKLE_LOG_CONF names another log4j2 file (e.g. one with dev.trickle at DEBUG, which logs each step's duration).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROWS="${1:-10000000}"
DIR="${2:-$ROOT/bench-work/sync}"
JAR="$ROOT/jobs/target/trickle.jar"
CP_FILES=("$ROOT/jobs/target/spark-classpath-provided.txt" "$ROOT/jobs/target/spark-classpath-runtime.txt")

"$ROOT/scripts/trickle" --version >/dev/null # builds the jar when sources changed

rm -rf "$DIR"
# The site defaults a local scripts/trickle run uses (shuffle partitions, Delta log replay tasks).
export TRICKLE_DEFAULTS="${TRICKLE_DEFAULTS-$ROOT/conf/application.conf}"
mkdir -p "$DIR"
mapfile -t JVM_FLAGS < <(grep -v '^\s*#' "$ROOT/conf/jvm.options" | grep -v '^\s*$')
exec java "${JVM_FLAGS[@]}" -Xmx"${TRICKLE_MEMORY:-6g}" -XX:+UseParallelGC \
  -Dlog4j2.configurationFile="${TRICKLE_LOG_CONF:-$ROOT/conf/log4j2.properties}" \
  -cp "$JAR:$(cat "${CP_FILES[0]}"):$(cat "${CP_FILES[1]}")" dev.trickle.jobs.bench.SyncBenchmark "$ROWS" "$DIR"
