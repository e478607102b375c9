#!/usr/bin/env bash
# Write dist/: what a user installs, each file with its SHA-256 in dist/SHA256SUMS.
#
#   dist/python/   the wheel and the sdist (pip install dist/python/*.whl)
#   dist/maven/    a Maven repository: both jars with their POMs, sources and javadoc
#   dist/npm/      the npm tarball (npm install dist/npm/*.tgz)
#   dist/java/     the Java commands' distribution (bin/ and lib/), a .tar
#
# tests/test_release.py installs each as a user would, in a fresh place.
set -euo pipefail
cd "$(dirname "$0")"
say() { echo "release.sh: $*" >&2; }
rm -rf dist
mkdir -p dist/python dist/npm dist/java

say "the Python wheel and sdist"
python3 -m build --outdir dist/python . >/dev/null
say "the Maven repository (gradle publishToMavenLocal, into dist/maven)"
# Debian's Gradle 4.4.1 has no connector for a file:// repository, so the release is
# published as to ~/.m2, at another place: the same layout, POMs, sources and javadoc.
gradle -q publishToMavenLocal -Dmaven.repo.local="$PWD/dist/maven"
say "the Java commands' distribution"
gradle -q :tools:distTar
cp build/tools/distributions/*.tar dist/java/
say "the npm tarball"
(cd js && npm pack --silent --pack-destination ../dist/npm >/dev/null)

(cd dist && find . -type f ! -name SHA256SUMS -printf '%P\n' | LC_ALL=C sort | xargs sha256sum > SHA256SUMS)
say "dist/ written: $(wc -l < dist/SHA256SUMS) files, sums in dist/SHA256SUMS"
