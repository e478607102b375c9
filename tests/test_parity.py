"""The parity matrix: passes on fresh artifacts, fails naming the cell on broken ones."""

from __future__ import annotations

import json
import shutil
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from python.artifacts.manifest import describe_artifact, read_manifest, write_manifest
from python.artifacts.registry import spec
from python.parity.compare import failures
from python.parity.matrix import input_sets, run_matrix
from python.runtimes.jvm import java_unavailable, run_java
from tests.conftest import require, run_module

REQUIRE_JAVA = "MODELPARITY_REQUIRE_JAVA"
JAVA_CELLS = {"savedmodel/tensorflow_java", "onnx/onnxruntime_java", "onnx_int8/onnxruntime_java",
              "onnx/onnxruntime_java_oldest", "onnx_int8/onnxruntime_java_oldest",
              "savedmodel/java_files", "onnx/java_files", "onnx_int8/java_files"}
PYTHON_CELLS = {"keras/keras", "savedmodel/tensorflow", "tflite/litert", "tflite_int8/litert",
                "onnx/onnxruntime", "onnx_int8/onnxruntime"}


@pytest.fixture(scope="module")
def java() -> None:
    require(java_unavailable(), REQUIRE_JAVA, "the Java cells")


@pytest.fixture
def artifacts(exported, tmp_path) -> Path:
    copy = tmp_path / "artifacts"
    shutil.copytree(exported, copy)
    return copy


def test_command_runs_every_cell_and_refreshes_manifest(java, artifacts):
    from python.runtimes.js import js_unavailable
    from tests.test_js import JS_CELLS

    result = run_module("python.parity", "--artifacts", str(artifacts))
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]
    report = json.loads((artifacts / "parity.json").read_text())
    # The JavaScript cells run where Node (and for the web ones Chromium) is; test_js.py
    # requires them all in CI.
    js = {c for c in JS_CELLS if js_unavailable(c.split("/")[1]) is None}
    assert report["js"] == "ran" if js == JS_CELLS else report["js"].startswith("skipped: ")
    assert set(report["cells"]) == PYTHON_CELLS | JAVA_CELLS | js
    n_test = read_manifest(artifacts).data.test
    for key, cell in report["cells"].items():
        assert cell["ok"], key
        if key.endswith("_files"):
            assert cell["n"] == n_test
        else:
            assert set(cell["inputs"]) == {"test", "lowest", "highest", "noise", "single",
                                           "batch64"}
    assert report["cells"]["savedmodel/tensorflow_java"]["max_abs_diff"] <= 1e-5
    assert set(read_manifest(artifacts).parity) == PYTHON_CELLS | JAVA_CELLS | js
    assert "savedmodel/tensorflow_java" in result.stdout


def _rewrite_onnx(artifacts: Path, change) -> None:
    import onnx

    path = artifacts / "model.onnx"
    model = onnx.load(str(path))
    change(model)
    onnx.save(model, str(path))
    manifest = read_manifest(artifacts)  # a consistent manifest: only the numbers can tell
    entries = {**manifest.artifacts, "onnx": describe_artifact(artifacts, spec("onnx"))}
    write_manifest(artifacts, replace(manifest, artifacts=entries))


