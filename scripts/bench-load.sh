#!/usr/bin/env bash
# The load benchmark: generated data, measured side by side in one run (not a timed test).
#   1. trickle load Parquet -> Delta   vs  a plain Spark Parquet -> Parquet copy   (goal <= 1.15x),
#      and the same load with Delta's file statistics on the key only (a target.properties trade-off)
#   2. trickle load PostgreSQL -> Delta vs COPY (SELECT ...) TO STDOUT (FORMAT binary) into a
#      null sink, in rows/s                                                        (goal >= 0.8x)
# Usage: scripts/bench-load.sh [PARQUET_ROWS (5000000)] [PG_ROWS (5000000; 0 skips PostgreSQL)]
# Work files go to bench-work/load/ (deleted first). Record the figures in docs/BENCHMARKS.md.
# TRICKLE_LOG_CONF names another log4j2 file (e.g. one with dev.trickle at DEBUG, which logs each step's duration).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bench-java.sh"
run_bench LoadBench "$BENCH_ROOT/bench-work/load" "${1:-5000000}" "${2:-5000000}"
