#!/usr/bin/env bash
# Throughput of the Spark job against the command line, side by side, alternating, REPS times
# (default 3): the CLI on one thread, local[1], local[2], and a standalone cluster on localhost
# (master and two one-core workers, spark-submit), over 2,000+ thumbnails (the seed data, read in
# place, plus 500 made here) and over 32 phone-size photos (4000x3000 JPEG, made here from
# scikit-image's sample pictures with noise). Generated pictures go to build/bench/.
# Needs: artifacts/, gradle installDist and :spark:applicationJar, pyspark.
# Prints one line per run and a table of min/median/max pictures/s.
set -euo pipefail
cd "$(dirname "$0")/../.."
reps=${REPS:-3}
seed=${SELFIE_SEED_DATA:-../shared/datasets/selfie-or-not/thumbnails-40}
bench=build/bench
mkdir -p "$bench/thumbs" "$bench/photos"
python - "$bench" <<'EOF'
import sys
from pathlib import Path
import numpy as np
from PIL import Image
from skimage import data
out = Path(sys.argv[1])
if len(list((out / "photos").glob("*.jpg"))) == 32 and len(list((out / "thumbs").glob("*.png"))) == 500:
    sys.exit(0)
rng = np.random.default_rng(0)
srcs = []
for name in ["astronaut", "coffee", "chelsea", "rocket", "immunohistochemistry", "cat", "hubble_deep_field", "camera"]:
    a = getattr(data, name)()
    srcs.append(Image.fromarray(np.stack([a] * 3, -1) if a.ndim == 2 else a[..., :3]))
for i in range(32):
    im = srcs[i % len(srcs)].resize((4000, 3000), Image.BILINEAR)
    if i >= 16:
        im = im.transpose(Image.FLIP_LEFT_RIGHT)
    arr = np.asarray(im).astype(np.int16) + rng.integers(-12, 13, (3000, 4000, 3), dtype=np.int16)
    Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8)).save(out / "photos" / f"photo-{i:02d}.jpg", quality=90)