def _nudge(model, by: float = 1e-2) -> None:
    """The largest weight tensor, a tenth of it, moved by ``by``."""
    from onnx import numpy_helper

    biggest = max(model.graph.initializer, key=lambda t: np.prod(t.dims))
    w = numpy_helper.to_array(biggest).copy()
    w.flat[: w.size // 10] += by
    biggest.CopyFrom(numpy_helper.from_array(w, biggest.name))


def _scale_input(model) -> None:
    """Make the model expect 0..255 pixels: multiply its input by 1/255 first."""
    from onnx import helper, numpy_helper

    name = model.graph.input[0].name
    model.graph.initializer.append(numpy_helper.from_array(np.array(1 / 255, np.float32), "s"))
    for node in model.graph.node:
        node.input[:] = ["scaled" if i == name else i for i in node.input]
    model.graph.node.insert(0, helper.make_node("Mul", [name, "s"], ["scaled"]))


@pytest.mark.parametrize("break_it", [_nudge, _scale_input], ids=["nudged_weight", "input_scale"])
def test_broken_onnx_fails_its_cells(java, artifacts, break_it):
    _rewrite_onnx(artifacts, break_it)
    cells, skipped = run_matrix(artifacts, read_manifest(artifacts))
    assert skipped is None
    bad = {k for k, c in cells.items() if not c.ok}
    assert bad == {"onnx/onnxruntime", "onnx/onnxruntime_java", "onnx/onnxruntime_java_oldest",
                   "onnx/java_files"}
    assert all(any(f.startswith(k) for f in failures(cells)) for k in bad)


def test_swapped_labels_fail_the_java_library_cells(java, artifacts):
    manifest = read_manifest(artifacts)
    write_manifest(artifacts, replace(manifest, labels=manifest.labels[::-1]))
    result = run_module("python.parity", "--artifacts", str(artifacts))
    assert result.returncode == 1
    for key in ("savedmodel/java_files", "onnx/java_files", "onnx_int8/java_files"):
        assert key in result.stderr
    assert "tensorflow_java" not in result.stderr.split("error:")[-1]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("worker, expected", [
    ([sys.executable, "-c", "import os, sys; sys.stderr.write('native boom'); os.abort()"],
     "crashed"),
    ([sys.executable, "-c", "import time, sys; sys.stderr.write('stuck'); sys.stderr.flush();"
      " time.sleep(60)"], "hung"),
])
def test_jvm_crash_or_hang_is_a_failed_cell(exported, tmp_path, worker, expected):
    manifest = read_manifest(exported)
    x = np.load(exported / "test_split.npz")["x"]
    outcomes = run_java("onnxruntime_java", exported, manifest, input_sets(x, [(0.0, 1.0)]), [],
                        tmp_path, timeout=3, worker=worker,
                        classpath_file=_fake_classpath(tmp_path))
    assert outcomes and all(o.probability is None for o in outcomes.values())
    error = next(iter(outcomes.values())).error
    assert expected in error
    assert ("native boom" if expected == "crashed" else "stuck") in error


def _fake_classpath(tmp_path: Path) -> Path:
    path = tmp_path / "classpath.txt"
    path.write_text(f"{path}\n")  # an entry that exists: the fake worker never reads it
    return path


def test_keras_runtime_is_warning_free_on_one_picture(exported):
    """Keras's predict() passed each batch's outputs through float(): a NumPy warning."""
    import warnings

    from python.runtimes.loaders import load

    x = np.load(exported / "test_split.npz")["x"]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run = load("keras", exported / "model.keras")
        one = run(x[:1])
        many = run(x)
    assert [str(w.message) for w in caught] == []
    assert one.shape == (1, 1) and many.shape == (len(x), 1)
    assert abs(float(one[0, 0]) - float(many[0, 0])) < 1e-6


def test_one_unit_of_one_pixel_fails_a_from_files_cell(exported):
    """The from-files cells (Java and JavaScript preparing the picture files themselves) are
    held to the model's float bound: a preparation that moves one pixel of a picture (the
    centre one, in each test picture) by one 8-bit unit fails them, where the old 1e-3 let
    it through."""
    from python.parity.compare import compare
    from python.runtimes.loaders import predict_file

    manifest = read_manifest(exported)
    split = np.load(exported / "test_split.npz")
    x = split["x"]
    reference = predict_file(spec("onnx"), exported / "model.onnx", x)
    unit = np.float32(manifest.preprocessing.rescale_factor)
    moved = x.copy()
    h, w = x.shape[1] // 2, x.shape[2] // 2
    moved[:, h, w, 0] += np.where(moved[:, h, w, 0] + unit <= 1.0, unit, -unit)
    probability = predict_file(spec("onnx"), exported / "model.onnx", moved)
    bound = manifest.float_max_abs_diff()
    cell = compare("onnx", reference, probability, float(split["threshold"]), "java_files", bound)
    assert bound < cell.max_abs_diff < 1e-3 and not cell.ok
    assert compare("onnx", reference, reference, float(split["threshold"]), "java_files",
                   bound).ok
