"""release.sh's dist/, each part installed as a user would, in a fresh place: the wheel in a
new virtual environment, the Maven repository named by a new Maven project, the npm tarball
in a new Node project, the Java commands' archive unpacked elsewhere (issue 39)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from python.runtimes.js import js_unavailable
from python.runtimes.jvm import java_unavailable
from tests.conftest import ROOT, require, run_module
from tests.pictures import make_folder

DIST = ROOT / "dist"
VERSION = "0.1.0"
POM = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>example</groupId><artifactId>release-consumer</artifactId><version>1.0</version>
  <properties>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
    <maven.compiler.release>17</maven.compiler.release>
  </properties>
  <repositories>
    <repository><id>dist</id><url>{dist}</url></repository>
    <repository><id>cache</id><url>{cache}</url></repository>
  </repositories>
  <pluginRepositories>
    <pluginRepository><id>cache</id><url>{cache}</url></pluginRepository>
  </pluginRepositories>
  <dependencies>
    <dependency>
      <groupId>io.github.modelparity</groupId><artifactId>modelparity</artifactId>
      <version>{version}</version>
    </dependency>
  </dependencies>
  <build><plugins>
    <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-compiler-plugin</artifactId><version>3.13.0</version></plugin>
    <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-resources-plugin</artifactId><version>3.3.1</version></plugin>
    <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-dependency-plugin</artifactId><version>3.8.1</version></plugin>
  </plugins></build>
</project>
"""
MAIN = """package example;

import io.github.modelparity.ArtifactFormat;
import io.github.modelparity.Classification;
import io.github.modelparity.Classifier;
import java.nio.file.Path;

public final class Main {
    public static void main(String[] args) throws Exception {
        try (Classifier classifier = Classifier.open(Path.of(args[0]), ArtifactFormat.ONNX)) {
            for (int i = 1; i < args.length; i++) {
                Classification c = classifier.classify(Path.of(args[i]));
                System.out.println(c.path() + "\\t" + c.label() + "\\t" + c.probability());
            }
        }
    }
}
"""


def _ok(command: list[str], cwd: Path, env: dict | None = None,
        timeout: float = 600) -> subprocess.CompletedProcess:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})
    assert done.returncode == 0, (command, done.stdout[-2000:], done.stderr[-3000:])
    return done


@pytest.fixture(scope="module")
def dist() -> Path:
    require(java_unavailable(), "MODELPARITY_REQUIRE_JAVA", "release.sh (its Maven and Java parts)")
    _ok(["bash", str(ROOT / "release.sh")], ROOT)
    return DIST


@pytest.fixture(scope="module")
def predicted(exported, tmp_path_factory) -> tuple[list[str], list[str]]:
    """Pictures, and python.predict's lines for them."""
    folder = make_folder(tmp_path_factory.mktemp("release-pictures"), {"0": 2, "1": 2})
    pictures = sorted(str(p) for p in folder.rglob("*.png"))
    done = run_module("python.predict", "--artifacts", str(exported), *pictures)
    return pictures, done.stdout.splitlines()


def test_every_file_has_its_sum(dist):
    listed = [line.split(maxsplit=1)[1] for line in (dist / "SHA256SUMS").read_text().splitlines()]
    files = sorted(str(p.relative_to(dist)) for p in dist.rglob("*")
                   if p.is_file() and p.name != "SHA256SUMS")
    assert sorted(listed) == files
    assert {p.split("/")[0] for p in files} == {"python", "maven", "npm", "java"}
    _ok(["sha256sum", "--quiet", "-c", "SHA256SUMS"], dist)


