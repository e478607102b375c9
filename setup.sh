#!/usr/bin/env bash
# Set up a machine for this toolkit, in parts or whole. Safe to run twice.
#
#   ./setup.sh          everything below
#   ./setup.sh python   the Python packages (editable, with the test and jax extras): export,
#                       predict, parity in Python; no root needed
#   ./setup.sh java     a JDK 17 and Debian's Gradle when missing (root: apt-get), Maven and
#                       wrk (the Maven example, the HTTP benchmark), pyspark for the Spark
#                       job's standalone cluster; then the Java commands (gradle installDist)
#   ./setup.sh js       Node 20+ and Debian's Chromium when missing (root: apt-get), then js/'s
#                       npm packages
#
# Only apt-get needs root, and only for what is missing; it runs through sudo when you are not
# root, and each part says what it installs first.
set -euo pipefail
cd "$(dirname "$0")"

say() { echo "setup.sh: $*" >&2; }

# apt-get install PACKAGES, once, as root (sudo when not root); refused plainly without apt-get.
apt_install() {
  if ! command -v apt-get >/dev/null 2>&1; then
    say "no apt-get here: install $* yourself"
    return 1
  fi
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  say "installing $* with apt-get${sudo:+ (through sudo: system packages need root)}"
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

part_python() {
  # jax: the tests train under KERAS_BACKEND=jax too (python -m python.training is
  # backend-neutral).
  python3 -m pip install --quiet --disable-pip-version-check -e ".[test,jax]"
  say "python ready ($(python3 --version))"
}

part_java() {
  local wanted=()
  command -v javac >/dev/null 2>&1 || wanted+=(openjdk-17-jdk-headless)
  command -v gradle >/dev/null 2>&1 || wanted+=(gradle)
  # Maven for the Maven consumer example (examples/run-examples.sh); wrk, the load generator
  # of python -m python.bench.serve.
  command -v mvn >/dev/null 2>&1 || wanted+=(maven)
  command -v wrk >/dev/null 2>&1 || wanted+=(wrk)
  [ ${#wanted[@]} -eq 0 ] || apt_install "${wanted[@]}" || true
  # Spark for the Spark job's CI step (spark-class and spark-submit run a standalone cluster):
  # the same version as java/spark/build.gradle's sparkVersion.
  python3 -m pip install --quiet --disable-pip-version-check pyspark==4.1.3
  # The Java consumer: its jars from Maven Central, the commands, and the classpath file that
  # the Python parity suite starts its JVM workers on.
  gradle -q installDist writeClasspath
  say "java ready ($(javac -version 2>&1), gradle $(gradle --version 2>/dev/null | awk '/^Gradle/{print $2}'))"
}

part_js() {
  # Debian's Chromium for the browser tests (Playwright's own browser download is not used:
  # playwright-core drives this one).
  local wanted=()
  command -v npm >/dev/null 2>&1 || wanted+=(nodejs npm)
  command -v chromium >/dev/null 2>&1 || wanted+=(chromium)
  [ ${#wanted[@]} -eq 0 ] || apt_install "${wanted[@]}" || true
  if ! command -v npm >/dev/null 2>&1; then
    say "no npm: the JavaScript package and its tests are skipped (install Node 20+)"
    return 0
  fi
  # onnxruntime-node's install step would fetch CUDA binaries from outside the npm registry;
  # its CPU binaries ship in the package. ONNXRUNTIME_NODE_INSTALL=skip is its documented switch.
  ONNXRUNTIME_NODE_INSTALL=skip npm ci --prefix js --no-audit --no-fund --loglevel=error
  say "js ready (node $(node --version), $(chromium --version 2>/dev/null || echo 'no chromium'))"
}

parts=("$@")
[ ${#parts[@]} -gt 0 ] || parts=(python java js)
for part in "${parts[@]}"; do
  case "$part" in
    python | java | js) "part_$part" ;;
    *) say "unknown part '$part': python, java or js (none: all three)"; exit 2 ;;
  esac
done
