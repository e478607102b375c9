"""``--model`` refusals: what the toolkit cannot export is one line naming the file, exit 2,
and nothing written; and the model's own answers (logits or probabilities) read right."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from python.export import command as export
from tests.userpictures import make_folder

SUPPORTED = "supported: one float32 input [batch, height, width, channels]"


def _keras():
    from python.quiet import native_stderr_silenced

    with native_stderr_silenced():
        import keras
    return keras


def _save(model, path):
    model.save(path)
    return path


@pytest.fixture(scope="module")
def pictures(tmp_path_factory):
    """Four small RGB classes and two grey ones, a few pictures each."""
    root = tmp_path_factory.mktemp("pictures")
    return {"rgb4": make_folder(root / "rgb4", 4, per_class=5, large_every=0),
            "rgb3": make_folder(root / "rgb3", 3, per_class=5, large_every=0),
            "grey2": make_folder(root / "grey2", 2, per_class=5, grey=True, large_every=0)}


def _dense(x, units, activation=None):
    keras = _keras()
    return keras.layers.Dense(units, activation=activation)(keras.layers.Flatten()(x))


def _model(shape, units=4, activation="softmax", dtype="float32", inputs=1):
    keras = _keras()
    given = [keras.Input(shape, dtype=dtype, name=f"in{i}") for i in range(inputs)]
    x = given[0] if inputs == 1 else keras.layers.Concatenate()(given)
    x = keras.layers.Activation("linear")(x) if dtype == "float32" else x
    return keras.Model(given if inputs > 1 else given[0], _dense(x, units, activation))


def _run(capsys, *flags) -> tuple[int, str]:
    code = export.main([*map(str, flags), "--quiet"])
    return code, capsys.readouterr().err


def _refused(capsys, out, *flags) -> str:
    code, err = _run(capsys, *flags, "--out", out)
    lines = err.strip().splitlines()
    assert code == 2, err[-2000:]
    assert len(lines) == 1 and lines[0].startswith("export: error: "), err[-2000:]
    assert "Traceback" not in err and not out.exists()
    return lines[0]


@pytest.mark.parametrize("shape, units, activation, dtype, inputs, message", [
    ((3, 16, 16), 4, "softmax", "float32", 1, "is channels-first (NCHW); " + SUPPORTED),
    ((16, 16, 4), 4, "softmax", "float32", 1, "has 4 channels; " + SUPPORTED),
    ((16, 16, 3), 4, "softmax", "float32", 2, "the model has 2 inputs; " + SUPPORTED),
    ((16, 16, 3), 4, "softmax", "uint8", 1, "is uint8; " + SUPPORTED),
    ((16, 16, 3), 3, "sigmoid", "float32", 1, "3 sigmoid outputs (multi-label) are not"),
    ((16, 16, 3), 4, "relu", "float32", 1, "does not say whether its 4 output(s) are"
                                            " probabilities or logits; give --output"),
])
def test_unsupported_models_are_one_line(tmp_path, capsys, pictures, shape, units, activation,
                                         dtype, inputs, message):
    path = _save(_model(shape, units, activation, dtype, inputs), tmp_path / "m.keras")
    line = _refused(capsys, tmp_path / "out", "--model", path, "--data", pictures["rgb4"])
    assert str(path) in line and message in line, line


def test_free_height_and_width_are_refused(tmp_path, capsys, pictures):
    keras = _keras()
    given = keras.Input((None, None, 3), name="picture")
    x = keras.layers.GlobalAveragePooling2D()(keras.layers.Conv2D(4, 3)(given))
    path = _save(keras.Model(given, keras.layers.Dense(4, activation="softmax")(x)),
                 tmp_path / "free.keras")
    line = _refused(capsys, tmp_path / "out", "--model", path, "--data", pictures["rgb4"])
    assert "has a free height or width" in line


def test_label_counts_must_match_the_output(tmp_path, capsys, pictures):
    path = _save(_model((16, 16, 3)), tmp_path / "four.keras")
    line = _refused(capsys, tmp_path / "out", "--model", path, "--data", pictures["rgb3"])
    assert f"{pictures['rgb3']}: 3 labels for a model with 4 outputs" in line
    labels = tmp_path / "labels.txt"
    labels.write_text("a\nb\nc\n")
    flat = tmp_path / "flat"
    flat.mkdir()
    for p in sorted(pictures["rgb4"].rglob("*.*")):
        (flat / f"{p.parent.name}_{p.name}").write_bytes(p.read_bytes())
    line = _refused(capsys, tmp_path / "out", "--model", path, "--data", flat, "--labels", labels)
    assert f"{labels}: 3 labels for a model with 4 outputs" in line
    line = _refused(capsys, tmp_path / "out", "--model", path, "--data", flat)
    assert "no class folders, so no label names; give --labels" in line


def test_preprocessing_refusals_name_the_field(tmp_path, capsys, pictures):
    path = _save(_model((16, 16, 3)), tmp_path / "m.keras")
    config = tmp_path / "preprocessor_config.json"
    config.write_text(json.dumps({"resample": 1}))
    line = _refused(capsys, tmp_path / "out", "--model", path, "--data", pictures["rgb4"],
                    "--preprocessing", config)
    assert f"{config}: resample: 1 (lanczos) is not supported" in line
    keras = _keras()
    given = keras.Input((16, 16, 3), name="picture")
    scaled = keras.layers.Rescaling(1 / 255)(given)
    own = _save(keras.Model(given, _dense(scaled, 4, "softmax")), tmp_path / "own.keras")
    config.write_text(json.dumps({"do_rescale": True}))
    line = _refused(capsys, tmp_path / "out", "--model", own, "--data", pictures["rgb4"],
                    "--preprocessing", config)
    assert "the model rescales its own input" in line and "scaled twice" in line


@pytest.mark.parametrize("flags, message", [
    (["--epochs", "3"], "--epochs shapes training; --model exports a model trained already"),
    (["--color", "rgb"], "--color shapes training"),
    ([], "--labels is for --model"),
])
def test_flags_that_do_not_go_together(tmp_path, capsys, pictures, flags, message):
    if not flags:  # --labels without --model
        with pytest.raises(SystemExit) as stop:
            export.main(["--labels", str(tmp_path / "l.txt"), "--out", str(tmp_path / "o")])
    else:
        path = _save(_model((16, 16, 3)), tmp_path / "m.keras")
        with pytest.raises(SystemExit) as stop:
            export.main(["--model", str(path), "--data", str(pictures["rgb4"]), *flags])
    assert stop.value.code == 2 and message in capsys.readouterr().err


def test_model_files_that_cannot_be_read(tmp_path, capsys, pictures):
    text = tmp_path / "model.keras"
    text.write_text("not a zip")
    line = _refused(capsys, tmp_path / "out", "--model", text, "--data", pictures["rgb4"])
    assert f"{text}: Keras" in line and "cannot load it" in line
    other = tmp_path / "model.pt"
    other.write_bytes(b"\0")
    line = _refused(capsys, tmp_path / "out", "--model", other, "--data", pictures["rgb4"])
    assert "not a model file this toolkit reads" in line
    folder = tmp_path / "folder"
    folder.mkdir()
    line = _refused(capsys, tmp_path / "out", "--model", folder, "--data", pictures["rgb4"])
    assert "a folder without saved_model.pb" in line


def test_double_normalisation_is_a_warning_that_names_the_layer(tmp_path, caplog):
    """A model with its own Normalization layer and a file that also says do_normalize: some
    models do both on purpose, and the file was given, so the export warns and goes on."""
    from python.export.config import ExportConfig
    from python.export.prepare import _recipe
    from python.model.inspect import ModelInput, OwnPreprocessing

    config = tmp_path / "preprocessor_config.json"
    config.write_text(json.dumps({"do_normalize": True, "image_mean": [0.5] * 3,
                                  "image_std": [0.25] * 3}))
    source = SimpleNamespace(input=ModelInput("picture", 16, 16, 3), own=OwnPreprocessing(
        normalization="layer 'norm' (Normalization)"))
    export = ExportConfig(model=tmp_path / "m.keras", data=tmp_path, preprocessing=config)
    with caplog.at_level("WARNING"):
        pre = _recipe(export, source)
    assert pre.do_normalize and pre.image_std == (0.25, 0.25, 0.25)
    assert "layer 'norm' (Normalization)" in caplog.text and "normalised twice" in caplog.text
