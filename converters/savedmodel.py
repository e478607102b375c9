"""Keras model to TF SavedModel with a ``serving_default`` signature, and its runner."""

from __future__ import annotations

from pathlib import Path

import numpy as np

SIGNATURE = "serving_default"
TAG = "serve"


def export_savedmodel(model: object, path: str | Path) -> Path:
    """Write the Keras model as a SavedModel through Keras's own exporter.

    ``model.export`` (not ``tf.saved_model.save``) is the supported path for Keras 3:
    it registers ``serve`` and aliases it as ``serving_default``.
    """
    path = Path(path)
    model.export(str(path), format="tf_saved_model", verbose=False)
    return path


def signature_names(path: str | Path) -> tuple[str, str]:
    """The input and output names of ``serving_default``, as a Java caller must use them."""
    import tensorflow as tf

    fn = tf.saved_model.load(str(path)).signatures[SIGNATURE]
    (input_name,) = fn.structured_input_signature[1].keys()
    (output_name,) = fn.structured_outputs.keys()
    return input_name, output_name


def run_savedmodel(path: str | Path, x: np.ndarray, batch: int = 256) -> np.ndarray:
    """Probabilities from the SavedModel's ``serving_default`` in Python TensorFlow."""
    import tensorflow as tf

    fn = tf.saved_model.load(str(path)).signatures[SIGNATURE]
    (input_name,) = fn.structured_input_signature[1].keys()
    (output_name,) = fn.structured_outputs.keys()
    out = [
        fn(**{input_name: tf.constant(x[i:i + batch])})[output_name].numpy().reshape(-1)
        for i in range(0, len(x), batch)
    ]
    return np.concatenate(out).astype(np.float32) if out else np.zeros(0, np.float32)
