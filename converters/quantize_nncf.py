"""ONNX to int8 with NNCF, the accuracy-aware quantizer the int8 search draws its best
candidates from.

Why NNCF (3.4, ``nncf.quantize`` on the ONNX model itself): measured on this project's
models, its MIXED preset with MinMax or histogram ranges over every calibration picture and
full bias correction kept 99.4-99.7% of the seed model's test labels where onnxruntime's
own MinMax recipes swung from 98.5 to 99.4% between calibration subsets; it writes plain
QDQ ONNX that ONNX Runtime 1.17 (the Java library's oldest) loads; it leaves named layers
in float (an ignored scope) where a sensitivity pass says they move the answers. Intel
Neural Compressor's accuracy-driven tuning does the same search by its own clock-bounded
strategy, which is what the search here avoids: its outcome would depend on the machine.
NNCF's defaults (mean per-picture ranges, fast bias correction on a 300-picture subset)
kept only 90-97%: the settings below are chosen, not left to defaults.
"""

from __future__ import annotations

import contextlib
import io
import logging
from pathlib import Path

import numpy as np

#: Pictures a sensitivity pass runs through both models: enough to rank layers, cheap.
SENSITIVITY_PICTURES = 64
#: Node types whose weights NNCF quantizes: the layers an ignored scope can keep in float.
WEIGHTED = ("Conv", "MatMul", "Gemm")


def quantize_nncf(onnx_path: Path, out: Path, calibration: np.ndarray, preset: str,
                  range_estimator: str, fast_bias_correction: bool,
                  float_layers: tuple[str, ...] = ()) -> Path:
    """Write NNCF's int8 twin of the float ONNX model, every calibration picture used for
    its statistics, the named nodes kept in float."""
    import nncf
    import onnx
    from nncf.quantization.advanced_parameters import AdvancedQuantizationParameters
    from nncf.quantization.range_estimator import RangeEstimatorParametersSet

    logging.getLogger("nncf").setLevel(logging.ERROR)  # its progress bars and notes
    model = onnx.load(str(onnx_path))
    name = model.graph.input[0].name
    pictures = nncf.Dataset(list(calibration),
                            lambda p: {name: p[np.newaxis].astype(np.float32)})
    ranges = {"minmax": RangeEstimatorParametersSet.MINMAX,
              "histogram": RangeEstimatorParametersSet.HISTOGRAM}[range_estimator]
    # NNCF draws rich progress bars whatever its log level: the export prints its own line.
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        quantized = nncf.quantize(
            model, pictures, subset_size=len(calibration),
            fast_bias_correction=fast_bias_correction,
            preset={"mixed": nncf.QuantizationPreset.MIXED,
                    "performance": nncf.QuantizationPreset.PERFORMANCE}[preset],
            ignored_scope=nncf.IgnoredScope(names=list(float_layers)) if float_layers else None,
            advanced_parameters=AdvancedQuantizationParameters(
                activations_range_estimator_params=ranges))
    onnx.save(quantized, str(out))
    return out


def weighted_layers(onnx_path: Path) -> list[str]:
    """The nodes an ignored scope may name (Conv, MatMul, Gemm), in graph order."""
    import onnx

    return [n.name for n in onnx.load(str(onnx_path)).graph.node if n.op_type in WEIGHTED]


def sensitivity(float_path: Path, quantized_path: Path, pictures: np.ndarray) -> list[str]:
    """The weighted layers ranked worst first by the error each adds: the relative error
    (|q - f| / |f|, over the pictures) of its output in the int8 model against the float
    one, less that of its input. One pass through each model, every layer's output kept:
    the per-layer ranking NNCF's accuracy control makes by requantizing, made here once."""
    import onnx
    import onnxruntime as ort

    model = onnx.load(str(float_path))
    layers = [n for n in model.graph.node if n.op_type in WEIGHTED]
    wanted = sorted({t for n in layers for t in (n.input[0], n.output[0])})
    errors: dict[str, float] = {}
    answers = []
    for path in (float_path, quantized_path):
        m = onnx.load(str(path))
        known = {o.name for o in m.graph.output}
        m.graph.output.extend(onnx.ValueInfoProto(name=t) for t in wanted if t not in known)
        session = ort.InferenceSession(m.SerializeToString(),
                                       providers=["CPUExecutionProvider"])
        feed = {session.get_inputs()[0].name: pictures[:SENSITIVITY_PICTURES]}
        names = [o.name for o in session.get_outputs()]
        answers.append(dict(zip(names, session.run(names, feed), strict=True)))
    floats, ints = answers
    for t in wanted:
        if t in floats and t in ints:
            f, q = floats[t].astype(np.float64), ints[t].astype(np.float64)
            errors[t] = float(np.linalg.norm(q - f) / max(np.linalg.norm(f), 1e-12))
    added = {n.name: errors.get(n.output[0], 0.0) - errors.get(n.input[0], 0.0) for n in layers}
    return sorted(added, key=lambda n: -added[n])
