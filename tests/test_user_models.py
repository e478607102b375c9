"""``python -m python.export --model``: users' own classifiers, real architectures, every
artifact, parity for N outputs (shown to fail on swapped classes), predict --top."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from python.artifacts.manifest import describe_artifact, read_manifest, write_manifest
from python.artifacts.registry import spec
from tests.conftest import cached_run, run_module
from tests.usermodels import TESTED

FLOAT = {"savedmodel", "keras", "tflite", "onnx"}
#: What each model's manifest must say of its preprocessing and output.
EXPECTED = {
    "mobilenet_v3_small": {"color": "rgb", "resample": 3, "do_center_crop": True,
                           "do_rescale": False, "classes": 4, "appended": None,
                           "own_rescaling": True, "own_normalization": False},
    "efficientnet_b0": {"color": "rgb", "resample": 2, "do_center_crop": False,
                        "do_rescale": False, "classes": 3, "appended": None,
                        "own_rescaling": True, "own_normalization": True},
    "normalized_logits": {"color": "rgb", "resample": 2, "do_center_crop": False,
                          "do_rescale": True, "classes": 4, "appended": "softmax",
                          "own_rescaling": False, "own_normalization": True},
    "grey_sigmoid": {"color": "grey", "resample": 2, "do_center_crop": False,
                     "do_rescale": True, "classes": 1, "appended": None,
                     "own_rescaling": False, "own_normalization": False},
    "augmented": {"color": "rgb", "resample": 2, "do_center_crop": False, "do_rescale": False,
                  "classes": 4, "appended": "softmax", "own_rescaling": True,
                  "own_normalization": False},
    "mobilenet_v2_224": {"color": "rgb", "resample": 3, "do_center_crop": True,
                         "do_rescale": True, "classes": 3, "appended": None,
                         "own_rescaling": False, "own_normalization": False},
}
#: The one model exported with --quantize here (small: its int8 search takes seconds).
QUANTIZED = "normalized_logits"


@pytest.fixture(scope="session")
def user_models(test_cache) -> Path:
    folder = test_cache / "usermodels"
    missing = [n for n in TESTED if not (folder / n / "export.json").is_file()]
    if missing:
        made = run_module("tests.usermodels", str(folder), "--only", *missing, timeout=1800)
        assert made.returncode == 0, made.stderr[-3000:]
    return folder


@pytest.fixture(scope="session")
def user_export(user_models):
    """export(name) -> (artifacts folder, the export's exit status and output), made once."""

    def export(name: str) -> tuple[Path, subprocess.CompletedProcess]:
        flags = json.loads((user_models / name / "export.json").read_text())["flags"]
        out = user_models / name / "artifacts"
        extra = ["--quantize"] if name == QUANTIZED else []
        return out, cached_run(out.parent / "export", "python.export", *flags, *extra,
                               "--quiet", "--out", str(out))

    return export


@pytest.mark.parametrize("name", list(EXPECTED))
def test_every_artifact_agrees_for_each_model(user_export, user_models, name):
    out, result = user_export(name)
    assert result.returncode == 0, result.stderr[-3000:]
    assert all(line.startswith("export: warning: ") for line in result.stderr.splitlines())
    m = json.loads((out / "manifest.json").read_text())
    want = EXPECTED[name]
    made = set(m["artifacts"])
    if m["model"]["format"] == "savedmodel":  # a SavedModel has no .keras form
        assert made == FLOAT - {"keras"} | ({"tflite_int8", "onnx_int8"} & made)
        assert "TFSMLayer" in m["missing"]["keras"]["reason"]
    else:
        assert FLOAT <= made and "keras" not in m["missing"]
    assert m["output"]["classes"] == want["classes"]
    assert m["output"]["appended"] == want["appended"]
    pre = m["preprocessing"]
    for key in ("color", "resample", "do_center_crop", "do_rescale"):
        assert pre[key] == want[key], key
    assert (m["model"]["own_rescaling"] is not None) == want["own_rescaling"]
    assert (m["model"]["own_normalization"] is not None) == want["own_normalization"]
    data = user_models / name / "data"
    assert m["labels"] == sorted(p.name for p in data.iterdir())  # Keras's class order
    counts = np.asarray(m["metrics"]["confusion_matrix"]["counts"])
    assert counts.shape == (len(m["labels"]),) * 2 and counts.sum() == m["data"]["test"]
    split = np.load(out / "test_split.npz")
    answers = split["reference_test"]
    assert float(np.ptp(answers, axis=0).max()) > 0.01, "the model answers alike for all"
    _check_parity(m)


def _check_parity(m: dict) -> None:
    cells = m["parity"]
    python = {f"{a}/{spec(a).python_runtime}" for a in m["artifacts"]}
    assert python <= set(cells)
    for key in python:
        assert cells[key]["ok"] and cells[key]["n"] == m["data"]["test"], key
    if m["parity_java"] != "ran":
        assert m["parity_java"].startswith("skipped: ")
        if os.environ.get("MODELPARITY_REQUIRE_JAVA") == "1":
            pytest.fail(f"MODELPARITY_REQUIRE_JAVA=1 but {m['parity_java']}")
        return
    files = 0
    for key, c in cells.items():
        artifact, runtime = key.split("/")
        if runtime == "java_files":
            files += 1
            # Java prepares every picture from its file: each probability compared, labels equal
            assert c["ok"] and c["n"] == m["data"]["test"], (key, c)
        elif runtime.endswith("_java") or runtime.endswith("_java_oldest"):
            assert c["ok"], (key, c)
            bound = m["float_bound"]["max_abs_diff"]
            assert spec(artifact).quantized or c["max_abs_diff"] <= bound, (key, c)
    assert files and {"savedmodel/tensorflow_java", "onnx/onnxruntime_java",
                      "onnx/onnxruntime_java_oldest"} <= set(cells)


def test_augmentation_layers_are_off_in_every_artifact(user_export):
    """The tutorial's RandomFlip/Rotation/Zoom inside the model: exported in inference mode."""
    from tensorflow.core.protobuf import saved_model_pb2

    out, result = user_export("augmented")
    assert result.returncode == 0, result.stderr[-2000:]
    saved = saved_model_pb2.SavedModel()
    saved.ParseFromString((out / "savedmodel" / "saved_model.pb").read_bytes())
    ops = {node.op for g in saved.meta_graphs for node in g.graph_def.node}
    assert not [op for op in ops if "Random" in op or op.startswith("Stateless")], ops
    import onnx

    assert not [n.op_type for n in onnx.load(str(out / "model.onnx")).graph.node
                if "Random" in n.op_type]


def test_int8_for_a_softmax_model(user_export):
    """int8 on N classes: each kept file keeps 99% of the float model's top-1 labels; a
    recipe that would not is never published."""
    out, result = user_export(QUANTIZED)
    assert result.returncode == 0, result.stderr[-2000:]
    m = json.loads((out / "manifest.json").read_text())
    for artifact in ("tflite_int8", "onnx_int8"):
        q = m["quantization"][artifact]
        if artifact in m["artifacts"]:
            assert q["recipes"][q["chosen"]]["selection_label_agreement"] >= 0.99
            assert m["parity"][f"{artifact}/{spec(artifact).python_runtime}"]["ok"]
        else:
            assert q["chosen"] is None and m["missing"][artifact]["reason"] == q["why"]


def test_parity_command_runs_every_java_cell_for_an_rgb_softmax(user_export, tmp_path):
    from python.runtimes.jvm import java_unavailable

    exported, result = user_export("augmented")
    assert result.returncode == 0
    if java_unavailable() is not None:
        pytest.skip(f"Java cells cannot run here: {java_unavailable()}")
    out = tmp_path / "artifacts"  # the command refreshes the manifest: a copy, not the export
    shutil.copytree(exported, out)
    checked = run_module("python.parity", "--artifacts", str(out))
    assert checked.returncode == 0, checked.stderr[-2000:]
    assert "cells within tolerance" in checked.stdout
    assert "not applicable" not in checked.stdout and "n/a" not in checked.stdout
    # the Java library, end to end from the files, for both artifacts it runs
    for cell in ("onnx/java_files", "savedmodel/java_files"):
        assert cell in checked.stdout


def _swap_first_two_classes(model) -> None:
    """Reorder the ONNX output's columns: class 0's probability where class 1's was."""
    from onnx import helper, numpy_helper

    graph = model.graph
    out = graph.output[0].name
    for node in graph.node:
        node.output[:] = ["unswapped" if o == out else o for o in node.output]
    k = graph.output[0].type.tensor_type.shape.dim[1].dim_value
    order = np.arange(k)
    order[[0, 1]] = order[[1, 0]]
    graph.initializer.append(numpy_helper.from_array(order.astype(np.int64), "order"))
    graph.node.append(helper.make_node("Gather", ["unswapped", "order"], [out], axis=1))


def test_swapped_classes_fail_the_onnx_cells(user_export, tmp_path):
    """A multi-class artifact whose two classes' outputs are swapped fails parity, named."""
    import onnx

    from python.parity.matrix import run_matrix

    exported, result = user_export("augmented")
    assert result.returncode == 0
    artifacts = tmp_path / "artifacts"
    shutil.copytree(exported, artifacts)
    model = onnx.load(str(artifacts / "model.onnx"))
    _swap_first_two_classes(model)
    onnx.save(model, str(artifacts / "model.onnx"))
    manifest = read_manifest(artifacts)  # consistent digests: only the numbers can tell
    entries = {**manifest.artifacts, "onnx": describe_artifact(artifacts, spec("onnx"))}
    write_manifest(artifacts, replace(manifest, artifacts=entries))
    cells, skipped = run_matrix(artifacts, read_manifest(artifacts))
    bad = {k for k, c in cells.items() if not c.ok and not c.not_applicable}
    expected = {"onnx/onnxruntime"} | ({"onnx/onnxruntime_java", "onnx/onnxruntime_java_oldest",
                                        "onnx/java_files"} if skipped is None else set())
    assert bad == expected
    assert cells["onnx/onnxruntime"].label_agreement < 0.9
    assert cells["onnx/onnxruntime"].max_abs_diff > 0.1


@pytest.mark.parametrize("name, k", [("augmented", 3), ("grey_sigmoid", 3)])
def test_predict_top_k_for_any_model(user_export, user_models, name, k):
    out, result = user_export(name)
    assert result.returncode == 0
    m = json.loads((out / "manifest.json").read_text())
    pictures = sorted(str(p) for p in (user_models / name / "data").rglob("*.*"))[:: 20][:4]
    shown = run_module("python.predict", "--artifacts", str(out), "--top", str(k), *pictures)
    assert shown.returncode == 0 and shown.stderr == "", shown.stderr[-1000:]
    lines = shown.stdout.splitlines()
    assert [ln.split("\t")[0] for ln in lines] == pictures
    for line in lines:
        path, label, p, *pairs = line.split("\t")
        top = [(a, float(b)) for a, b in (pair.rsplit(":", 1) for pair in pairs)]
        assert len(top) == min(k, len(m["labels"])) and label in m["labels"]
        assert [q for _, q in top] == sorted((q for _, q in top), reverse=True)
        if m["output"]["classes"] == 1:  # the positive class's probability, as today
            assert dict(top)[m["labels"][1]] == pytest.approx(float(p), abs=1e-6)
            assert label == m["labels"][int(float(p) >= m["threshold"])]
        else:  # the top label's
            assert top[0] == (label, pytest.approx(float(p), abs=1e-6))
            assert sum(q for _, q in top) <= 1.0 + 1e-5


def test_the_imagenet_size_model_gets_a_bound_derived_from_its_noise(user_export):
    """MobileNetV2 at 224: its bound comes from float32's noise on it, by the stated rule,
    and the export reports what the fast route would change."""
    from python.parity import tolerance

    out, result = user_export("mobilenet_v2_224")
    assert result.returncode == 0, result.stderr[-3000:]
    m = json.loads((out / "manifest.json").read_text())
    bound = m["float_bound"]
    assert bound["rule"] == tolerance.FLOAT_BOUND_RULE and not bound["given"]
    assert 0.0 < bound["noise"] < tolerance.FLOAT_CEILING
    assert bound["max_abs_diff"] == tolerance.derive_bound(bound["noise"])
    assert m["tolerances"]["float_max_abs_diff"] == bound["max_abs_diff"]
    assert m["preprocessing"]["reducing_gap"] is None  # a Hugging Face file: faithful
    fidelity = m["fidelity"]
    assert fidelity["pictures"] == m["data"]["train"] + m["data"]["val"] + m["data"]["test"]
    assert fidelity["max_input_diff"] > 0.0 and fidelity["max_probability_diff"] > 0.0


def test_a_weight_nudged_by_a_thousandth_fails_the_imagenet_size_model(user_export, tmp_path):
    """The derived bound still catches a wrong weight: a tenth of the largest tensor moved by
    1e-3 fails the float ONNX cells."""
    import onnx

    from python.parity.matrix import run_matrix
    from tests.test_parity import _nudge

    exported, result = user_export("mobilenet_v2_224")
    assert result.returncode == 0
    artifacts = tmp_path / "artifacts"
    shutil.copytree(exported, artifacts)
    model = onnx.load(str(artifacts / "model.onnx"))
    _nudge(model, 1e-3)
    onnx.save(model, str(artifacts / "model.onnx"))
    manifest = read_manifest(artifacts)
    entries = {**manifest.artifacts, "onnx": describe_artifact(artifacts, spec("onnx"))}
    write_manifest(artifacts, replace(manifest, artifacts=entries))
    cells, _ = run_matrix(artifacts, read_manifest(artifacts), java=False)
    assert not cells["onnx/onnxruntime"].ok
    assert cells["onnx/onnxruntime"].max_abs_diff > manifest.float_max_abs_diff()
    assert all(c.ok for k, c in cells.items() if not k.startswith("onnx/"))


def test_the_same_model_exports_to_the_same_bytes(user_models, tmp_path):
    """Two exports of one .keras --model with --quantize, in two processes: every artifact's
    sha256 equal. The int8 recipe is chosen by answers, not timing, and model.keras carries no
    date; the manifest's timings and dates may differ, the artifacts may not. Not yet
    byte-stable, so not this test's models: one given as a SavedModel folder (TensorFlow
    re-saves its captured tensors in an order that varies between processes) and one with
    augmentation layers (Keras writes a shared object's id(), and its ONNX differs)."""
    name = "grey_sigmoid"
    flags = json.loads((user_models / name / "export.json").read_text())["flags"]
    shas = []
    for run in ("first", "second"):
        done = run_module("python.export", *flags, "--quantize", "--quiet", "--out",
                          str(tmp_path / run), timeout=1200)
        assert done.returncode == 0, done.stderr[-2000:]
        artifacts = json.loads((tmp_path / run / "manifest.json").read_text())["artifacts"]
        shas.append({k: v["sha256"] for k, v in artifacts.items()})
    assert "tflite_int8" in shas[0] and "keras" in shas[0]
    assert shas[0] == shas[1]
