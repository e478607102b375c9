"""End to end: the export command on the embedded data, its manifest, parity and predict."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from python.artifacts.digests import artifact_sha256
from tests.conftest import run_module
from tests.pictures import make_folder

EXPECTED = {"savedmodel", "keras", "tflite", "onnx", "tflite_int8", "onnx_int8"}


def test_artifacts_and_manifest(exported):
    m = json.loads((exported / "manifest.json").read_text())
    assert set(m["artifacts"]) == EXPECTED
    for name, entry in m["artifacts"].items():
        path = exported / entry["path"]
        assert path.exists(), name
        assert artifact_sha256(path) == entry["sha256"]
    assert m["input"] == {"height": 40, "width": 40, "channels": 1, "dtype": "float32",
                          "layout": "NHWC", "range": [0.0, 1.0], "name": "picture"}
    assert m["output"]["classes"] == 1 and m["output"]["appended"] is None
    assert m["model"]["format"] == "trained" and m["missing"] == {}
    assert m["schema_version"] == 3
    assert m["labels"] == ["not_face", "face"] and 0.0 < m["threshold"] < 1.0
    assert "validation" in m["threshold_rule"]
    assert set(m["metrics"]["validation"]) == {"accuracy", "balanced_accuracy"}
    assert m["data"]["train"] + m["data"]["val"] + m["data"]["test"] == 200
    assert m["data"]["skipped"] == 0
    assert {"test_accuracy", "balanced_accuracy", "recall", "confusion_matrix",
            "training_seconds", "device"} <= set(m["metrics"])
    counts = np.array(m["metrics"]["confusion_matrix"]["counts"])
    assert counts.sum() == m["data"]["test"]
    assert abs(np.trace(counts) / counts.sum() - m["metrics"]["test_accuracy"]) < 1e-9
    assert {"python", "tensorflow", "tf2onnx", "onnxruntime"} <= set(m["versions"])
    pre = m["preprocessing"]
    assert pre["size"] == {"height": 40, "width": 40, "shortest_edge": None}
    assert pre["color"] == "grey" and pre["resample"] == 2 and pre["do_rescale"]
    assert not pre["do_normalize"] and not pre["do_center_crop"] and "resize" in pre["rules"]
    assert (exported / "training_curve.png").stat().st_size > 1000
    assert (exported / "confusion_matrix.png").stat().st_size > 1000


def test_published_artifacts_have_plain_modes(exported):
    """Every folder and file as a plain mkdir and write under our umask would make them."""
    import os
    import stat

    from python.export.staging import current_umask

    mask = current_umask()
    paths = [exported, *exported.rglob("*")]
    modes = {p.relative_to(exported).as_posix(): stat.S_IMODE(p.stat().st_mode) for p in paths}
    want = {p.relative_to(exported).as_posix(): (0o777 if p.is_dir() else 0o666) & ~mask
            for p in paths}
    assert modes == want
    assert os.access(exported, os.R_OK | os.X_OK)


def test_quiet_export_prints_only_warnings(export_run):
    """--quiet: no progress, no tables, no native INFO lines; warnings (Java skipped, an int8
    bound missed) may stay."""
    _, result = export_run
    assert result.stdout == ""
    for line in result.stderr.splitlines():
        assert line.startswith("export: warning: "), line


def test_shipped_savedmodel_is_frozen(exported):
    """Weights as constants and no function call: what makes TensorFlow Java's calls cheap."""
    from tensorflow.core.protobuf import saved_model_pb2

    saved = saved_model_pb2.SavedModel()
    saved.ParseFromString((exported / "savedmodel" / "saved_model.pb").read_bytes())
    (graph,) = [g.graph_def for g in saved.meta_graphs]
    ops = {node.op for node in graph.node}
    assert {"Conv2D", "MatMul", "Sigmoid"} <= ops
    assert not ops & {"VarHandleOp", "ReadVariableOp", "StatefulPartitionedCall",
                      "PartitionedCall", "RestoreV2"}
    assert not any(p.name.startswith(".keras") for p in exported.iterdir())
    assert not list(exported.parent.glob(f".{exported.name}.partial-*"))


