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


def _interpreter(path: str | Path) -> object:
    """LiteRT's interpreter where installed, else TensorFlow's bundled tf.lite one."""
    try:
        from ai_edge_litert.interpreter import Interpreter
    except ImportError:
        import tensorflow as tf

        Interpreter = tf.lite.Interpreter  # noqa: N806
    return Interpreter(model_path=str(path))


def run_tflite(path: str | Path, x: np.ndarray) -> np.ndarray:
    """Probabilities from a float or int8 TFLite model, quantizing the input as it asks."""
    interp = _interpreter(path)
    inp = interp.get_input_details()[0]
    outp = interp.get_output_details()[0]
    n = len(x)
    interp.resize_tensor_input(inp["index"], [max(n, 1), *x.shape[1:]])
    interp.allocate_tensors()
    if n == 0:
        return np.zeros(0, np.float32)
    feed = x.astype(np.float32)
    if inp["dtype"] != np.float32:
        scale, zero = inp["quantization"]
        info = np.iinfo(inp["dtype"])
        feed = np.clip(np.round(feed / scale + zero), info.min, info.max).astype(inp["dtype"])
    interp.set_tensor(inp["index"], feed)
    interp.invoke()
    y = interp.get_tensor(outp["index"]).reshape(-1)
    if outp["dtype"] != np.float32:
        scale, zero = outp["quantization"]
        y = (y.astype(np.float32) - zero) * scale
    return y.astype(np.float32)
