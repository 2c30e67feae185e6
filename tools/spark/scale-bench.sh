#!/usr/bin/env bash
# eval/SCALE.md's figures: the same label run in one JVM, on local[2] and on a 2-worker standalone
# cluster (tools/spark/local-cluster.sh), over N copies of the 27 photos; each twice; outputs compared.
#   tools/spark/scale-bench.sh MODEL [COPIES=76] [extra label options]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
model="$1"; copies="${2:-76}"; shift; [ $# -gt 0 ] && shift
dir="target/scale"
rm -rf "$dir"; mkdir -p "$dir/images"
for c in $(seq -w 1 "$copies"); do
  for f in datasets/coco-sample/images/*; do ln "$f" "$dir/images/c${c}_$(basename "$f")"; done
done
n=$(ls "$dir/images" | wc -l)
common=(--model "$model" --images "$dir/images" --format coco,voc,yolo,labelstudio "$@")
secs() { grep -o 'in [0-9.]* s' | head -1 | tr -dc '0-9.'; }
tools/spark/local-cluster.sh start 2 1 2g >/dev/null
trap 'tools/spark/local-cluster.sh stop >/dev/null' EXIT
echo "| run | try | labelling (s) | images/s | whole command (s) | output |"
echo "|---|---|---|---|---|---|"
for try in 1 2; do
  for how in one local2 cluster; do
    out="$dir/$how"; rm -rf "$out"
    t0=$(date +%s.%N)
    case $how in
      one) log=$(./heatbox label "${common[@]}" --out "$out" 2>&1) ;;
      local2) log=$(./heatbox label "${common[@]}" --out "$out" --spark 'local[2]' 2>&1) ;;
      cluster) log=$(tools/spark/local-cluster.sh submit "${common[@]}" --out "$out" \
        --spark-conf spark.executor.cores=1 --spark-conf spark.executor.memory=1g 2>&1) ;;
    esac
    t1=$(date +%s.%N)
    s=$(echo "$log" | grep '^labelled' | secs)
    same="-"; [ "$how" != one ] && { diff -rq "$dir/one" "$out" >/dev/null && same="identical to 1 JVM" || same="DIFFERS"; }
    printf "| %s | %d | %s | %.1f | %.1f | %s |\n" "$how" "$try" "$s" "$(echo "$n / $s" | bc -l)" "$(echo "$t1 - $t0" | bc -l)" "$same"
  done
done
echo "($n images, model $model, $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))"
