#!/usr/bin/env bash
# The consumer examples, as CI runs them: publish modelparity to the local Maven
# repository, build a Maven project and a Gradle project that name it by its coordinates
# alone, run both on JDK 17 and JDK 25, and check that every line they print equals what
# python -m python.predict --top 3 prints for the same pictures (labels and six-decimal
# probabilities byte-identical), for the onnx and the savedmodel artifacts of the selfie
# model and of a user's RGB model of four classes (MobileNetV3Small, tests/usermodels.py:
# $MODELPARITY_RGB_ARTIFACTS, else the test suite's export in $MODELPARITY_TEST_CACHE, else made here,
# about two minutes), on its own pictures. Then the Maven
# project without its SavedModel runtime, as a user who runs only ONNX files has it: its jars
# measured against the full set, onnx equal to python.predict, and the SavedModel refused in
# one line that names the dependency to add. Last, on the RGB model: a Node project on the
# JavaScript package (examples/node-consumer) and the HTTP service through curl and stock
# tritonclient (examples/http-client), each against python.predict.
#
# Pictures: the seed data's test split when it is there (../shared/..., or $MODELPARITY_SEED_DATA;
# "none" hides it), else the tests fixture's odd pictures made under build/examples.
# JDK 25: $MODELPARITY_JDK25 (default /usr/lib/jvm/temurin-25-jdk-amd64); JDK 17: the `java` on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=build/examples
rm -rf "$work"
mkdir -p "$work"
export TF_CPP_MIN_LOG_LEVEL=${TF_CPP_MIN_LOG_LEVEL:-2}

jdk17=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
jdk25=${MODELPARITY_JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}
"$jdk17/bin/java" -version 2>&1 | grep -q '"17' || { echo "examples: the java on PATH is not JDK 17 ($jdk17)" >&2; exit 1; }
[ -x "$jdk25/bin/java" ] || { echo "examples: no JDK 25 at $jdk25 (set MODELPARITY_JDK25)" >&2; exit 1; }

version=$(sed -n "s/^version = '\(.*\)'$/\1/p" gradle/java-module.gradle)
[ -n "$version" ] || { echo "examples: no version in gradle/java-module.gradle" >&2; exit 1; }
echo "examples: gradle publishToMavenLocal (io.github.modelparity:modelparity and modelparity-tensorflow:$version)"
gradle -q publishToMavenLocal
[ -f artifacts/manifest.json ] || python -m python.export --quantize --quiet

seed=${MODELPARITY_SEED_DATA:-../shared/datasets/selfie-or-not/thumbnails-40}
if [ "$seed" != none ] && [ -d "$seed/test" ]; then
  mapfile -t pictures < <(find "$seed/test" -type f | sort)
  echo "examples: ${#pictures[@]} pictures of the seed test split"
else
  python -c "import sys; from tests.oddpictures import make_odd_pictures; make_odd_pictures(sys.argv[1])" "$work/pictures"
  mapfile -t pictures < <(find "$work/pictures" -type f | sort)
  echo "examples: ${#pictures[@]} odd pictures made by tests.oddpictures (no seed data)"
fi

echo "examples: Maven project (Debian's mvn), library by coordinates from ~/.m2"
maven=examples/maven-consumer
# Plugins and third-party jars come from Maven Central once; then the build runs offline.
(cd "$maven" && mvn -B -q -Dstyle.color=never -Dmodelparity.version="$version" dependency:go-offline >/dev/null)
(cd "$maven" && mvn -B -q -o -Dstyle.color=never -Dmodelparity.version="$version" compile dependency:build-classpath \
    -Dmdep.outputFile=target/classpath.txt)
maven_cp="$root/$maven/target/classes:$(cat "$maven/target/classpath.txt")"
# The same project as an ONNX-only user has it: the profile that adds the SavedModel runtime off.
(cd "$maven" && mvn -B -q -o -Dstyle.color=never -Dmodelparity.version="$version" -P '!tensorflow' \
    dependency:build-classpath -Dmdep.outputFile=target/classpath-onnx-only.txt >/dev/null)
