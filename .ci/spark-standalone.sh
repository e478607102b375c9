#!/usr/bin/env bash
# CI: a real Spark standalone cluster on localhost (one master, two workers of one core each,
# started with pyspark's spark-class), the job submitted with spark-submit and the
# application jar, the artifacts shipped with --archives; every row checked against
# python -m python.predict, then the cluster stopped. Loopback only; ends by itself
# (a watchdog stops everything after SPARK_CI_TIMEOUT seconds, default 240).
# Needs: artifacts/ (python -m python.export), pyspark (setup.sh installs it), a JDK 17.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
limit=${SPARK_CI_TIMEOUT:-240}
started=$(date +%s)
say() { echo "spark-standalone: $*"; }

SPARK_HOME=$(python -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))')
export SPARK_HOME
export SPARK_LOCAL_IP=127.0.0.1          # every server and web UI binds to loopback
export SPARK_LOCAL_HOSTNAME=127.0.0.1
work=$(mktemp -d "${TMPDIR:-/tmp}/modelparity-spark-ci.XXXXXX")
export SPARK_CONF_DIR=$work/conf SPARK_LOG_DIR=$work/logs SPARK_PID_DIR=$work
mkdir -p "$SPARK_CONF_DIR" "$SPARK_LOG_DIR"
cp java/spark/src/launcher/spark-log4j2.properties "$SPARK_CONF_DIR/log4j2.properties"

pids=()
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  [ -n "${SPARK_CI_KEEP:-}" ] && echo "spark-standalone: kept $work" || rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'say "stopped (signal)"; exit 124' INT TERM
( trap 'kill "$nap" 2>/dev/null; exit 0' TERM; sleep "$limit" & nap=$!; wait "$nap"
  say "timed out after $limit s"; kill -TERM $$ ) 2>/dev/null &
pids+=($!)

free_port() { python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
master_port=$(free_port); master_ui=$(free_port)
aliveworkers() {
  python - "$master_ui" <<'EOF' 2>/dev/null || echo 0
import json, sys, urllib.request
print(json.load(urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/json/", timeout=2))["aliveworkers"])
EOF
}

# The job's application jar (Spark not inside: the cluster provides it).
gradle -q :spark:applicationJar
jar=$(ls build/spark/libs/modelparity-spark-*-all.jar)

"$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.master.Master \
  --host 127.0.0.1 --port "$master_port" --webui-port "$master_ui" >"$SPARK_LOG_DIR/master.log" 2>&1 &
pids+=($!)
for n in 1 2; do
  "$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.worker.Worker "spark://127.0.0.1:$master_port" \
    --host 127.0.0.1 --port "$(free_port)" --webui-port "$(free_port)" --cores 1 --memory 1g \
    --work-dir "$work/worker$n" >"$SPARK_LOG_DIR/worker$n.log" 2>&1 &
  pids+=($!)
done
until [ "$(aliveworkers)" = 2 ]; do sleep 1; done
say "master spark://127.0.0.1:$master_port with 2 workers (1 core, 1g each) up after $(( $(date +%s) - started )) s"

# Pictures: the seed data's test split, read in place (else pictures made here), plus broken files.
seed=${MODELPARITY_SEED_DATA:-../shared/datasets/selfie-or-not/thumbnails-40}
mkdir -p "$work/broken" "$work/made"
if [ "$seed" != none ] && [ -d "$seed/test" ]; then
  good=$(cd "$seed/test" && pwd)
else
  good=$work/made
  python - "$good" <<'EOF'
import sys
import numpy as np
from PIL import Image
rng = np.random.default_rng(0)
for i in range(40):
    Image.fromarray(rng.integers(0, 256, (30 + i, 50 - i // 2, 3), dtype=np.uint8)).save(f"{sys.argv[1]}/made {i}.png")
EOF
fi
first=$(find "$good" -name '*.png' | sort | sed -n 1p)
: > "$work/broken/empty.png"
head -c "$(( $(stat -c %s "$first") / 2 ))" "$first" > "$work/broken/truncated.png"
echo "not a picture" > "$work/broken/text.jpg"

# Artifacts to the executors: the manifest and the ONNX model, unpacked as ./artifacts beside each.
tar -C artifacts -czf "$work/artifacts.tgz" manifest.json model.onnx
submitted=$(date +%s)
"$SPARK_HOME/bin/spark-submit" --master "spark://127.0.0.1:$master_port" --deploy-mode client \
  --class io.github.modelparity.spark.ClassifyPictures --total-executor-cores 2 --executor-memory 1g \
  --archives "$work/artifacts.tgz#artifacts" \
  --conf spark.ui.enabled=false --conf spark.driver.host=127.0.0.1 --conf spark.driver.bindAddress=127.0.0.1 \
  "$jar" --artifacts artifacts --input "$good" "$work/broken" --output "$work/out" --output-format json \
  2> >(grep -v ' WARN ' >&2) &
pids+=($!)
wait $!   # in the background, so that the watchdog's TERM is handled at once
say "spark-submit finished in $(( $(date +%s) - submitted )) s"

# Each worker ran an executor of this application, and found the shipped artifacts there.
for n in 1 2; do
  ls -d "$work/worker$n"/app-*/*/artifacts/model.onnx >/dev/null
done
say "both workers ran an executor, each with the artifacts from --archives"

# Every row against python -m python.predict (its own process, no Spark, no Java).
find "$good" -type f -name '*.png' -print0 | sort -z | xargs -0 python -m python.predict --artifacts artifacts > "$work/predict.tsv"
python - "$work/out" "$work/predict.tsv" "$work/broken" <<'EOF'
import glob, json, sys
import numpy as np
out, tsv, broken = sys.argv[1:]
rows = {}
for part in glob.glob(f"{out}/part-*.json"):
    for line in open(part, encoding="utf-8"):
        r = json.loads(line)
        path = r["path"][len("file:"):] if r["path"].startswith("file:") else r["path"]
        assert path not in rows, f"two rows for {path}"
        rows[path] = r
expected = [line.rstrip("\n").split("\t") for line in open(tsv, encoding="utf-8")]
for path, label, probability in expected:
    r = rows.pop(path)
    got = f"{float(np.float32(r['probability'])):.6f}"
    assert r["error"] is None and (r["label"], got) == (label, probability), (path, r, label, probability)
errors = {p.rsplit("/", 1)[1]: r["error"] for p, r in rows.items()}
assert errors == {"empty.png": "empty file", "truncated.png": "truncated picture",
                  "text.jpg": "not a picture Java can read"}, errors
shas = {r["model_sha256"] for r in rows.values()}
print(f"spark-standalone: {len(expected)} rows equal python.predict's lines (label, probability to 6 decimals); "
      f"error rows: {', '.join(f'{k}: {v}' for k, v in sorted(errors.items()))}; model sha256 {shas.pop()[:12]}...")
EOF
say "done in $(( $(date +%s) - started )) s; stopping the cluster"