for i in range(500):
    src = srcs[i % len(srcs)]
    w, h = src.size
    s = int(rng.integers(min(w, h) // 4, min(w, h)))
    x, y = int(rng.integers(0, w - s + 1)), int(rng.integers(0, h - s + 1))
    src.crop((x, y, x + s, y + s)).resize((40, 40), Image.BILINEAR).convert("L").save(out / "thumbs" / f"thumb-{i:03d}.png")
EOF

SPARK_HOME=$(python -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))')
export SPARK_HOME SPARK_LOCAL_IP=127.0.0.1 SPARK_LOCAL_HOSTNAME=127.0.0.1
work=$(mktemp -d "${TMPDIR:-/tmp}/selfie-spark-bench.XXXXXX")
export SPARK_CONF_DIR=$work/conf SPARK_LOG_DIR=$work/logs
mkdir -p "$SPARK_CONF_DIR" "$SPARK_LOG_DIR"
cp java/spark/src/launcher/spark-log4j2.properties "$SPARK_CONF_DIR/log4j2.properties"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  sleep 1
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
master_port=$(free_port); master_ui=$(free_port)
"$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$master_port" \
  --webui-port "$master_ui" >"$SPARK_LOG_DIR/master.log" 2>&1 &
pids+=($!)
for n in 1 2; do
  "$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.worker.Worker "spark://127.0.0.1:$master_port" \
    --host 127.0.0.1 --port "$(free_port)" --webui-port "$(free_port)" --cores 1 --memory 1g \
    --work-dir "$work/worker$n" >"$SPARK_LOG_DIR/worker$n.log" 2>&1 &
  pids+=($!)
done
until python -c "import json,sys,urllib.request; sys.exit(json.load(urllib.request.urlopen('http://127.0.0.1:$master_ui/json/'))['aliveworkers'] != 2)" 2>/dev/null; do sleep 1; done
tar -C artifacts -czf "$work/artifacts.tgz" manifest.json model.onnx
jar=$(ls build/spark/libs/selfie-classify-spark-*-all.jar)
bin=build/install/selfie-classify/bin
# The CLI's JVM, started directly (the same classpath and flags as bin/selfie-classify).
cli() { TF_CPP_MIN_LOG_LEVEL=2 java --enable-native-access=ALL-UNNAMED -cp "build/install/selfie-classify/lib/*" io.github.selfiedeploy.classify.tools.Main "$@"; }

now() { date +%s.%N; }
results=$work/results.tsv
: > "$results"
run_spark() {  # dataset how inputs...
  local dataset=$1 how=$2; shift 2
  local out=$work/out-$how-$dataset log=$work/log
  rm -rf "$out"
  local t0; t0=$(now)
  if [ "$how" = cluster ]; then
    "$SPARK_HOME/bin/spark-submit" --master "spark://127.0.0.1:$master_port" --class io.github.selfiedeploy.classify.spark.ClassifyPictures \
      --total-executor-cores 2 --executor-memory 1g --archives "$work/artifacts.tgz#artifacts" \
      --conf spark.ui.enabled=false "$jar" --artifacts artifacts --input "$@" --output "$out" 2>"$log"
  else
    "$bin/selfie-classify-spark" --master "$how" --artifacts artifacts --input "$@" --output "$out" 2>"$log"
  fi
  local wall; wall=$(echo "$(now) - $t0" | bc)
  # "N pictures (E errors) written to ... in J s, R pictures/s; Spark start-up S s"
  python - "$dataset" "$how" "$wall" "$log" >>"$results" <<'EOF'
import re, sys
dataset, how, wall, log = sys.argv[1:]
m = re.search(r"(\d+) pictures \((\d+) errors\).* in ([\d.]+) s, .*Spark start-up ([\d.]+) s", open(log).read())
n, e, job, start = int(m[1]), int(m[2]), float(m[3]), float(m[4])
assert e == 0, open(log).read()
print(f"{dataset}\t{how}\t{n}\t{job:.2f}\t{start:.2f}\t{float(wall):.2f}\t{n / job:.1f}")
EOF
  tail -1 "$results"
}
run_cli() {  # dataset inputs...
  local dataset=$1; shift
  local files; files=$(find "$@" -type f \( -name '*.png' -o -name '*.jpg' \) | sort)
  local n; n=$(echo "$files" | wc -l)
  local one; one=$(echo "$files" | sed -n 1p)
  local t0; t0=$(now)
  cli --artifacts artifacts "$one" >/dev/null
  local fixed; fixed=$(echo "$(now) - $t0" | bc)   # JVM start, model load, one picture
  t0=$(now)
  # In JVMs of at most 400 pictures each: the CLI's JVM dies with SIGSEGV after about 1,000
  # pictures (seen on main too; see docs/benchmarks.md). Each JVM's fixed cost is subtracted.
  mapfile -t list <<<"$files"
  local chunks=0 i
  for (( i = 0; i < n; i += 400 )); do
    cli --artifacts artifacts "${list[@]:i:400}" >/dev/null
    chunks=$(( chunks + 1 ))
  done
  local wall; wall=$(echo "$(now) - $t0" | bc)
  python -c "import sys; d,n,f,w,c=sys.argv[1:]; n=int(n); f=float(f); w=float(w); c=int(c); print(f'{d}\tcli-1-thread\t{n}\t{w - c * f:.2f}\t{f:.2f}\t{w:.2f}\t{n / (w - c * f):.1f}')" \
    "$dataset" "$n" "$fixed" "$wall" "$chunks" >>"$results"
  tail -1 "$results"
}

echo -e "dataset\thow\tpictures\twork_s\tfixed_s\twall_s\tpictures_per_s"
for rep in $(seq "$reps"); do
  for dataset in thumbnails photos; do
    if [ "$dataset" = thumbnails ]; then inputs=("$seed" "$bench/thumbs"); else inputs=("$bench/photos"); fi
    run_cli "$dataset" "${inputs[@]}"
    for how in 'local[1]' 'local[2]' cluster; do
      run_spark "$dataset" "$how" "${inputs[@]}"
    done
  done
done
python - "$results" <<'EOF'
import statistics, sys
from collections import defaultdict
runs = defaultdict(list)
x_many = lambda n: n >= 1000
for line in open(sys.argv[1]):
    d, how, n, work, fixed, wall, rate = line.rstrip("\n").split("\t")
    runs[(d, how, int(n))].append((float(rate), float(fixed), float(wall)))
print("\n| pictures | route | n | pictures/s min / median / max | fixed start-up s (median) | whole command s (median) |")
print("|---|---|---:|---:|---:|---:|")
for (d, how, n), rs in runs.items():
    rates = sorted(r for r, _, _ in rs)
    f = (lambda x: f"{x:,.0f}") if x_many(n) else (lambda x: f"{x:.2f}")
    print(f"| {d} | {how} | {n} | {f(rates[0])} / {f(statistics.median(rates))} / {f(rates[-1])} "
          f"| {statistics.median(f for _, f, _ in rs):.1f} | {statistics.median(w for _, _, w in rs):.1f} |")
EOF
