"""Write and verify every artifact into a staging folder; return the manifest."""

from __future__ import annotations

import argparse
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np

from python import tolerance
from python.data import PREPROCESSING
from python.dataset import Dataset
from python.errors import ParityError
from python.manifest import describe_artifact
from python.quiet import native_stderr_silenced
from python.report import metrics, plot_confusion, plot_training
from python.runtimes import keras_probabilities
from python.train import TrainingResult
from python.verify import compare, verify_artifacts

#: name -> (relative path, format); the order is the size table's order.
FLOAT_ARTIFACTS = {
    "savedmodel": ("savedmodel", "savedmodel"),
    "keras": ("model.keras", "keras"),
    "tflite": ("model.tflite", "tflite"),
    "onnx": ("model.onnx", "onnx"),
}
QUANTIZED_ARTIFACTS = {
    "tflite_int8": ("model_int8.tflite", "tflite"),
    "onnx_int8": ("model_int8.onnx", "onnx"),
}
TEST_SPLIT = "test_split.npz"
#: Keras's own SavedModel, the converters' input; removed from the stage once they ran.
KERAS_SAVEDMODEL = ".keras-savedmodel"


def export_all(stage: Path, result: TrainingResult, data: Dataset, args: argparse.Namespace,
               say: Callable[[argparse.Namespace, str], None]) -> dict:
    from converters.onnx import OUTPUT_NAME, to_onnx
    from converters.savedmodel import (
        SIGNATURE,
        TAG,
        export_savedmodel,
        freeze_savedmodel,
        signature_names,
    )
    from converters.tflite import to_tflite

    model = result.model
    x_test, y_test = data.test.x, data.test.y
    reference = keras_probabilities(model, x_test)
    measured = metrics(y_test, reference, args.threshold, data.labels)

    say(args, "exporting savedmodel, keras, tflite, onnx")
    # Converters read Keras's own SavedModel (made in the stage, removed before it is
    # published); the shipped one is its frozen twin, faster in a session, verified below.
    source = stage / KERAS_SAVEDMODEL
    with native_stderr_silenced():
        export_savedmodel(model, source)
        freeze_savedmodel(source, stage / "savedmodel")
        model.save(stage / "model.keras")
        to_tflite(source, stage / "model.tflite")
        to_onnx(source, stage / "model.onnx")
    artifacts = {name: describe_artifact(stage, rel, fmt)
                 for name, (rel, fmt) in FLOAT_ARTIFACTS.items()}
    quantization: dict[str, object] = {}
    if args.quantize:
        say(args, "quantizing: tflite int8 (full integer), onnx int8 (static QDQ and dynamic)")
        calibration = data.train.x
        with native_stderr_silenced():
            quantization["tflite_int8"] = _tflite_int8(stage, source, calibration)
            quantization["onnx_int8"] = _choose_onnx_int8(stage, calibration, x_test, y_test,
                                                          reference, args.threshold)
        for name, (rel, fmt) in QUANTIZED_ARTIFACTS.items():
            artifacts[name] = describe_artifact(stage, rel, fmt)
        _check_quantized(artifacts, stage, x_test, y_test, measured, args.threshold, quantization)

    shutil.rmtree(source)
    parity = verify_artifacts(stage, artifacts, x_test, reference, args.threshold, args.quiet)
    plot_training(result.history, result.best_epoch, stage / "training_curve.png")
    plot_confusion(measured["confusion_matrix"]["counts"], data.labels,
                   stage / "confusion_matrix.png")
    np.savez_compressed(stage / TEST_SPLIT, x=x_test, y=y_test, probability=reference,
                        sources=np.asarray(data.test.sources), labels=np.asarray(data.labels),
                        threshold=np.float32(args.threshold))
    input_name, output_name = signature_names(stage / "savedmodel")
    size = int(x_test.shape[1])
    return {
        "format_version": 1,
        "input": {"height": size, "width": size, "channels": 1, "dtype": "float32",
                  "layout": "NHWC", "range": [0.0, 1.0]},
        "output": {"meaning": "probability of the positive class (labels[1])",
                   "shape": ["batch", 1], "dtype": "float32"},
        "signature": {"tag": TAG, "name": SIGNATURE, "input": input_name,
                      "output": output_name, "onnx_input": "picture",
                      "onnx_output": OUTPUT_NAME},
        "preprocessing": {**PREPROCESSING, "size": size},
        "labels": data.labels,
        "threshold": args.threshold,
        "data": {"source": data.source, "split_rule": data.split_rule, **data.counts(),
                 "skipped_files": data.skipped, "test_split_file": TEST_SPLIT},
        "training": {"architecture": args.architecture, "epochs": args.epochs, "best_epoch":
                     result.best_epoch, "batch_size": args.batch_size,
                     "learning_rate": args.learning_rate, "schedule": args.schedule,
                     "seed": args.seed,
                     "augmentation": args.augment, "class_weight": result.class_weight,
                     "history": result.history},
        "metrics": {**measured, "training_seconds": round(result.seconds, 2),
                    "device": result.device},
        "artifacts": artifacts,
        "quantization": quantization,
        "parity": parity,
    }


