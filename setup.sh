#!/usr/bin/env bash
# Set up a fresh machine: Python packages (editable install, test and jax extras), when missing
# a JDK and Debian's Gradle for the Java consumer, Node's packages for js/ and Debian's
# Chromium for its browser tests. Safe to run twice.
set -euo pipefail
cd "$(dirname "$0")"
# jax: the tests train under KERAS_BACKEND=jax too (python -m python.training is backend-neutral).
python3 -m pip install --quiet --disable-pip-version-check -e ".[test,jax]"
# Spark for the Spark job's CI step (spark-class and spark-submit run a standalone cluster):
# the same version as java/spark/build.gradle's sparkVersion.
python3 -m pip install --quiet --disable-pip-version-check pyspark==4.1.3
if ! command -v gradle >/dev/null 2>&1 || ! command -v javac >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq gradle openjdk-17-jdk-headless >/dev/null
  else
    echo "setup.sh: install a JDK (11+) and Gradle yourself; no apt-get here" >&2
  fi
fi
# Debian's Maven, for the Maven consumer example (examples/run-examples.sh), and wrk, the load
# generator of python -m python.bench.serve.
if command -v apt-get >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  wanted=()
  command -v mvn >/dev/null 2>&1 || wanted+=(maven)
  command -v wrk >/dev/null 2>&1 || wanted+=(wrk)
  if [ ${#wanted[@]} -gt 0 ]; then
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq "${wanted[@]}" >/dev/null
  fi
fi
# The JavaScript package (js/): Node 20+ with npm, and Debian's Chromium for the browser
# tests (Playwright's own browser download is not used: playwright-core drives this one).
if command -v apt-get >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  missing=()
  command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  if [ ${#missing[@]} -gt 0 ]; then
    $SUDO apt-get update -qq
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
fi
if command -v npm >/dev/null 2>&1; then
  # onnxruntime-node's install step would fetch CUDA binaries from outside the npm registry;
  # its CPU binaries ship in the package. ONNXRUNTIME_NODE_INSTALL=skip is its documented switch.
  ONNXRUNTIME_NODE_INSTALL=skip npm ci --prefix js --no-audit --no-fund --loglevel=error
else
  echo "setup.sh: no npm: the JavaScript package and its tests are skipped (install Node 20+)" >&2
fi
# The Java consumer: its jars from Maven Central, the CLI, and the classpath file that
# the Python parity suite starts its JVM workers on.
gradle -q installDist writeClasspath
echo "setup.sh: ready ($(python3 --version), $(javac -version 2>&1), gradle $(gradle --version 2>/dev/null | awk '/^Gradle/{print $2}'), node $(node --version 2>/dev/null || echo none), $(chromium --version 2>/dev/null || echo 'no chromium'))"
