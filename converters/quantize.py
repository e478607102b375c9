"""ONNX to int8: every recipe worth measuring, by name, from onnxruntime.quantization and
from NNCF (``converters.quantize_nncf``).

Static quantization (calibrated) is what the ONNX Runtime docs recommend for CNNs.
On x86 its fast kernels take uint8 activations with int8 weights (U8S8); int8
activations (S8S8) and the QOperator format are measured too, as are recipes that
keep the first convolution or the last Dense in float. Dynamic quantization turns
Conv into ConvInteger, which older runtimes (1.17, 1.21) cannot run; its MatMul-only
form can. NNCF's accuracy-aware settings (presets, range estimators, bias correction, an
ignored scope for the last Dense or the layer a sensitivity pass ranks worst) join them.
The caller measures each recipe and keeps one (``python.export.quantization``).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

CALIBRATION_SAMPLES = 300


@dataclass(frozen=True)
class OnnxRecipe:
    """One way to make an int8 ONNX file."""

    name: str
    static: bool = True
    qoperator: bool = False  # QLinearConv/QLinearMatMul nodes instead of Q/DQ pairs
    uint8_activations: bool = True
    per_channel: bool = True
    symmetric_activations: bool = False
    float_first_conv: bool = False
    float_last_dense: bool = False
    matmul_only: bool = False  # dynamic: quantize MatMul/Gemm only (no ConvInteger)
    preprocess: bool = True  # onnxruntime's quant_pre_process (shape inference, folding)
    library: str = "onnxruntime"  # or "nncf"
    preset: str = "mixed"  # NNCF: mixed (symmetric weights, asymmetric activations), performance
    range_estimator: str = "minmax"  # NNCF: minmax or histogram, over every calibration picture
    fast_bias_correction: bool = False  # NNCF: full bias correction unless set
    float_worst: bool = False  # NNCF: keep in float the layer the sensitivity pass ranks worst


RECIPES = (
    OnnxRecipe("qdq_u8s8_per_channel"),
    OnnxRecipe("qdq_u8s8_per_tensor", per_channel=False),
    OnnxRecipe("qdq_s8s8_per_channel", uint8_activations=False),
    OnnxRecipe("qdq_s8s8_symmetric", uint8_activations=False, symmetric_activations=True),
    OnnxRecipe("qoperator_u8s8_per_channel", qoperator=True),
    OnnxRecipe("qdq_u8s8_float_first_conv", float_first_conv=True),
    OnnxRecipe("qdq_u8s8_per_tensor_float_first_conv", per_channel=False,
               float_first_conv=True),
    OnnxRecipe("qdq_u8s8_float_last_dense", float_last_dense=True),
    OnnxRecipe("qdq_u8s8_no_preprocess", preprocess=False),
    OnnxRecipe("dynamic_matmul_only", static=False, matmul_only=True),
    OnnxRecipe("dynamic", static=False),
    OnnxRecipe("nncf_mixed_minmax", library="nncf"),
    OnnxRecipe("nncf_mixed_minmax_fast_bias", library="nncf", fast_bias_correction=True),
    OnnxRecipe("nncf_mixed_histogram", library="nncf", range_estimator="histogram"),
    OnnxRecipe("nncf_performance_minmax", library="nncf", preset="performance"),
    OnnxRecipe("nncf_mixed_minmax_float_last_dense", library="nncf", float_last_dense=True),
    OnnxRecipe("nncf_mixed_minmax_float_worst", library="nncf", float_worst=True),
)
BY_NAME = {r.name: r for r in RECIPES}


class _Pictures:
    """onnxruntime CalibrationDataReader over a float32 picture batch."""

    def __init__(self, input_name: str, pictures: np.ndarray) -> None:
        self._it = iter([{input_name: p[np.newaxis].astype(np.float32)} for p in pictures])

    def get_next(self) -> dict[str, np.ndarray] | None:
        return next(self._it, None)


def _first_and_last(model_path: Path) -> tuple[str | None, str | None]:
    """Names of the first Conv and the last MatMul/Gemm node, in graph order."""
    import onnx

    nodes = onnx.load(str(model_path)).graph.node
    convs = [n.name for n in nodes if n.op_type == "Conv"]
    dense = [n.name for n in nodes if n.op_type in ("MatMul", "Gemm")]
    return (convs[0] if convs else None), (dense[-1] if dense else None)


def quantize_onnx(onnx_path: str | Path, out: str | Path, calibration: np.ndarray,
                  recipe: OnnxRecipe | str = "qdq_u8s8_per_channel",
                  float_layers: dict[str, str] | None = None) -> Path:
    """Write an int8 twin of the float ONNX model by the named recipe; ``float_layers``, if
    given, receives the layers it leaves in float (the float model's node names), each with
    why."""
    import onnx
    from onnxruntime.quantization import (
        CalibrationMethod,
        QuantFormat,
        QuantType,
        quantize_dynamic,
        quantize_static,
    )
    from onnxruntime.quantization.shape_inference import quant_pre_process

    if isinstance(recipe, str):
        if recipe not in BY_NAME:
            raise ValueError(f"unknown quantization recipe {recipe!r}; known: {list(BY_NAME)}")
        recipe = BY_NAME[recipe]
    out = Path(out)
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(onnx_path)
        if recipe.preprocess:
            source = Path(tmp) / "prepared.onnx"
            quant_pre_process(str(onnx_path), str(source), skip_symbolic_shape=True)
        first_conv, last_dense = _first_and_last(source)
        kept = {n: why for n, why, keep in (
            (first_conv, "the first convolution, by the recipe", recipe.float_first_conv),
            (last_dense, "the last Dense, by the recipe", recipe.float_last_dense)) if keep and n}
        if recipe.library == "nncf":
            kept.update(_nncf(source, out, calibration, recipe, kept))
        if float_layers is not None:
            float_layers.update(kept)
        if recipe.library == "nncf":
            return _shortened(out)
        exclude = list(kept)
        if not recipe.static:
            quantize_dynamic(str(source), str(out), weight_type=QuantType.QInt8,
                             per_channel=recipe.per_channel,
                             op_types_to_quantize=["MatMul", "Gemm"] if recipe.matmul_only
                             else None)
            return _shortened(out)
        name = onnx.load(str(source)).graph.input[0].name
        quantize_static(
            str(source), str(out), _Pictures(name, calibration[:CALIBRATION_SAMPLES]),
            quant_format=QuantFormat.QOperator if recipe.qoperator else QuantFormat.QDQ,
            activation_type=QuantType.QUInt8 if recipe.uint8_activations else QuantType.QInt8,
            weight_type=QuantType.QInt8, per_channel=recipe.per_channel,
            nodes_to_exclude=exclude or None, calibrate_method=CalibrationMethod.MinMax,
            extra_options={"ActivationSymmetric": recipe.symmetric_activations},
        )
    return _shortened(out)


def _nncf(source: Path, out: Path, calibration: np.ndarray, recipe: OnnxRecipe,
          kept: dict[str, str]) -> dict[str, str]:
    """NNCF's file for the recipe; with float_worst, made twice: once whole, to rank the
    layers by the error each adds, then with the worst left in float. The layers it kept."""
    from converters.quantize_nncf import quantize_nncf, sensitivity

    settings = {"preset": recipe.preset, "range_estimator": recipe.range_estimator,
                "fast_bias_correction": recipe.fast_bias_correction}
    quantize_nncf(source, out, calibration, **settings, float_layers=tuple(kept))
    if not recipe.float_worst:
        return kept
    worst = sensitivity(source, out, calibration)[0]
    kept = {**kept, worst: "the layer that adds the most error when quantized (a sensitivity"
            " pass over calibration pictures: its output's relative error less its input's)"}
    quantize_nncf(source, out, calibration, **settings, float_layers=tuple(kept))
    return kept


def _shortened(path: Path) -> Path:
    """Quantization names every scale, zero point and Q/DQ output after the tensor it
    serves; on a small network those strings weigh as much as the int8 weights."""
    import onnx

    from converters.onnx import shorten_names

    model = onnx.load(str(path))
    onnx.save(shorten_names(model), str(path))
    return path
