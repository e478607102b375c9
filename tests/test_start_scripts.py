"""The installed commands' start scripts (gradle/unixStartScript.txt): the arguments reach
java exactly as given, whatever they hold, with the JVM options, the environment and APP_HOME
as the build and the caller set them. A stand-in java (JAVA_HOME) prints what it was given."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.fuzzcompare import JAVA_CLI

BIN = JAVA_CLI.parent
SCRIPTS = ("modelparity-java", "modelparity-java-benchmark", "modelparity-java-soak",
           "modelparity-spark")
#: Quotes, spaces, a newline, shell words and patterns: none may be rewritten.
ODD = ["a b", "it's", '"quoted"', "$HOME", "*", "back\\slash", "new\nline", "", "-", "@list",
       "--", "-e", "\\n"]


@pytest.fixture
def fake_java(tmp_path: Path) -> Path:
    """A JAVA_HOME whose bin/java writes its arguments, NUL-separated, then the log level."""
    java = tmp_path / "jdk" / "bin" / "java"
    java.parent.mkdir(parents=True)
    java.write_text('#!/bin/sh\nprintf \'%s\\0\' "$@"\nprintf %s "$TF_CPP_MIN_LOG_LEVEL"\n')
    java.chmod(0o755)
    return tmp_path / "jdk"


def _run(script: Path, args: list[str], env: dict[str, str]) -> tuple[list[str], str]:
    """java's arguments and the TF_CPP_MIN_LOG_LEVEL it saw."""
    done = subprocess.run([str(script), *args], env={"PATH": os.environ["PATH"], **env},
                          capture_output=True, check=True, timeout=60)
    argv, tf = done.stdout.decode().rsplit("\0", 1)
    return argv.split("\0"), tf


@pytest.mark.parametrize("name", SCRIPTS)
def test_arguments_reach_java_untouched(name, fake_java, tmp_path):
    script = BIN / name
    if not script.exists():
        why = f"{script} is missing (run gradle installDist)"
        if os.environ.get("MODELPARITY_REQUIRE_JAVA") == "1":
            pytest.fail(f"MODELPARITY_REQUIRE_JAVA=1 but {why}")
        pytest.skip(why)
    opts = name.upper().replace("-", "_") + "_OPTS"
    link = tmp_path / "elsewhere" / "cmd"
    link.parent.mkdir()
    link.symlink_to(script)  # APP_HOME found through the link
    env = {"JAVA_HOME": str(fake_java), "JAVA_OPTS": '-Dx=1 "-Dy=a b"', opts: "-Dz=2"}
    argv, tf = _run(link, ODD, env)
    assert argv[-len(ODD):] == ODD
    jvm = argv[:-len(ODD)]
    assert tf == "2"
    assert jvm[-3] == "-classpath" and jvm[-1].startswith("io.github.modelparity.")
    home = BIN.parent.resolve()
    assert all(entry.startswith(f"{home}/lib/") for entry in jvm[-2].split(":")), jvm[-2]
    assert jvm[-6:-3] == ["-Dx=1", "-Dy=a b", "-Dz=2"]  # JAVA_OPTS then the script's own
    assert "--enable-native-access=ALL-UNNAMED" in jvm
    if name == "modelparity-spark":
        assert jvm[-2].endswith(f"{home}/lib/spark/*")
        assert f"-Dlog4j2.configurationFile={home}/lib/spark-log4j2.properties" in jvm
    # the caller's level kept; thousands of arguments passed whole
    many = [f"pictures/{i:05d} 'x'.png" for i in range(6452)]
    argv, tf = _run(script, many, {**env, "TF_CPP_MIN_LOG_LEVEL": "0"})
    assert argv[-len(many):] == many and tf == "0"
