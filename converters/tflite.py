"""SavedModel to TFLite: float32, and full-integer int8 calibrated on training pictures."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np

#: Calibration pictures for int8: the TFLite docs ask for 100 to 500 samples.
CALIBRATION_SAMPLES = 300


def to_tflite(savedmodel: str | Path, out: str | Path) -> Path:
    """Convert the SavedModel to a float32 TFLite flatbuffer."""
    import tensorflow as tf

    converter = tf.lite.TFLiteConverter.from_saved_model(str(savedmodel))
    out = Path(out)
    out.write_bytes(converter.convert())
    return out


def to_tflite_int8(savedmodel: str | Path, out: str | Path, calibration: np.ndarray,
                   per_channel: bool = True) -> Path:
    """Full-integer quantization: int8 weights, activations, input and output.

    Per-channel weight scales are the accurate default; per-tensor scales make a
    smaller file, which matters only for networks whose weights are a few kB.
    """
    import tensorflow as tf

    def representative() -> Iterator[list[np.ndarray]]:
        for picture in calibration[:CALIBRATION_SAMPLES]:
            yield [picture[np.newaxis].astype(np.float32)]

    converter = tf.lite.TFLiteConverter.from_saved_model(str(savedmodel))
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = representative
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    converter.inference_input_type = tf.int8
    converter.inference_output_type = tf.int8
    converter._experimental_disable_per_channel = not per_channel  # no public switch
    out = Path(out)
    out.write_bytes(converter.convert())
    return out
