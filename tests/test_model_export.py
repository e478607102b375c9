"""``--model`` exports beyond the happy path: a converter that lacks an op, unlabelled
pictures, and a model trained here (N classes, RGB) saved and exported again."""

from __future__ import annotations

import json

import numpy as np
import pytest

from python.export import command as export
from tests.userpictures import make_folder


@pytest.fixture(scope="module")
def pictures(tmp_path_factory):
    root = tmp_path_factory.mktemp("pictures")
    return make_folder(root / "rgb3", 3, per_class=14, large_every=0)


def _run(capsys, *flags) -> tuple[int, str]:
    code = export.main([*map(str, flags), "--quiet"])
    return code, capsys.readouterr().err


def _acos_savedmodel(path):
    """A SavedModel whose graph holds Acos, an op TFLite's built-ins lack (ONNX has it)."""
    from python.quiet import native_stderr_silenced

    with native_stderr_silenced():
        import keras
        import tensorflow as tf

    from converters.savedmodel import export_savedmodel

    keras.utils.set_random_seed(1)
    given = keras.Input((16, 16, 3), name="picture")
    x = keras.layers.Conv2D(4, 3, activation="tanh")(keras.layers.Rescaling(1 / 255)(given))
    x = keras.layers.Lambda(lambda t: tf.math.acos(t * 0.9))(x)
    x = keras.layers.GlobalAveragePooling2D()(x)
    model = keras.Model(given, keras.layers.Dense(3, activation="softmax")(x))
    return export_savedmodel(model, path, "picture", (16, 16, 3))


def test_an_op_one_converter_lacks_costs_that_artifact_only(tmp_path, capsys, pictures):
    model = _acos_savedmodel(tmp_path / "acos")
    out = tmp_path / "out"
    out.mkdir()
    (out / "manifest.json").write_text("previous run")
    code, err = _run(capsys, "--model", model, "--data", pictures, "--out", out,
                     "--require", "savedmodel,tflite")
    assert code == 1 and "required artifact(s) not made: tflite: TFLite's built-in ops lack" \
        " Acos" in err and "Traceback" not in err
    assert (out / "manifest.json").read_text() == "previous run"
    code, err = _run(capsys, "--model", model, "--data", pictures, "--out", out)
    assert code == 0, err[-2000:]
    assert "export: warning: tflite not made: TFLite's built-in ops lack Acos" in err
    m = json.loads((out / "manifest.json").read_text())
    assert m["missing"]["tflite"]["ops"] == ["Acos"]
    assert set(m["artifacts"]) == {"savedmodel", "onnx"}  # and keras: a SavedModel has none
    assert "TFSMLayer" in m["missing"]["keras"]["reason"] and not (out / "model.tflite").exists()
    assert all(c["ok"] or c["not_applicable"] for c in m["parity"].values())
    assert "tflite/litert" not in m["parity"] and m["parity"]["onnx/onnxruntime"]["ok"]


def test_unlabelled_pictures_export_without_accuracy(tmp_path, capsys, pictures):
    from python.quiet import native_stderr_silenced

    with native_stderr_silenced():
        import keras

    keras.utils.set_random_seed(2)
    given = keras.Input((20, 20, 3), name="photo")
    x = keras.layers.GlobalAveragePooling2D()(keras.layers.Conv2D(6, 3, activation="relu")(
        keras.layers.Rescaling(1 / 255)(given)))
    path = tmp_path / "three.keras"
    keras.Model(given, keras.layers.Dense(3)(x)).save(path)  # logits
    flat = tmp_path / "flat"
    flat.mkdir()
    for p in sorted(pictures.rglob("*.*")):
        (flat / f"{p.parent.name}_{p.name}").write_bytes(p.read_bytes())
    labels = tmp_path / "synset.txt"
    labels.write_text("first\nsecond\nthird\n")
    out = tmp_path / "out"
    code, err = _run(capsys, "--model", path, "--data", flat, "--labels", labels, "--out", out,
                     "--output", "logits")
    assert code == 0, err[-2000:]
    assert "has no class folders: no accuracy" in err
    m = json.loads((out / "manifest.json").read_text())
    assert m["metrics"] is None and m["labels"] == ["first", "second", "third"]
    assert m["output"]["appended"] == "softmax" and m["model"]["how"] == "read from the model"
    assert not (out / "confusion_matrix.png").exists()
    assert (np.load(out / "test_split.npz")["y"] == -1).all()
    code, err = _run(capsys, "--model", path, "--data", flat, "--labels", labels, "--out", out,
                     "--output", "probabilities")
    assert code == 2 and "the model ends in logits, but --output probabilities was given" in err


def test_trained_n_class_rgb_model_saves_and_exports_again(tmp_path, capsys, pictures):
    """--data with three class folders and --color rgb trains a softmax on three channels;
    --save-model writes it, and --model exports the same model again."""
    saved = tmp_path / "trained.keras"
    first = tmp_path / "first"
    code, err = _run(capsys, "--data", pictures, "--color", "rgb", "--architecture", "fast",
                     "--epochs", "2", "--image-size", "20", "--save-model", saved, "--out", first)
    assert code == 0, err[-2000:]
    m = json.loads((first / "manifest.json").read_text())
    assert m["input"]["channels"] == 3 and m["output"]["classes"] == 3
    assert m["output"]["activation"] == "softmax" and m["threshold"] is None
    assert m["labels"] == ["bars", "disc", "square"] and m["training"]["architecture"] == "fast"
    assert np.asarray(m["metrics"]["confusion_matrix"]["counts"]).shape == (3, 3)
    second = tmp_path / "second"
    code, err = _run(capsys, "--model", saved, "--data", pictures, "--out", second)
    assert code == 0, err[-2000:]
    again = json.loads((second / "manifest.json").read_text())
    assert again["model"]["format"] == "keras" and again["training"] is None
    assert again["labels"] == m["labels"] and again["preprocessing"] == m["preprocessing"]
    a, b = np.load(first / "test_split.npz"), np.load(second / "test_split.npz")
    assert np.array_equal(a["x"], b["x"])
    np.testing.assert_allclose(a["reference_test"], b["reference_test"], atol=1e-6)
    code, err = _run(capsys, "--model", saved, "--data", pictures, "--out", tmp_path / "t",
                     "--threshold", "0.3")
    assert code == 2 and "--threshold is for one sigmoid unit" in err