onnx_only_cp="$root/$maven/target/classes:$(cat "$maven/target/classpath-onnx-only.txt")"
jar_bytes() { tr ':' '\n' <"$1" | xargs du -cb | tail -1 | cut -f1; }
echo "examples: the consumer's dependency jars: $(jar_bytes "$maven/target/classpath.txt") bytes with the SavedModel runtime," \
  "$(jar_bytes "$maven/target/classpath-onnx-only.txt") bytes ONNX only"
if grep -q tensorflow "$maven/target/classpath-onnx-only.txt"; then
  echo "examples: FAIL the ONNX-only classpath has TensorFlow jars" >&2; exit 1
fi

echo "examples: Gradle project (gradle $(gradle --version 2>/dev/null | awk '/^Gradle/{print $2}')), offline"
gradle -q --offline -p examples/gradle-consumer -PmodelparityVersion="$version" installDist
gradle_bin=examples/gradle-consumer/build/install/gradle-consumer/bin/gradle-consumer

# A user's RGB model of four classes, and its pictures (large JPEGs among them).
rgb=${MODELPARITY_RGB_ARTIFACTS:-${MODELPARITY_TEST_CACHE:-build/test-cache}/usermodels/mobilenet_v3_small/artifacts}
if [ ! -f "$rgb/manifest.json" ]; then
  echo "examples: training and exporting the RGB test model (tests/usermodels.py mobilenet_v3_small)"
  python -m tests.usermodels "$work/usermodels" --only mobilenet_v3_small >/dev/null
  mapfile -t flags < <(python -c "import json, sys; print('\n'.join(json.load(open(sys.argv[1]))['flags']))" \
    "$work/usermodels/mobilenet_v3_small/export.json")
  rgb=$work/usermodels/mobilenet_v3_small/artifacts
  python -m python.export "${flags[@]}" --quiet --out "$rgb"
fi
mapfile -t rgb_pictures < <(find "$(dirname "$rgb")/data" -type f | sort)
echo "examples: RGB model of $(python -c "import json, sys; print(len(json.load(open(sys.argv[1]))['labels']))" \
  "$rgb/manifest.json") classes at $rgb, ${#rgb_pictures[@]} of its pictures"

failed=0
check() { # name expected-file command...
  local name=$1 expected=$2
  shift 2
  if ! "$@" >"$work/$name.out" 2>"$work/$name.err"; then
    echo "examples: FAIL $name: exit status $?"; cat "$work/$name.err"; failed=1; return
  fi
  # Native access not granted: JDK 24+ warns "A restricted method ... has been called".
  if grep -q "restricted method\|enable-native-access" "$work/$name.err"; then
    echo "examples: FAIL $name: native access warnings"; cat "$work/$name.err"; failed=1; return
  fi
  if ! diff -q "$expected" "$work/$name.out" >/dev/null; then
    echo "examples: FAIL $name differs from python.predict:"; diff "$expected" "$work/$name.out" | head; failed=1; return
  fi
  echo "examples: ok $name: $(wc -l <"$work/$name.out") lines identical to python.predict"
}

consume() { # model-name artifacts pictures...
  local model=$1 folder=$2
  shift 2
  for format in onnx savedmodel; do
    local expected="$work/python-$model-$format.txt"
    python -m python.predict --artifacts "$folder" --format "$format" --top 3 "$@" >"$expected"
    [ "$(wc -l <"$expected")" -eq "$#" ]
    for jdk in 17 25; do
      home=$([ $jdk = 17 ] && echo "$jdk17" || echo "$jdk25")
      check "maven-jdk$jdk-$model-$format" "$expected" \
        "$home/bin/java" --enable-native-access=ALL-UNNAMED -cp "$maven_cp" example.ClassifyPictures \
        "$format" "$folder" "$@"
      check "gradle-jdk$jdk-$model-$format" "$expected" \
        env JAVA_HOME="$home" "$gradle_bin" "$format" "$folder" "$@"
    done
  done
}
consume selfie artifacts "${pictures[@]}"
consume rgb4 "$rgb" "${rgb_pictures[@]}"
head -3 "$work/python-rgb4-onnx.txt" | sed 's/^/examples: rgb4 onnx: /'
# ONNX only: the onnx artifact as python.predict; the SavedModel refused in one line that
# names the module to add, exit status 2, no stack trace.
check "maven-onnx-only-jdk17-onnx" "$work/python-selfie-onnx.txt" \
  "$jdk17/bin/java" --enable-native-access=ALL-UNNAMED -cp "$onnx_only_cp" example.ClassifyPictures \
  onnx artifacts "${pictures[@]}"