def test_the_wheel_in_a_new_environment_exports_and_predicts(dist, exported, predicted,
                                                             tmp_path):
    venv = tmp_path / "venv"
    # The heavy dependencies (TensorFlow...) from this machine's packages; the project itself
    # only from the wheel.
    _ok([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], tmp_path)
    wheel = next((dist / "python").glob("*.whl"))
    _ok([str(venv / "bin" / "pip"), "install", "--quiet", "--no-deps", str(wheel)], tmp_path)
    where = _ok([str(venv / "bin" / "python"), "-c", "import python; print(python.__file__)"],
                tmp_path).stdout.strip()
    assert where.startswith(str(venv)), where
    pictures, lines = predicted
    done = _ok([str(venv / "bin" / "modelparity"), "predict", "--artifacts", str(exported),
                *pictures], tmp_path)
    assert done.stdout.splitlines() == lines
    data = make_folder(tmp_path / "data", {"0": 12, "1": 12})
    _ok([str(venv / "bin" / "modelparity"), "export", "--data", str(data), "--epochs", "2",
         "--out", str(tmp_path / "artifacts"), "--quiet"], tmp_path)
    assert (tmp_path / "artifacts" / "model.onnx").is_file()


def test_a_maven_project_naming_only_the_release_repository(dist, exported, predicted,
                                                           tmp_path):
    if shutil.which("mvn") is None:
        require("no mvn on PATH", "MODELPARITY_REQUIRE_JAVA", "the Maven consumer")
    project = tmp_path / "consumer"
    (project / "src/main/java/example").mkdir(parents=True)
    cache = Path.home() / ".m2" / "repository"  # third-party jars, read as a remote repository
    (project / "pom.xml").write_text(POM.format(dist=(dist / "maven").as_uri(),
                                                cache=cache.as_uri(), version=VERSION))
    (project / "src/main/java/example/Main.java").write_text(MAIN)
    local = tmp_path / "m2"  # a repository of its own: nothing installed earlier is seen
    _ok(["mvn", "-B", "-q", f"-Dmaven.repo.local={local}", "compile",
         "dependency:build-classpath", "-Dmdep.outputFile=cp.txt"], project)
    origin = (local / "io/github/modelparity/modelparity" / VERSION
              / "_remote.repositories").read_text()
    assert f"modelparity-{VERSION}.jar>dist=" in origin, origin
    classpath = f"{project / 'target/classes'}:{(project / 'cp.txt').read_text().strip()}"
    pictures, lines = predicted
    done = _ok(["java", "-cp", classpath, "example.Main", str(exported), *pictures], tmp_path)
    for ours, theirs in zip(done.stdout.splitlines(), lines, strict=True):
        (path, label, p), (path2, label2, p2) = ours.split("\t"), theirs.split("\t")
        assert (path, label) == (path2, label2) and abs(float(p) - float(p2)) <= 1e-6


def test_a_node_project_installing_the_tarball(dist, exported, predicted, tmp_path):
    require(js_unavailable("onnxruntime_node"), "MODELPARITY_REQUIRE_JS", "the npm tarball")
    project = tmp_path / "node-consumer"
    project.mkdir()
    _ok(["npm", "init", "-y"], project)
    tarball = next((dist / "npm").glob("*.tgz"))
    _ok(["npm", "install", "--no-audit", "--no-fund", "--prefer-offline", str(tarball)],
        project, {"ONNXRUNTIME_NODE_INSTALL": "skip"})
    pictures, lines = predicted
    done = _ok(["npx", "--no-install", "modelparity-node", "--artifacts", str(exported),
                *pictures], project)
    assert done.stdout.splitlines() == lines


def test_the_java_archive_unpacked_elsewhere(dist, exported, predicted, tmp_path):
    archive = next((dist / "java").glob("*.tar"))
    _ok(["tar", "xf", str(archive)], tmp_path)
    (home,) = [p for p in tmp_path.iterdir() if p.is_dir()]
    command = home / "bin" / "modelparity-java"
    assert VERSION in _ok([str(command), "--version"], tmp_path).stdout
    pictures, lines = predicted
    done = _ok([str(command), "--artifacts", str(exported), *pictures], tmp_path)
    assert done.stdout.splitlines() == lines
