#!/usr/bin/env bash
# A Spark standalone cluster on this machine's loopback, made of the jars Maven resolved for Heatbox
# (no Spark download): one master, N workers, each its own JVM. For trying `label --spark` against a
# real cluster, and for eval/SCALE.md. Logs and pids in target/spark-cluster/.
#
#   tools/spark/local-cluster.sh start [WORKERS=2] [CORES_PER_WORKER=1] [MEMORY_PER_WORKER=2g]
#   tools/spark/local-cluster.sh submit --model M --images PATH --out DIR [label options]   # spark-submit's way in
#   tools/spark/local-cluster.sh stop
#
# `start` prints the master URL (spark://127.0.0.1:7077; MASTER_PORT to change). `submit` runs
# org.apache.spark.deploy.SparkSubmit (what the spark-submit script runs) with dev.heatbox.spark.SparkLabel.
# Workers find Heatbox's classes in target/spark-home/jars, as a cluster with Heatbox's jars installed
# would; on a real cluster, submit target/heatbox.jar with --jars listing target/classpath.txt's jars.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
state="$root/target/spark-cluster"
home="$root/target/spark-home"
port="${MASTER_PORT:-7077}"
mapfile -t opens < "$root/tools/spark/java17-opens.txt"   # what spark-submit adds on Java 17
export SPARK_HOME="$home" SPARK_LOCAL_IP=127.0.0.1 SPARK_SCALA_VERSION=2.13 DJL_OFFLINE=true

make_home() {
  [ -f "$root/target/heatbox.jar" ] && [ -f "$root/target/classpath-spark.txt" ] || (cd "$root" && mvn -B -q -DskipTests package)
  rm -rf "$home"; mkdir -p "$home/jars"
  i=0
  for j in "$root/target/heatbox.jar" $(tr ':' ' ' < "$root/target/classpath.txt") $(tr ':' ' ' < "$root/target/classpath-spark.txt"); do
    ln -s "$j" "$home/jars/$i-$(basename "$j")"; i=$((i + 1))
  done
}

daemon() { # name, class, args...
  local name="$1"; shift
  nohup java -Xmx512m -cp "$home/jars/*" "${opens[@]}" "$@" > "$state/$name.log" 2>&1 &
  echo $! > "$state/$name.pid"
}

case "${1:-}" in
  start)
    workers="${2:-2}"; cores="${3:-1}"; mem="${4:-2g}"
    mkdir -p "$state"; make_home
    daemon master org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$port" --webui-port 0
    for _ in $(seq 1 100); do (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.2; done
    for w in $(seq 1 "$workers"); do
      daemon "worker$w" org.apache.spark.deploy.worker.Worker "spark://127.0.0.1:$port" --host 127.0.0.1 --port 0 \
        --webui-port 0 --cores "$cores" --memory "$mem" --work-dir "$state/work$w"
    done
    sleep 3
    echo "spark://127.0.0.1:$port ($workers workers x $cores cores; logs in $state)"
    ;;
  submit)
    shift
    exec java -Xmx4g -cp "$home/jars/*" "${opens[@]}" -Dai.djl.offline=true org.apache.spark.deploy.SparkSubmit \
      --master "spark://127.0.0.1:$port" --conf spark.driver.host=127.0.0.1 --conf spark.driver.bindAddress=127.0.0.1 \
      --class dev.heatbox.spark.SparkLabel "$root/target/heatbox.jar" "$@"
    ;;
  stop)
    for f in "$state"/*.pid; do
      [ -f "$f" ] || continue
      pid="$(cat "$f")"
      pkill -9 -P "$pid" 2>/dev/null || true   # a worker's executors
      kill -9 "$pid" 2>/dev/null || true
      rm -f "$f"
    done
    echo "stopped"
    ;;
  *) sed -n '2,13p' "$0"; exit 2 ;;
esac
