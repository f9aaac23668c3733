#!/usr/bin/env bash
# What a scheduler runs every night: one sync batch per table, then a reconcile of the tables.
#
#   scripts/nightly-sync.sh -c pipeline.conf [--table T] [--json] [-D key=value ...]
#
# The options go to both commands. Reconcile runs only when sync succeeded for every table, so a
# half-synced lake is not reconciled. Exit code: sync's when it was not 0 (2 bad config, 3 a
# batch failed, 4 a table was locked by another run), otherwise reconcile's (0 every table
# within tolerance, 1 differences beyond tolerance, 2 or 3). With --json each command prints its
# own JSON summary line: sync's first, then reconcile's.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TRICKLE="${TRICKLE:-$ROOT/scripts/trickle}"

"$TRICKLE" sync "$@"
rc=$?
if [[ $rc -ne 0 ]]; then
  echo "nightly-sync: sync exited $rc; reconcile not run" >&2
  exit "$rc"
fi
"$TRICKLE" reconcile "$@"
exit $?
