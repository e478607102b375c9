"""Which Python runtime runs which artifact format, in one table."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

Runner = Callable[[Path, np.ndarray], np.ndarray]


def _keras(path: Path, x: np.ndarray) -> np.ndarray:
    import keras

    model = keras.saving.load_model(str(path), compile=False)
    return np.asarray(model.predict(x, batch_size=256, verbose=0)).reshape(-1).astype(np.float32)


def _savedmodel(path: Path, x: np.ndarray) -> np.ndarray:
    from converters.savedmodel import run_savedmodel

    return run_savedmodel(path, x)


def _tflite(path: Path, x: np.ndarray) -> np.ndarray:
    from converters.tflite import run_tflite

    return run_tflite(path, x)


def _onnx(path: Path, x: np.ndarray) -> np.ndarray:
    from converters.onnx import run_onnx

    return run_onnx(path, x)


#: format -> (runtime name used in parity keys, runner)
PYTHON_RUNTIMES: dict[str, tuple[str, Runner]] = {
    "keras": ("keras", _keras),
    "savedmodel": ("tensorflow", _savedmodel),
    "tflite": ("litert", _tflite),
    "onnx": ("onnxruntime", _onnx),
}


def runner_for(fmt: str) -> tuple[str, Runner]:
    if fmt not in PYTHON_RUNTIMES:
        raise ValueError(f"no Python runtime for format {fmt!r}")
    return PYTHON_RUNTIMES[fmt]
