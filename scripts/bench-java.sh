# Sourced by the bench scripts: run_bench CLASS ARGS... builds the jar when sources changed, then
# runs dev.trickle.jobs.bench.CLASS in one JVM with Spark's module flags, under the site defaults a
# local scripts/trickle run uses (shuffle partitions, Delta log replay tasks).
# TRICKLE_MEMORY sets the heap (default 6g); TRICKLE_LOG_CONF names another log4j2 file (e.g. one
# with dev.trickle at DEBUG, which logs each step's duration); BENCH_JAVA_OPTS adds JVM flags.
BENCH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

run_bench() {
  local class="$1"
  shift
  "$BENCH_ROOT/scripts/trickle" --version >/dev/null # builds the jar when sources changed
  export TRICKLE_DEFAULTS="${TRICKLE_DEFAULTS-$BENCH_ROOT/conf/application.conf}"
  local jvm_flags extra cp
  mapfile -t jvm_flags < <(grep -v '^\s*#' "$BENCH_ROOT/conf/jvm.options" | grep -v '^\s*$')
  # shellcheck disable=SC2206
  extra=(${BENCH_JAVA_OPTS:-})
  cp="$BENCH_ROOT/jobs/target/trickle.jar:$(cat "$BENCH_ROOT/jobs/target/spark-classpath-provided.txt")"
  cp="$cp:$(cat "$BENCH_ROOT/jobs/target/spark-classpath-runtime.txt")"
  exec java "${jvm_flags[@]}" -Xmx"${TRICKLE_MEMORY:-6g}" "${extra[@]}" \
    -Dlog4j2.configurationFile="${TRICKLE_LOG_CONF:-$BENCH_ROOT/conf/log4j2.properties}" \
    -cp "$cp" "dev.trickle.jobs.bench.$class" "$@"
}