def _accuracy(probability: np.ndarray, y: np.ndarray, threshold: float) -> float:
    return float(np.mean((probability >= threshold).astype(np.int64) == y))


def _tflite_int8(stage: Path, source: Path, calibration: np.ndarray) -> dict[str, object]:
    """Full-integer int8 TFLite; per-tensor scales if per-channel overshoots the size bound."""
    from converters.tflite import to_tflite_int8

    out = stage / "model_int8.tflite"
    limit = tolerance.QUANTIZED_SIZE_RATIO * (stage / "model.tflite").stat().st_size
    to_tflite_int8(source, out, calibration, per_channel=True)
    scales = "per channel"
    if out.stat().st_size > limit:  # a tiny network: its scales weigh as much as its weights
        to_tflite_int8(source, out, calibration, per_channel=False)
        scales = "per tensor (per channel was over the size bound)"
    return {"method": "full-integer int8 (input and output int8), calibrated on training"
                      " pictures", "weight_scales": scales}


def _choose_onnx_int8(stage: Path, calibration: np.ndarray, x: np.ndarray, y: np.ndarray,
                      reference: np.ndarray, threshold: float) -> dict[str, object]:
    """Make static QDQ and dynamic int8 ONNX, measure both, keep the better as onnx_int8."""
    from converters.onnx import run_onnx
    from converters.quantize import METHODS, quantize_onnx

    candidates: dict[str, dict[str, object]] = {}
    for method in METHODS:
        path = stage / f".candidate_{method}.onnx"
        entry: dict[str, object] = {}
        try:
            quantize_onnx(stage / "model.onnx", path, calibration, method)
            probability = run_onnx(path, x)
        except Exception as err:  # a method that fails to build or load is measured as such
            entry.update(loads=False, error=f"{type(err).__name__}: {err}"[:300])
        else:
            cell = compare("onnx_int8", reference, probability, threshold)
            entry.update(loads=True, bytes=path.stat().st_size,
                         test_accuracy=_accuracy(probability, y, threshold),
                         label_agreement=cell["label_agreement"],
                         max_abs_diff=cell["max_abs_diff"])
        candidates[method] = entry
    limit = tolerance.QUANTIZED_SIZE_RATIO * (stage / "model.onnx").stat().st_size
    usable = [m for m in METHODS if candidates[m].get("loads")]
    if not usable:
        raise ParityError("onnx_int8: no quantization method produced a model that runs: "
                          + "; ".join(f"{m}: {candidates[m].get('error')}" for m in METHODS))
    small = [m for m in usable if candidates[m]["bytes"] <= limit] or usable
    # METHODS order breaks ties: static QDQ per channel, per tensor, then dynamic
    chosen = max(small, key=lambda m: (candidates[m]["label_agreement"], -METHODS.index(m)))
    shutil.move(stage / f".candidate_{chosen}.onnx", stage / "model_int8.onnx")
    for m in METHODS:
        (stage / f".candidate_{m}.onnx").unlink(missing_ok=True)
    return {"chosen": chosen, "candidates": candidates,
            "rule": "among methods that run and meet the size bound, the one whose labels"
                    " agree most with the float model; on a tie static QDQ per channel, then"
                    " per tensor (recommended for CNNs, no ConvInteger), then dynamic"}


def _check_quantized(artifacts: dict, stage: Path, x: np.ndarray, y: np.ndarray,
                     measured: dict, threshold: float, quantization: dict) -> None:
    """Each int8 file at most 30% of its float twin, accuracy within 1 point."""
    from python.runtimes import runner_for

    problems = []
    for name in QUANTIZED_ARTIFACTS:
        twin = name.removesuffix("_int8")
        ratio = artifacts[name]["bytes"] / artifacts[twin]["bytes"]
        _, run = runner_for(str(artifacts[name]["format"]))
        accuracy = _accuracy(run(stage / str(artifacts[name]["path"]), x), y, threshold)
        drop = measured["test_accuracy"] - accuracy
        quantization.setdefault(name, {}).update(
            size_ratio=round(ratio, 4), test_accuracy=accuracy, accuracy_drop=round(drop, 4))
        if ratio > tolerance.QUANTIZED_SIZE_RATIO:
            problems.append(f"{name} is {ratio:.0%} of {twin}'s size"
                            f" (limit {tolerance.QUANTIZED_SIZE_RATIO:.0%})")
        if drop > tolerance.QUANTIZED_ACCURACY_DROP:
            problems.append(f"{name} test accuracy {accuracy:.4f} is {drop:.4f} below float"
                            f" {measured['test_accuracy']:.4f}")
    if problems:
        raise ParityError("quantized artifacts out of bounds: " + "; ".join(problems))
