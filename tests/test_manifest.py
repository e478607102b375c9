"""Digests: the SavedModel folder digest follows its written rule; alterations are caught."""

from __future__ import annotations

import hashlib
import json

import pytest

from python.artifacts.digests import folder_sha256
from python.artifacts.manifest import checked_artifact
from python.errors import ArtifactError
from tests.manifests import manifest_with


def test_folder_digest_follows_the_rule(tmp_path):
    (tmp_path / "variables").mkdir()
    (tmp_path / "saved_model.pb").write_bytes(b"graph")
    (tmp_path / "variables" / "v.data").write_bytes(b"weights")
    expected = hashlib.sha256()
    for rel, data in (("saved_model.pb", b"graph"), ("variables/v.data", b"weights")):
        expected.update(f"{rel}\0{hashlib.sha256(data).hexdigest()}\n".encode())
    assert folder_sha256(tmp_path) == expected.hexdigest()


def test_folder_digest_sees_content_and_names(tmp_path):
    (tmp_path / "a").write_bytes(b"1")
    before = folder_sha256(tmp_path)
    (tmp_path / "a").write_bytes(b"2")
    changed = folder_sha256(tmp_path)
    (tmp_path / "a").rename(tmp_path / "b")
    assert len({before, changed, folder_sha256(tmp_path)}) == 3


def test_checked_artifact_catches_missing_and_altered(tmp_path):
    (tmp_path / "model.onnx").write_bytes(b"model bytes")
    manifest = manifest_with(tmp_path, "onnx")
    assert checked_artifact(tmp_path, manifest, "onnx") == tmp_path / "model.onnx"
    (tmp_path / "model.onnx").write_bytes(b"model bytez")
    with pytest.raises(ArtifactError, match="was altered"):
        checked_artifact(tmp_path, manifest, "onnx")
    (tmp_path / "model.onnx").unlink()
    with pytest.raises(ArtifactError, match="is missing"):
        checked_artifact(tmp_path, manifest, "onnx")
    with pytest.raises(ArtifactError, match="no artifact 'tflite'"):
        checked_artifact(tmp_path, manifest, "tflite")


def test_schema_file_is_the_generated_one():
    """docs/manifest.schema.json states the dataclasses' shape, never a drifted copy."""
    from python.artifacts.manifest import SCHEMA_FILE, json_schema

    assert json.loads(SCHEMA_FILE.read_text()) == json_schema(), (
        "regenerate: python -m python.artifacts.manifest --schema > docs/manifest.schema.json")


def test_written_manifest_validates_against_the_schema(exported):
    import jsonschema

    from python.artifacts.manifest import SCHEMA_FILE

    schema = json.loads(SCHEMA_FILE.read_text())
    written = json.loads((exported / "manifest.json").read_text())
    jsonschema.validate(written, schema)
    broken = {**written, "threshold": "half"}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


def test_read_manifest_round_trips_and_refuses_bad_ones(tmp_path):
    from python.artifacts.manifest import read_manifest, write_manifest

    (tmp_path / "model.onnx").write_bytes(b"model bytes")
    manifest = manifest_with(tmp_path, "onnx")
    write_manifest(tmp_path, manifest)
    assert read_manifest(tmp_path) == manifest
    raw = json.loads((tmp_path / "manifest.json").read_text())
    for change, message in (({"schema_version": 1}, "schema_version 1 is older"),
                            ({"preprocessing": {"version": 1, "size": 40}},
                             "preprocessing version 1 is older.*export again"),
                            ({"threshold": "half"}, "threshold"),
                            ({"labels": None}, "labels")):
        (tmp_path / "manifest.json").write_text(json.dumps({**raw, **change}))
        with pytest.raises(ArtifactError, match=message):
            read_manifest(tmp_path)


