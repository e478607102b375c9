"""A failed export, or one whose artifact disagrees with Keras, replaces nothing."""

from __future__ import annotations

import os

import numpy as np
import pytest

import converters.onnx
from python.export import command as export


def _old_folder(tmp_path):
    out = tmp_path / "artifacts"
    out.mkdir()
    (out / "manifest.json").write_text("previous run")
    return out


def _run(out, capsys):
    code = export.main(["--epochs", "1", "--quiet", "--out", str(out)])
    return code, capsys.readouterr().err


def test_crash_half_way_keeps_old_artifacts(tmp_path, monkeypatch, capsys):
    out = _old_folder(tmp_path)

    def broken(*args, **kwargs):
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(converters.onnx, "to_onnx", broken)
    with pytest.raises(OSError):
        export.main(["--epochs", "1", "--quiet", "--out", str(out)])
    assert (out / "manifest.json").read_text() == "previous run"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["artifacts"]


def test_nudged_weight_fails_parity_and_keeps_old_artifacts(tmp_path, monkeypatch, capsys):
    import onnx
    from onnx import numpy_helper

    out = _old_folder(tmp_path)
    real = converters.onnx.to_onnx

    def nudged(savedmodel, path, *args, **kwargs):
        real(savedmodel, path, *args, **kwargs)
        model = onnx.load(str(path))
        biggest = max(model.graph.initializer, key=lambda t: np.prod(t.dims))
        w = numpy_helper.to_array(biggest).copy()
        w.flat[: w.size // 10] += 1e-2  # one weight tensor, a tenth of it, nudged
        biggest.CopyFrom(numpy_helper.from_array(w, biggest.name))
        onnx.save(model, str(path))
        return path

    monkeypatch.setattr(converters.onnx, "to_onnx", nudged)
    code, err = _run(out, capsys)
    assert code == 1
    assert "onnx/onnxruntime" in err and "out of tolerance" in err
    assert "savedmodel/tensorflow" not in err  # the intact artifacts are not blamed
    assert (out / "manifest.json").read_text() == "previous run"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["artifacts"]


def test_int8_only_newer_runtimes_run_is_not_published(tmp_path, monkeypatch, capsys):
    """If the only int8 ONNX recipe makes a file ONNX Runtime 1.17 cannot run, no int8 ONNX is
    published (the manifest says why); with --require onnx_int8 the export fails and
    replaces nothing: the oldest runtime is part of the contract."""
    import json

    import converters.quantize
    from python.runtimes.jvm import java_unavailable

    why = java_unavailable()
    if why is not None:
        if os.environ.get("MODELPARITY_REQUIRE_JAVA") == "1":
            pytest.fail(f"MODELPARITY_REQUIRE_JAVA=1 but the Java cells cannot run: {why}")
        pytest.skip(f"needs the oldest ONNX Runtime through Java: {why}")
    import converters.tflite

    monkeypatch.setattr(converters.quantize, "RECIPES", (converters.quantize.BY_NAME["dynamic"],))
    monkeypatch.setattr(converters.tflite, "RECIPES",  # one TFLite recipe: seconds, not tens
                        (converters.tflite.BY_NAME["dynamic_range"],))
    out = _old_folder(tmp_path)
    code = export.main(["--epochs", "1", "--quiet", "--quantize", "--out", str(out),
                        "--require", "savedmodel,onnx_int8"])
    err = capsys.readouterr().err
    assert code == 1
    assert "required artifact(s) not made: onnx_int8: no int8 recipe made a file that loads" in err
    assert "dynamic: does not load in the oldest ONNX Runtime" in err
    assert "Traceback" not in err
    assert (out / "manifest.json").read_text() == "previous run"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["artifacts"]
    code = export.main(["--epochs", "1", "--quiet", "--quantize", "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    m = json.loads((out / "manifest.json").read_text())
    assert "onnx_int8" not in m["artifacts"] and not (out / "model_int8.onnx").exists()
    assert "does not load in the oldest ONNX Runtime" in m["missing"]["onnx_int8"]["reason"]
    assert m["quantization"]["onnx_int8"]["chosen"] is None
    assert "tflite_int8" in m["artifacts"]


def test_full_disk_is_one_line_its_own_status_and_keeps_the_old_folder(tmp_path):
    """A real full disk: a 700 kB tmpfs (mounting one needs root, as CI has)."""
    import subprocess

    from tests.conftest import run_module

    tiny = tmp_path / "tiny"
    tiny.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=700k", "tmpfs", str(tiny)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.strip()[:200]}")
    try:
        out = _old_folder(tiny)
        result = run_module("python.export", "--epochs", "1", "--quiet", "--out", str(out))
        lines = result.stderr.strip().splitlines()
        assert result.returncode == 3, result.stderr[-2000:]
        assert len(lines) == 1 and "Traceback" not in result.stderr
        assert lines[0].startswith(f"export: error: {out}: cannot write the new artifacts")
        assert "the disk is full" in lines[0] and "untouched" in lines[0]
        assert (out / "manifest.json").read_text() == "previous run"
        assert sorted(p.name for p in tiny.iterdir()) == ["artifacts"]
    finally:
        subprocess.run(["umount", str(tiny)], check=False)
