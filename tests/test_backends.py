"""Training is backend-neutral: under ``KERAS_BACKEND=jax`` the training command imports no
TensorFlow, and the .keras file it writes exports with ``--model``, every parity cell passing.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.conftest import ROOT, run_module

#: The training command in a process that then says how many TensorFlow modules it holds.
TRAIN_AND_COUNT = """
import sys
from python.training.command import main
code = main(sys.argv[1:])
print("tensorflow modules:", sum(m.split(".")[0] == "tensorflow" for m in sys.modules))
sys.exit(code)
"""


def _lfw_folder(root: Path) -> Path:
    """The embedded lfw_subset written as class folders of grey PNGs, for --model's --data:
    0/ the non-faces, 1/ the faces, so that sorted (as --model labels them) the faces are
    the positive class, the one the model's sigmoid unit answers for."""
    from skimage.data import lfw_subset

    greys = np.rint(np.clip(lfw_subset(), 0.0, 1.0) * 255.0).astype(np.uint8)
    for i, picture in enumerate(greys):  # 100 faces, then 100 non-faces
        folder = root / ("1" if i < 100 else "0")
        folder.mkdir(parents=True, exist_ok=True)
        Image.fromarray(picture).save(folder / f"{i:03d}.png")
    return root


def test_jax_trained_model_exports_with_every_parity_cell_passing(tmp_path):
    if importlib.util.find_spec("jax") is None:
        pytest.skip("jax is not installed (setup.sh installs it: pip install -e '.[jax]')")
    model = tmp_path / "jax.keras"
    env = {**os.environ, "KERAS_BACKEND": "jax", "PYTHONUNBUFFERED": "1"}
    trained = subprocess.run([sys.executable, "-c", TRAIN_AND_COUNT, "--out", str(model),
                              "--epochs", "10"], cwd=ROOT, env=env, capture_output=True,
                             text=True, timeout=600)
    assert trained.returncode == 0, trained.stderr[-3000:]
    assert "trained under jax on CPU" in trained.stdout
    assert "tensorflow modules: 0" in trained.stdout
    out = tmp_path / "out"
    exported = run_module("python.export", "--model", str(model), "--data",
                          str(_lfw_folder(tmp_path / "lfw")), "--out", str(out), "--quiet")
    assert exported.returncode == 0, exported.stderr[-3000:]
    m = json.loads((out / "manifest.json").read_text())
    assert m["model"]["format"] == "keras" and m["training"] is None
    assert {"keras/keras", "savedmodel/tensorflow", "tflite/litert",
            "onnx/onnxruntime"} <= set(m["parity"])
    if os.environ.get("MODELPARITY_REQUIRE_JAVA") == "1":  # CI: the JVM's cells ran too
        assert {"savedmodel/tensorflow_java", "onnx/onnxruntime_java",
                "onnx/java_files"} <= set(m["parity"])
    failed = {name: c for name, c in m["parity"].items() if not c["ok"]}
    assert not failed
    assert m["metrics"]["test_accuracy"] >= 0.75  # it learned faces, not only ran


@pytest.mark.parametrize("flags, message", [
    (["--out", "model.h5"], "--out needs a file name ending in .keras"),
    (["--out", "model.keras", "--data", "nowhere"], "no such folder"),
])
def test_training_errors_are_one_line(tmp_path, flags, message):
    result = run_module("python.training", *flags)
    assert result.returncode == 2 and message in result.stderr
    assert "Traceback" not in result.stderr and not (ROOT / "model.keras").exists()