def test_draft_scales_absent_mean_eighth_only_and_bad_ones_are_refused(tmp_path):
    """A manifest written before draft_scales decoded large JPEGs at 1/8 only; it is read so.
    A list that is not some of 8, 4, 2, largest first, names the field."""
    from python.artifacts.manifest import read_manifest, write_manifest

    (tmp_path / "model.onnx").write_bytes(b"model bytes")
    write_manifest(tmp_path, manifest_with(tmp_path, "onnx"))
    raw = json.loads((tmp_path / "manifest.json").read_text())
    assert raw["preprocessing"]["draft_scales"] == [8, 4, 2]
    del raw["preprocessing"]["draft_scales"]
    (tmp_path / "manifest.json").write_text(json.dumps(raw))
    assert read_manifest(tmp_path).preprocessing.draft_scales == (8,)
    for bad in ([], [4, 8], [8, 3], [8, 8], "8", [True]):
        raw["preprocessing"]["draft_scales"] = bad
        (tmp_path / "manifest.json").write_text(json.dumps(raw))
        with pytest.raises(ArtifactError, match="manifest.json: preprocessing.draft_scales"):
            read_manifest(tmp_path)


def test_manifest_refuses_not_finite_numbers(tmp_path):
    """JSON has no NaN: Java's parser rightly refuses it, so the writer must too."""
    from dataclasses import replace

    from python.artifacts.manifest import write_manifest

    manifest = replace(manifest_with(tmp_path), threshold=float("nan"))
    with pytest.raises(ValueError, match="not JSON compliant"):
        write_manifest(tmp_path, manifest)


@pytest.mark.parametrize("where", ["absolute", "dotdot", "symlink"])
def test_artifact_paths_stay_inside_the_folder(tmp_path, where):
    """A manifest may not point outside its folder, even at a file whose digest it knows."""
    from dataclasses import replace

    folder = tmp_path / "artifacts"
    folder.mkdir()
    outside = tmp_path / "outside.onnx"
    outside.write_bytes(b"model bytes")
    (folder / "model.onnx").write_bytes(b"model bytes")
    manifest = manifest_with(folder, "onnx")
    entry = manifest.artifacts["onnx"]
    if where == "symlink":
        (folder / "model.onnx").unlink()
        (folder / "model.onnx").symlink_to(outside)
    else:
        path = str(outside) if where == "absolute" else "../outside.onnx"
        manifest = replace(manifest, artifacts={"onnx": replace(entry, path=path)})
    with pytest.raises(ArtifactError, match="leaves the artifacts folder"):
        checked_artifact(folder, manifest, "onnx")


def test_the_version_gate_says_what_the_shared_fixtures_say(tmp_path):
    """Older manifests: export again; newer ones: update the library; one line naming the
    file. The same cases hold the Java and JavaScript readers (tests.versiongate)."""
    from python.artifacts.manifest import read_manifest
    from tests.versiongate import base_manifest, write_cases

    cases = write_cases(tmp_path / "cases", base_manifest(tmp_path / "base"))
    assert {c["problem"] is None for c in cases} == {True, False}
    for case in cases:
        folder = tmp_path / "cases" / case["name"]
        (folder / "model.onnx").write_bytes(b"model bytes")
        if case["problem"] is None:
            assert read_manifest(folder).labels
            continue
        with pytest.raises(ArtifactError) as err:
            read_manifest(folder)
        assert str(err.value) == f"{folder / 'manifest.json'}: {case['problem']}"


def test_the_javascript_reader_holds_the_same_version_gate(tmp_path):
    """js/src/core/manifest.js's versionProblem on every shared case: the same words."""
    import subprocess

    from python.runtimes.js import REQUIRE_JS, js_unavailable
    from tests.conftest import ROOT, require
    from tests.versiongate import base_manifest, write_cases

    require(js_unavailable("onnxruntime_node"), REQUIRE_JS, "the JavaScript manifest reader")
    cases = write_cases(tmp_path / "cases", base_manifest(tmp_path / "base"))
    script = ("import { readFileSync } from 'node:fs';"
              " import { versionProblem } from './js/src/core/manifest.js';"
              " const dir = process.argv[1];"
              " const cases = JSON.parse(readFileSync(dir + '/cases.json', 'utf8'));"
              " console.log(JSON.stringify(cases.map((c) => versionProblem(JSON.parse("
              "readFileSync(dir + '/' + c.name + '/manifest.json', 'utf8'))))));")
    done = subprocess.run(["node", "--input-type=module", "-e", script, str(tmp_path / "cases")],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [c["problem"] for c in cases]
