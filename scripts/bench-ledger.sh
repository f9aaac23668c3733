#!/usr/bin/env bash
# Reads of trickle's own ledgers as months of nightly runs leave them, before and after the
# compaction that writes now trigger every 50 versions, measured side by side in one JVM:
#   scripts/bench-ledger.sh [NIGHTS] [TABLES] [WORKDIR]    (defaults: 250 nights, 20 tables, bench-work/ledger)
# A sync_batches ledger of NIGHTS x TABLES batches, one small file each, as nightly syncs leave it.
# The work dir is wiped first. TRICKLE_MEMORY sets the heap (default 4g).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NIGHTS="${1:-250}"
TABLES="${2:-20}"
DIR="${3:-$ROOT/bench-work/ledger}"
JAR="$ROOT/jobs/target/trickle.jar"
CP_FILES=("$ROOT/jobs/target/spark-classpath-provided.txt" "$ROOT/jobs/target/spark-classpath-runtime.txt")

"$ROOT/scripts/trickle" --version >/dev/null # builds the jar when sources changed

rm -rf "$DIR"
mkdir -p "$DIR"
# The site defaults a local scripts/trickle run uses (shuffle partitions, Delta log replay tasks).
export TRICKLE_DEFAULTS="${TRICKLE_DEFAULTS-$ROOT/conf/application.conf}"
mapfile -t JVM_FLAGS < <(grep -v '^\s*#' "$ROOT/conf/jvm.options" | grep -v '^\s*$')
exec java "${JVM_FLAGS[@]}" -Xmx"${TRICKLE_MEMORY:-4g}" \
  -Dlog4j2.configurationFile="${TRICKLE_LOG_CONF:-$ROOT/conf/log4j2.properties}" \
  -cp "$JAR:$(cat "${CP_FILES[0]}"):$(cat "${CP_FILES[1]}")" dev.trickle.jobs.bench.LedgerBench "$NIGHTS" "$TABLES" "$DIR"
