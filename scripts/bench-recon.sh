#!/usr/bin/env bash
# Reconcile against the scan limit, side by side in one run (docs/BENCHMARKS.md keeps the figures):
#   scripts/bench-recon.sh [ROWS] [PG_ROWS] [WORK_DIR]
# ROWS (default 10,000,000): a Parquet source and two Delta copies (identical; 0.03% differing:
# changed, missing and extra rows) are generated once under WORK_DIR (default bench-work/recon/) and
# reused. The scan limit is one pass over each side computing a count and a hash sum of all
# columns; reconcile, exceptAll both ways and a full outer join are timed against it, and every
# method's differing keys are checked against the injected ones. PG_ROWS (default 2,000,000; 0
# skips it): an embedded PostgreSQL table against its Delta copy, with and without pushdown, with
# the bytes PostgreSQL sent counted by a relay in between. BENCH_MEMORY sets the heap (default 6g).
# TRICKLE_LOG_CONF names another log4j2 file (e.g. one with dev.trickle at DEBUG, which logs each step's duration).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROWS="${1:-10000000}"
PG_ROWS="${2:-2000000}"
WORK="${3:-$ROOT/bench-work/recon}"

(cd "$ROOT" && mvn -q -B -Dstyle.color=never -DskipTests package) >&2
CP="$ROOT/jobs/target/test-classes:$ROOT/jobs/target/trickle.jar"
CP="$CP:$(cat "$ROOT/jobs/target/spark-classpath-provided.txt"):$(cat "$ROOT/jobs/target/spark-classpath-runtime.txt")"
export TRICKLE_DEFAULTS="${TRICKLE_DEFAULTS-$ROOT/conf/application.conf}" # as a local scripts/trickle run
mapfile -t JVM_FLAGS < <(grep -v '^\s*#' "$ROOT/conf/jvm.options" | grep -v '^\s*$')

exec java "${JVM_FLAGS[@]}" -Xmx"${BENCH_MEMORY:-6g}" -Dlog4j2.configurationFile="${TRICKLE_LOG_CONF:-$ROOT/conf/log4j2.properties}" \
  -cp "$CP" dev.trickle.bench.ReconBench "$WORK" "$ROWS" "$PG_ROWS"
