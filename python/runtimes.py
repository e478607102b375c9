"""Which Python runtime runs which artifact format, in one table."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

Runner = Callable[[Path, np.ndarray], np.ndarray]


KERAS_BATCH = 256


def keras_probabilities(model: object, x: np.ndarray) -> np.ndarray:
    """Keras probabilities by calling the model on batches of 256.

    Not ``model.predict``: it retraces per batch shape, and hands each batch's outputs
    to its callbacks as logs, where Keras's ``pythonify_logs`` calls ``float()`` on the
    array: a NumPy DeprecationWarning for every one-picture batch.
    """
    parts = [np.asarray(model(x[i:i + KERAS_BATCH], training=False)).reshape(-1)
             for i in range(0, len(x), KERAS_BATCH)]
    return np.concatenate(parts).astype(np.float32) if parts else np.zeros(0, np.float32)


def _keras(path: Path, x: np.ndarray) -> np.ndarray:
    import keras

    return keras_probabilities(keras.saving.load_model(str(path), compile=False), x)


def _savedmodel(path: Path, x: np.ndarray) -> np.ndarray:
    from converters.savedmodel import run_savedmodel

    return run_savedmodel(path, x)


def _tflite(path: Path, x: np.ndarray) -> np.ndarray:
    """LiteRT, its native INFO line ("Created TensorFlow Lite XNNPACK delegate") kept off."""
    from converters.tflite import run_tflite
    from python.quiet import native_stderr_silenced

    with native_stderr_silenced():
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
