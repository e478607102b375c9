"""The Python API: ``python.Classifier`` answers as python.predict does, for files and for
bytes, and ``python.export_model`` exports a keras.Model held in memory (issue 39)."""

from __future__ import annotations

import json

import pytest

import python
from python.errors import PictureError, ToolkitError
from tests.conftest import run_module
from tests.pictures import make_folder


def test_classifier_answers_as_python_predict_files_and_bytes(exported, tmp_path):
    pictures = sorted(str(p) for p in make_folder(tmp_path, {"0": 3, "1": 3}).rglob("*.png"))
    lines = run_module("python.predict", "--artifacts", str(exported), "--top", "2",
                       *pictures).stdout.splitlines()
    with python.Classifier(exported) as classifier:
        answers = classifier.classify_all(pictures, top=2)
        for line, answer in zip(lines, answers, strict=True):
            path, label, probability, *top = line.split("\t")
            assert (answer.path, answer.label, f"{answer.probability:.6f}") == \
                (path, label, probability)
            assert [f"{k}:{v:.6f}" for k, v in answer.top] == top
            assert set(answer.probabilities) == set(classifier.labels)
        from_bytes = classifier.classify(open(pictures[0], "rb").read(), name="sent.png")
        assert (from_bytes.path, from_bytes.probability) == ("sent.png", answers[0].probability)


def test_classifier_refuses_a_picture_naming_it_and_can_go_on(exported, tmp_path):
    bad = tmp_path / "holiday.jpg"
    bad.write_bytes(b"\xff\xd8\xff\xe0 not really a JPEG")
    good = next(make_folder(tmp_path / "ok", {"0": 1}).rglob("*.png"))
    with python.Classifier(exported) as classifier:
        with pytest.raises(PictureError, match="holiday.jpg: "):
            classifier.classify(bad)
        with pytest.raises(PictureError, match="^upload: "):
            classifier.classify(bad.read_bytes(), name="upload")
        unreadable: list[PictureError] = []
        answers = classifier.classify_all([bad, good], unreadable=unreadable)
    assert [a.path for a in answers] == [str(good)] and str(unreadable[0]).startswith(str(bad))
    with pytest.raises(ToolkitError, match="manifest"):
        python.Classifier(tmp_path)


def test_export_model_takes_a_keras_model_in_memory(tmp_path):
    import keras

    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((12, 12, 1)), keras.layers.Rescaling(1 / 255),
                              keras.layers.Conv2D(4, 3, activation="relu"),
                              keras.layers.GlobalAveragePooling2D(),
                              keras.layers.Dense(1, activation="sigmoid")], name="notebook")
    data = make_folder(tmp_path / "data", {"a": 12, "b": 12})
    out = tmp_path / "artifacts"
    manifest = python.export_model(model, data, out, quantize=False)
    assert manifest.labels == ["a", "b"] and manifest.input.height == 12
    written = json.loads((out / "manifest.json").read_text())
    assert written["labels"] == ["a", "b"]
    assert written["model"]["source"] == "keras.Model 'notebook' (in memory)"
    assert set(manifest.parity) and all(c.ok for c in manifest.parity.values())
