"""ONNX to int8 with onnxruntime.quantization: static QDQ (per channel and per
tensor) and dynamic, measured side by side.

Static QDQ (calibrated) is what the ONNX Runtime docs recommend for CNNs; dynamic
quantization turns Conv into ConvInteger, which some builds refuse to run. Both
are made and measured; the caller keeps the one that agrees best with the float
model and loads.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

CALIBRATION_SAMPLES = 300
METHODS = ("static_qdq", "static_qdq_per_tensor", "dynamic")


class _Pictures:
    """onnxruntime CalibrationDataReader over a float32 picture batch."""

    def __init__(self, input_name: str, pictures: np.ndarray) -> None:
        self._it = iter([{input_name: p[np.newaxis].astype(np.float32)} for p in pictures])

    def get_next(self) -> dict[str, np.ndarray] | None:
        return next(self._it, None)


def quantize_onnx(
    onnx_path: str | Path, out: str | Path, calibration: np.ndarray, method: str = "static_qdq",
) -> Path:
    """Write an int8 twin of the float ONNX model by the named method."""
    import onnx
    from onnxruntime.quantization import (
        CalibrationMethod,
        QuantFormat,
        QuantType,
        quantize_dynamic,
        quantize_static,
    )
    from onnxruntime.quantization.shape_inference import quant_pre_process

    out = Path(out)
    with tempfile.TemporaryDirectory() as tmp:
        prepared = Path(tmp) / "prepared.onnx"
        quant_pre_process(str(onnx_path), str(prepared), skip_symbolic_shape=True)
        if method.startswith("static_qdq"):
            name = onnx.load(str(prepared)).graph.input[0].name
            quantize_static(
                str(prepared), str(out), _Pictures(name, calibration[:CALIBRATION_SAMPLES]),
                quant_format=QuantFormat.QDQ, activation_type=QuantType.QInt8,
                weight_type=QuantType.QInt8, per_channel=method == "static_qdq",
                calibrate_method=CalibrationMethod.MinMax,
            )
        elif method == "dynamic":
            quantize_dynamic(str(prepared), str(out), weight_type=QuantType.QInt8)
        else:
            raise ValueError(f"unknown quantization method {method!r}; known: {METHODS}")
    return out
