#!/usr/bin/env bash
# Reads of trickle's own ledgers as months of nightly runs leave them, before and after the
# compaction that writes now trigger every 50 versions, measured side by side in one JVM:
#   scripts/bench-ledger.sh [NIGHTS] [TABLES] [WORKDIR]    (defaults: 250 nights, 20 tables, bench-work/ledger)
# A sync_batches ledger of NIGHTS x TABLES batches, one small file each, as nightly syncs leave it.
# The work dir is wiped first. TRICKLE_MEMORY sets the heap (default 6g).
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/bench-java.sh"
NIGHTS="${1:-250}"
TABLES="${2:-20}"
DIR="${3:-$BENCH_ROOT/bench-work/ledger}"
rm -rf "$DIR"
mkdir -p "$DIR"
run_bench LedgerBench "$NIGHTS" "$TABLES" "$DIR"