def test_parity_cells_within_tolerance(exported):
    m = json.loads((exported / "manifest.json").read_text())
    parity = m["parity"]
    python_cells = {"savedmodel/tensorflow", "keras/keras", "tflite/litert",
                    "onnx/onnxruntime", "tflite_int8/litert", "onnx_int8/onnxruntime"}
    java_cells = {"savedmodel/tensorflow_java", "onnx/onnxruntime_java",
                  "onnx_int8/onnxruntime_java", "onnx/onnxruntime_java_oldest",
                  "onnx_int8/onnxruntime_java_oldest", "savedmodel/java_files",
                  "onnx/java_files", "onnx_int8/java_files"}
    if m["parity_java"] == "ran":
        assert set(parity) == python_cells | java_cells
    else:  # said plainly, with the reason
        assert m["parity_java"].startswith("skipped: ") and set(parity) == python_cells
    for key, cell in parity.items():
        if key in python_cells or key.endswith("java_files"):
            assert cell["n"] == m["data"]["test"], key
        assert cell["ok"], key
        if "int8" not in key:
            assert cell["max_abs_diff"] <= 1e-5 and cell["label_agreement"] == 1.0, key
        else:
            assert cell["label_agreement"] >= 0.99, key


def test_quantized_files_are_small(exported):
    m = json.loads((exported / "manifest.json").read_text())
    a = m["artifacts"]
    assert a["tflite_int8"]["bytes"] <= 0.3 * a["tflite"]["bytes"]
    assert a["onnx_int8"]["bytes"] <= 0.3 * a["onnx"]["bytes"]


@pytest.mark.parametrize("artifact", ["tflite_int8", "onnx_int8"])
def test_every_int8_recipe_is_recorded_with_its_measurements(exported, artifact):
    """The manifest says what each recipe measured, which was kept, and which bounds held."""
    q = json.loads((exported / "manifest.json").read_text())["quantization"][artifact]
    assert q["chosen"] in q["recipes"] and len(q["recipes"]) >= 4
    for name, r in q["recipes"].items():
        if not r["loads"]:
            assert r["error"], name
            continue
        assert {"bytes", "size_ratio", "test_accuracy", "selection_accuracy_drop",
                "selection_label_agreement", "latency_ms_p50", "throughput_per_s",
                "latency_ratio", "throughput_ratio"} <= set(r), name
        if "_float_" in name and name != "int8_float_io":  # the layers left in float, with why
            assert r["float_layers"] and all(r["float_layers"].values()), name
    assert set(q["bounds"]) == {"size_ratio", "test_accuracy_drop", "latency_ratio",
                                "inverse_throughput_ratio"}
    assert q["all_bounds_met"] == all(b["ok"] for b in q["bounds"].values())
    chosen = (exported / ("model_int8.onnx" if artifact == "onnx_int8" else "model_int8.tflite"))
    assert chosen.stat().st_size == q["recipes"][q["chosen"]]["bytes"]


def test_conv_integer_int8_does_not_load_in_the_oldest_runtime(exported):
    """Dynamic quantization makes ConvInteger, which ONNX Runtime 1.17 lacks: never chosen."""
    from python.runtimes.jvm import java_unavailable

    recipes = json.loads((exported / "manifest.json").read_text())["quantization"][
        "onnx_int8"]["recipes"]
    if java_unavailable() is not None:
        assert recipes["dynamic"]["loads_in_oldest"] is None
        return
    assert recipes["dynamic"]["loads_in_oldest"] is False
    assert "ConvInteger" in recipes["dynamic"]["oldest_error"]
    assert recipes["qdq_u8s8_per_channel"]["loads_in_oldest"] is True


