"""The int8 artifacts: make the candidates, measure them, keep one, hold it to the bounds."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import numpy as np

from python.artifacts.manifest import ArtifactEntry
from python.artifacts.registry import BY_NAME, quantized_artifacts
from python.errors import ParityError
from python.parity import tolerance
from python.training.metrics import accuracy

log = logging.getLogger(__name__)

ONNX_INT8_RULE = ("among methods that run and meet the size bound, the one whose labels agree"
                  " most with the float model; on a tie static QDQ per channel, then per"
                  " tensor (recommended for CNNs, no ConvInteger), then dynamic")


def tflite_int8(stage: Path, source: Path, calibration: np.ndarray) -> dict[str, object]:
    """Full-integer int8 TFLite; per-tensor scales if per-channel overshoots the size bound."""
    from converters.tflite import to_tflite_int8

    out = stage / BY_NAME["tflite_int8"].file
    limit = tolerance.QUANTIZED_SIZE_RATIO * (stage / BY_NAME["tflite"].file).stat().st_size
    to_tflite_int8(source, out, calibration, per_channel=True)
    scales = "per channel"
    if out.stat().st_size > limit:  # a tiny network: its scales weigh as much as its weights
        to_tflite_int8(source, out, calibration, per_channel=False)
        scales = "per tensor (per channel was over the size bound)"
    return {"method": "full-integer int8 (input and output int8), calibrated on training"
                      " pictures", "weight_scales": scales}


def pick_onnx_int8(candidates: dict[str, dict[str, object]], methods: tuple[str, ...],
                   limit: float) -> str:
    """The rule ``ONNX_INT8_RULE``: a pure function of the measured candidates."""
    usable = [m for m in methods if candidates[m].get("loads")]
    if not usable:
        raise ParityError("onnx_int8: no quantization method produced a model that runs: "
                          + "; ".join(f"{m}: {candidates[m].get('error')}" for m in methods))
    small = [m for m in usable if candidates[m]["bytes"] <= limit] or usable
    return max(small, key=lambda m: (candidates[m]["label_agreement"], -methods.index(m)))


def choose_onnx_int8(stage: Path, calibration: np.ndarray, x: np.ndarray, y: np.ndarray,
                     reference: np.ndarray, threshold: float) -> dict[str, object]:
    """Make every int8 ONNX candidate, measure each, keep the one the rule picks."""
    from converters.quantize import METHODS, quantize_onnx
    from python.parity.compare import compare
    from python.runtimes.loaders import predict_file

    artifact = BY_NAME["onnx_int8"]
    candidates: dict[str, dict[str, object]] = {}
    for method in METHODS:
        path = stage / f".candidate_{method}.onnx"
        entry: dict[str, object] = {}
        try:
            quantize_onnx(stage / BY_NAME["onnx"].file, path, calibration, method)
            probability = predict_file(artifact, path, x)
        except Exception as err:  # a method that fails to build or load is measured as such
            entry.update(loads=False, error=f"{type(err).__name__}: {err}"[:300])
        else:
            cell = compare(artifact.name, reference, probability, threshold)
            entry.update(loads=True, bytes=path.stat().st_size,
                         test_accuracy=accuracy(probability, y, threshold),
                         label_agreement=cell.label_agreement, max_abs_diff=cell.max_abs_diff)
        candidates[method] = entry
        log.debug("onnx_int8 candidate %s: %s", method, entry)
    limit = tolerance.QUANTIZED_SIZE_RATIO * (stage / BY_NAME["onnx"].file).stat().st_size
    try:
        chosen = pick_onnx_int8(candidates, METHODS, limit)
        shutil.move(stage / f".candidate_{chosen}.onnx", stage / artifact.file)
    finally:
        for m in METHODS:
            (stage / f".candidate_{m}.onnx").unlink(missing_ok=True)
    return {"chosen": chosen, "candidates": candidates, "rule": ONNX_INT8_RULE}


def check_quantized(artifacts: dict[str, ArtifactEntry], stage: Path, x: np.ndarray,
                    y: np.ndarray, measured: dict, threshold: float,
                    quantization: dict) -> None:
    """Each int8 file at most 30% of its float twin, accuracy within 1 point."""
    from python.runtimes.loaders import predict_file

    problems = []
    for artifact in quantized_artifacts():
        twin = str(artifact.float_twin)
        ratio = artifacts[artifact.name].bytes / artifacts[twin].bytes
        probability = predict_file(artifact, stage / artifact.file, x)
        got = accuracy(probability, y, threshold)
        drop = measured["test_accuracy"] - got
        quantization.setdefault(artifact.name, {}).update(
            size_ratio=round(ratio, 4), test_accuracy=got, accuracy_drop=round(drop, 4))
        if ratio > tolerance.QUANTIZED_SIZE_RATIO:
            problems.append(f"{artifact.name} is {ratio:.0%} of {twin}'s size"
                            f" (limit {tolerance.QUANTIZED_SIZE_RATIO:.0%})")
        if drop > tolerance.QUANTIZED_ACCURACY_DROP:
            problems.append(f"{artifact.name} test accuracy {got:.4f} is {drop:.4f} below"
                            f" float {measured['test_accuracy']:.4f}")
    if problems:
        raise ParityError("quantized artifacts out of bounds: " + "; ".join(problems))
