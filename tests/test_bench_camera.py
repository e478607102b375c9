"""python -m python.bench.camera: its parts, without timing anything (the command times)."""

from __future__ import annotations

import sys

import pytest

from python.artifacts.manifest import checked_artifact, read_manifest
from python.bench import camera
from python.errors import ToolkitError


def test_routed_copies_prepare_by_the_route_and_still_verify(exported, tmp_path):
    fast = read_manifest(exported).preprocessing
    assert not fast.faithful  # the selfie model keeps the fast route
    folder = camera.routed(exported, "faithful", tmp_path)
    manifest = read_manifest(folder)
    assert manifest.preprocessing.faithful and manifest.preprocessing.rules["route"].startswith(
        "faithful")
    assert manifest.preprocessing.size == fast.size  # only the route moved
    checked_artifact(folder, manifest, "onnx")  # the artifacts' digests still hold


def test_a_command_is_timed_without_its_start_up(tmp_path):
    """One line a photo is what a classifying command prints; the times come back positive."""
    photos = [tmp_path / f"{i}.jpg" for i in range(2)]
    echo = [sys.executable, "-c", "import sys; print(*sys.argv[1:], sep='\\n')"]
    ms, peak = camera.command_ms(echo, photos, reps=1)
    assert peak > 0 and ms < 1000
    silent = [sys.executable, "-c", "import sys; sys.exit('no such artifacts')"]
    with pytest.raises(ToolkitError, match="no such artifacts"):
        camera.command_ms(silent, photos, reps=1)


def test_a_missing_command_is_one_line_naming_it(tmp_path):
    with pytest.raises(ToolkitError, match="no-such-cli: not found"):
        camera.command_ms([str(tmp_path / "no-such-cli")], [tmp_path / "a.jpg"], reps=1)
