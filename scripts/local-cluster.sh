#!/usr/bin/env bash
# A real Spark standalone cluster on this machine, from the jars Maven fetched (no Spark install):
# one master and N one-core workers, all bound to 127.0.0.1.
#
#   scripts/local-cluster.sh start [--dir DIR] [--port 7077] [--ui-port 8080] [--workers 2] [--worker-memory 2g]
#   scripts/local-cluster.sh stop  [--dir DIR]
#
# Then: scripts/trickle load -c conf/examples/parquet.conf --master spark://127.0.0.1:7077
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ACTION="${1:-}"; shift || true
DIR="$ROOT/cluster-work"; PORT=7077; UI_PORT=8080; WORKERS=2; WORKER_MEMORY=2g
while (($#)); do
  case "$1" in
    --dir) DIR="$2"; shift 2 ;;
    --port) PORT="$2"; shift 2 ;;
    --ui-port) UI_PORT="$2"; shift 2 ;;
    --workers) WORKERS="$2"; shift 2 ;;
    --worker-memory) WORKER_MEMORY="$2"; shift 2 ;;
    *) echo "local-cluster: unknown option $1" >&2; exit 2 ;;
  esac
done

stop() {
  for pid_file in "$DIR"/*.pid; do
    [[ -f "$pid_file" ]] || continue
    kill "$(cat "$pid_file")" 2>/dev/null || true
    rm -f "$pid_file"
  done
}

start() {
  local cp_files=("$ROOT/jobs/target/spark-classpath-provided.txt" "$ROOT/jobs/target/spark-classpath-runtime.txt")
  if [[ ! -f "${cp_files[0]}" || ! -f "${cp_files[1]}" || ! -f "$ROOT/jobs/target/trickle.jar" ]]; then
    (cd "$ROOT" && mvn -q -B -Dstyle.color=never -DskipTests package) >&2
  fi
  mkdir -p "$DIR/spark-home/jars"
  # SPARK_HOME is a folder whose jars/ holds Spark's runtime classpath: workers build executor
  # command lines from it.
  tr ":" "\n" < <(cat "${cp_files[0]}"; echo; cat "${cp_files[1]}"; echo) | while read -r jar; do
    [[ -n "$jar" ]] && ln -sf "$jar" "$DIR/spark-home/jars/$(basename "$jar")"
  done
  mapfile -t flags < <(grep -v '^\s*#' "$ROOT/conf/jvm.options" | grep -v '^\s*$')
  export SPARK_HOME="$DIR/spark-home" SPARK_SCALA_VERSION=2.13 SPARK_LOCAL_IP=127.0.0.1 SPARK_MASTER_HOST=127.0.0.1
  local cp="$DIR/spark-home/jars/*"
  nohup java "${flags[@]}" -Xmx512m -cp "$cp" org.apache.spark.deploy.master.Master \
    --host 127.0.0.1 --port "$PORT" --webui-port "$UI_PORT" > "$DIR/master.log" 2>&1 &
  echo $! > "$DIR/master.pid"
  wait_for "$DIR/master.log" "Starting Spark master" 1
  for ((i = 1; i <= WORKERS; i++)); do
    mkdir -p "$DIR/work-$i"
    nohup java "${flags[@]}" -Xmx512m -cp "$cp" org.apache.spark.deploy.worker.Worker \
      --host 127.0.0.1 --cores 1 --memory "$WORKER_MEMORY" --work-dir "$DIR/work-$i" --webui-port 0 \
      "spark://127.0.0.1:$PORT" > "$DIR/worker-$i.log" 2>&1 &
    echo $! > "$DIR/worker-$i.pid"
  done
  wait_for "$DIR/master.log" "Registering worker" "$WORKERS"
  echo "local-cluster: spark://127.0.0.1:$PORT with $WORKERS worker(s); UI http://127.0.0.1:$UI_PORT; logs in $DIR"
}

# Waits until a log holds a line at least N times, or fails after 60 s.
wait_for() {
  local log="$1" text="$2" count="$3"
  for _ in $(seq 1 120); do
    if [[ "$(grep -c "$text" "$log" 2>/dev/null || true)" -ge "$count" ]]; then
      return 0
    fi
    sleep 0.5
  done
  echo "local-cluster: gave up waiting for '$text' in $log" >&2
  tail -20 "$log" >&2
  stop
  exit 3
}

case "$ACTION" in
  start) mkdir -p "$DIR"; stop; start ;;
  stop) stop; echo "local-cluster: stopped" ;;
  *) echo "usage: scripts/local-cluster.sh start|stop [--dir DIR] [--port N] [--ui-port N] [--workers N] [--worker-memory 2g]" >&2; exit 2 ;;
esac