status=0
"$jdk17/bin/java" --enable-native-access=ALL-UNNAMED -cp "$onnx_only_cp" example.ClassifyPictures \
  savedmodel artifacts "${pictures[0]}" >"$work/onnx-only-savedmodel.out" 2>"$work/onnx-only-savedmodel.err" || status=$?
if [ $status -eq 2 ] && [ "$(wc -l <"$work/onnx-only-savedmodel.err")" -eq 1 ] \
    && grep -q "add the dependency io.github.modelparity:modelparity-tensorflow:$version" "$work/onnx-only-savedmodel.err"; then
  echo "examples: ok ONNX only, savedmodel refused: $(cat "$work/onnx-only-savedmodel.err")"
else
  echo "examples: FAIL ONNX only, savedmodel: exit status $status"; cat "$work/onnx-only-savedmodel.err"; failed=1
fi

# The JavaScript package in a user's Node project (examples/node-consumer, the package by
# file:), and the HTTP service through curl and stock tritonclient (examples/http-client),
# on the RGB model.
echo "examples: Node project, the js/ package installed by npm from the checkout"
(cd examples/node-consumer && ONNXRUNTIME_NODE_INSTALL=skip npm install --no-audit --no-fund \
    --no-package-lock --loglevel=error >/dev/null)
check "node-rgb4-onnx" "$work/python-rgb4-onnx.txt" node examples/node-consumer/classify.mjs "$rgb" "${rgb_pictures[@]}"

echo "examples: HTTP clients (curl, tritonclient) against modelparity-java serve, the RGB model"
build/install/modelparity-java/bin/modelparity-java serve --artifacts "$rgb" --port 0 >"$work/serve.out" 2>&1 &
serve_pid=$!
trap 'kill "$serve_pid" 2>/dev/null || true' EXIT
for _ in $(seq 150); do grep -q "http://" "$work/serve.out" && break; sleep 0.2; done
url=$(grep -o "http://[0-9.:]*" "$work/serve.out" | head -1)
cut -f1-3 "$work/python-rgb4-onnx.txt" >"$work/python-rgb4-onnx-3.txt"
check "tritonclient-rgb4" "$work/python-rgb4-onnx-3.txt" \
  python examples/http-client/triton_client.py "$url" "$(basename "$rgb")" "${rgb_pictures[@]}"
# curl names each picture by its file name: python.predict's lines with the folders cut off.
awk -F'\t' -v OFS='\t' '{n = split($1, part, "/"); print part[n], $2, $3}' \
  "$work/python-rgb4-onnx-3.txt" >"$work/python-rgb4-onnx-names.txt"
curl_lines() { bash examples/http-client/classify.sh "$@" | python -c 'import json, sys
for line in sys.stdin:
    d = json.loads(line)
    print("%s\t%s\t%.6f" % (d["path"], d["label"], d["probability"]))'; }
check "curl-rgb4" "$work/python-rgb4-onnx-names.txt" curl_lines "$url" "${rgb_pictures[@]}"
kill "$serve_pid"

[ $failed -eq 0 ] || { echo "examples: some runs failed" >&2; exit 1; }
echo "examples: all consumer runs equal python.predict --top 3 on JDK 17 and JDK 25, the selfie model and an RGB model of four classes; Node, curl and tritonclient on the RGB model"
