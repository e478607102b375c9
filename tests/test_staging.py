"""The output folder is replaced whole or not at all."""

from __future__ import annotations

import pytest

from python.export.staging import staged_folder


def _old(tmp_path):
    out = tmp_path / "artifacts"
    out.mkdir()
    (out / "manifest.json").write_text("old")
    return out


@pytest.mark.parametrize("failure", [RuntimeError("half way"), KeyboardInterrupt()])
def test_failure_leaves_old_folder_exactly(tmp_path, failure):
    out = _old(tmp_path)
    with pytest.raises(type(failure)), staged_folder(out) as stage:
        (stage / "manifest.json").write_text("new")
        (stage / "model.onnx").write_text("half")
        raise failure
    assert (out / "manifest.json").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["artifacts"]


def test_success_swaps_in_and_cleans_up(tmp_path):
    out = _old(tmp_path)
    with staged_folder(out) as stage:
        (stage / "manifest.json").write_text("new")
    assert (out / "manifest.json").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["artifacts"]


def test_refuses_a_file_in_the_way(tmp_path):
    (tmp_path / "artifacts").write_text("not a folder")
    with pytest.raises(Exception, match="not a folder"), staged_folder(tmp_path / "artifacts"):
        pass


@pytest.mark.parametrize("umask, folder, file", [(0o022, 0o755, 0o644), (0o027, 0o750, 0o640)])
def test_published_folder_has_plain_modes(tmp_path, umask, folder, file):
    """A service running as another user reads what a plain mkdir and write would give it."""
    import os
    import stat

    saved = os.umask(umask)
    try:
        with staged_folder(tmp_path / "artifacts") as stage:
            (stage / "sub").mkdir()
            (stage / "sub" / "model.onnx").write_bytes(b"x")
    finally:
        os.umask(saved)
    out = tmp_path / "artifacts"
    assert stat.S_IMODE(out.stat().st_mode) == folder
    assert stat.S_IMODE((out / "sub").stat().st_mode) == folder
    assert stat.S_IMODE((out / "sub" / "model.onnx").stat().st_mode) == file
