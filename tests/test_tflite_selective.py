"""TFLite's per-layer choice: full integer with one layer left in float (issue 38)."""

from __future__ import annotations

import numpy as np
import pytest

from converters.tflite import to_tflite_int8


@pytest.fixture(scope="module")
def savedmodel(tmp_path_factory: pytest.TempPathFactory):
    import keras

    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input((12, 12, 1)),
        keras.layers.Conv2D(4, 3, activation="relu", name="features"),
        keras.layers.GlobalAveragePooling2D(),
        keras.layers.Dense(6, activation="relu", name="hidden"),
        keras.layers.Dense(1, activation="sigmoid", name="answer"),
    ])
    folder = tmp_path_factory.mktemp("selective") / "savedmodel"
    model.export(str(folder), verbose=False)
    pictures = np.random.default_rng(0).random((40, 12, 12, 1), dtype=np.float32)
    return folder, pictures, model


def _float_ops(path) -> list[tuple[str, bool]]:
    """Each weighted op's type and whether its weights are stored as float32."""
    from ai_edge_litert.interpreter import Interpreter

    interpreter = Interpreter(model_path=str(path))
    dtypes = {t["index"]: t["dtype"] for t in interpreter.get_tensor_details()}
    return [(op["op_name"], dtypes[op["inputs"][1]] == np.float32)
            for op in interpreter._get_ops_details()  # noqa: SLF001  no public op list
            if op["op_name"] in ("CONV_2D", "FULLY_CONNECTED")]


@pytest.mark.parametrize("recipe", ["int8_float_last_dense", "int8_float_worst"])
def test_one_layer_is_left_in_float_and_named_with_why(savedmodel, tmp_path, recipe):
    folder, pictures, model = savedmodel
    kept: dict[str, str] = {}
    out = to_tflite_int8(folder, tmp_path / "m.tflite", pictures, recipe, kept)
    assert len(kept) == 1 and all(kept.values()), kept
    (name,) = kept
    ops = _float_ops(out)
    assert sum(is_float for _, is_float in ops) == 1, ops  # that one, the rest int8
    if recipe == "int8_float_last_dense":
        assert name.startswith("FULLY_CONNECTED answer") and ops[-1] == ("FULLY_CONNECTED", True)
    whole = to_tflite_int8(folder, tmp_path / "whole.tflite", pictures, "int8_float_io")
    assert not any(is_float for _, is_float in _float_ops(whole))
    from ai_edge_litert.interpreter import Interpreter

    interpreter = Interpreter(model_path=str(out))
    run = interpreter.get_signature_runner()
    (answer,) = run(**{interpreter.get_signature_list()["serving_default"]["inputs"][0]:
                       pictures[:8]}).values()
    assert np.abs(answer - np.asarray(model(pictures[:8]))).max() < 0.05