@pytest.mark.parametrize("fmt", ["onnx", "savedmodel", "tflite_int8"])
def test_predict_prints_one_line_per_picture(exported, tmp_path, fmt):
    pics = make_folder(tmp_path, {"0": 2})
    files = sorted(str(p) for p in pics.rglob("*.png"))
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"")
    result = run_module("python.predict", "--artifacts", str(exported), "--format", fmt,
                        files[0], str(bad), files[1])
    assert result.returncode == 1
    threshold = json.loads((exported / "manifest.json").read_text())["threshold"]
    lines = result.stdout.strip().split("\n")
    assert [ln.split("\t")[0] for ln in lines] == files
    for ln in lines:
        _, label, p = ln.split("\t")
        assert label in ("not_face", "face") and 0.0 <= float(p) <= 1.0
        assert label == ("face" if float(p) >= threshold else "not_face")
    assert result.stderr.count(str(bad)) == 1 and "Traceback" not in result.stderr


def test_predict_refuses_altered_artifact(exported, tmp_path):
    copy = tmp_path / "artifacts"
    shutil.copytree(exported, copy)
    data = bytearray((copy / "model.onnx").read_bytes())
    data[-10] ^= 1
    (copy / "model.onnx").write_bytes(bytes(data))
    pic = make_folder(tmp_path / "p", {"0": 1})
    result = run_module("python.predict", "--artifacts", str(copy), *map(str, pic.rglob("*.png")))
    assert result.returncode == 2 and "was altered" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


@pytest.mark.parametrize("make, message", [
    (lambda d: d / "nowhere", "no such folder"),
    (lambda d: make_folder(d / "one", {"0": 5}), "needs at least two class folders"),
    (lambda d: make_folder(d / "empty", {"0": 5, "1": 0}), "has no pictures"),
])
def test_export_errors_are_one_line(tmp_path, make, message):
    out = tmp_path / "out"
    result = run_module("python.export", "--data", str(make(tmp_path)), "--out", str(out),
                        "--quiet")
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()


def test_help_documents_every_flag():
    text = run_module("python.export", "--help").stdout
    for flag in ("--data", "--out", "--quantize", "--epochs", "--batch-size", "--learning-rate",
                 "--image-size", "--seed", "--positive", "--threshold", "--skip-bad", "--quiet"):
        assert flag in text


def test_bad_picture_stops_export_or_is_skipped_and_counted(tmp_path):
    data = make_folder(tmp_path / "d", {"0": 30, "1": 30})
    broken = data / "1" / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n truncated")
    out = tmp_path / "out"
    stopped = run_module("python.export", "--data", str(data), "--out", str(out), "--quiet",
                         "--epochs", "1")
    assert stopped.returncode == 2 and str(broken) in stopped.stderr
    assert len(stopped.stderr.strip().splitlines()[-1]) > 0 and "Traceback" not in stopped.stderr
    assert not out.exists()
    skipped = run_module("python.export", "--data", str(data), "--out", str(out), "--quiet",
                         "--epochs", "1", "--skip-bad", "--image-size", "24")
    assert skipped.returncode == 0, skipped.stderr[-2000:]
    m = json.loads((out / "manifest.json").read_text())
    assert m["data"]["skipped"] == 1 and str(broken) in m["data"]["skipped_files"][0]
    assert m["input"]["height"] == 24


@pytest.mark.parametrize("fmt", ["savedmodel", "keras", "tflite_int8"])
def test_predict_keeps_native_chatter_off_stderr(exported, tmp_path, fmt):
    """TensorFlow's plugin and device lines (cuInit, cuFFT...) are not the user's business."""
    pics = make_folder(tmp_path, {"0": 1})
    result = run_module("python.predict", "--artifacts", str(exported), "--format", fmt,
                        *map(str, pics.rglob("*.png")))
    assert result.returncode == 0 and result.stderr == "", result.stderr[-500:]
    assert len(result.stdout.splitlines()) == 1
