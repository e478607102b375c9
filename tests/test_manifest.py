"""Digests: the SavedModel folder digest follows its written rule; alterations are caught."""

from __future__ import annotations

import hashlib

import pytest

from python.errors import ArtifactError
from python.manifest import checked_artifact, describe_artifact, folder_sha256


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
    manifest = {"artifacts": {"onnx": describe_artifact(tmp_path, "model.onnx", "onnx")}}
    assert checked_artifact(tmp_path, manifest, "onnx") == tmp_path / "model.onnx"
    (tmp_path / "model.onnx").write_bytes(b"model bytez")
    with pytest.raises(ArtifactError, match="was altered"):
        checked_artifact(tmp_path, manifest, "onnx")
    (tmp_path / "model.onnx").unlink()
    with pytest.raises(ArtifactError, match="is missing"):
        checked_artifact(tmp_path, manifest, "onnx")
    with pytest.raises(ArtifactError, match="no artifact 'tflite'"):
        checked_artifact(tmp_path, manifest, "tflite")
