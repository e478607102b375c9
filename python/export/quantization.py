"""The int8 artifacts: make every recipe, measure each against its float twin, keep one.

For each int8 artifact (``tflite_int8``, ``onnx_int8``) every recipe of its converter
is made and measured here, at export time, on this machine: bytes, accuracy on the
validation and test splits, and speed side by side with the float twin (one picture,
and batches of 64, one thread). ONNX recipes must also load in the oldest ONNX
Runtime we support. The rule (``RULE``) keeps the fastest recipe that meets the size
and accuracy bounds; when none meets every bound the export still publishes, says
which bound failed and by how much, and the manifest records it.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from python.artifacts.registry import BY_NAME
from python.data.datasets import Dataset
from python.errors import ParityError
from python.parity import tolerance
from python.training.metrics import accuracy

log = logging.getLogger(__name__)

RULE = ("among recipes that load (for ONNX, in the oldest supported ONNX Runtime too), keep"
        " those within the size bound and within the accuracy bound on the selection pictures"
        " (training and validation splits: never the test split; a validation split of a"
        " hundred pictures would make one picture a whole point) and giving at least 99% of"
        " the float model's labels there;"
        " of those the fastest: the smallest slowdown against the float twin, a slowdown"
        " being the worse of the one-picture latency ratio and the batch-64 throughput"
        " ratio, measured side by side; if none is within both bounds, the fastest of those"
        " within the accuracy bound; if none is, the one that keeps most selection labels")


@dataclass(frozen=True)
class Splits:
    """What a recipe is measured on: calibration (training), selection (training and
    validation), test (reported, never chosen on)."""

    calibration: np.ndarray
    x_select: np.ndarray
    y_select: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    threshold: float
    float_select: np.ndarray  # the float model's probabilities for x_select

    @classmethod
    def of(cls, data: Dataset, threshold: float, float_model: object) -> Splits:
        from python.runtimes.loaders import keras_probabilities

        x = np.concatenate([data.train.x, data.val.x])
        return cls(data.train.x, x, np.concatenate([data.train.y, data.val.y]), data.test.x,
                   data.test.y, threshold, keras_probabilities(float_model, x))

    def float_selection_accuracy(self) -> float:
        return accuracy(self.float_select, self.y_select, self.threshold)


def slowdown(entry: dict) -> float:
    """The worse of latency ratio and inverse throughput ratio: 1.0 is as fast as float."""
    return max(entry["latency_ratio"], 1.0 / entry["throughput_ratio"])


def pick(recipes: dict[str, dict]) -> str:
    """The rule ``RULE``, a pure function of the measured recipes."""
    usable = [n for n, e in recipes.items() if e.get("loads") and e.get("loads_in_oldest", True)
              is not False]
    if not usable:
        raise ParityError("no int8 recipe made a file that loads: " + "; ".join(
            f"{n}: {e.get('error') or 'does not load in the oldest ONNX Runtime'}"
            for n, e in recipes.items()))
    accurate = [n for n in usable
                if recipes[n]["selection_accuracy_drop"] <= tolerance.QUANTIZED_ACCURACY_DROP
                and recipes[n].get("selection_label_agreement", 1.0)
                >= tolerance.QUANTIZED_LABEL_AGREEMENT]
    small = [n for n in accurate if recipes[n]["size_ratio"] <= tolerance.QUANTIZED_SIZE_RATIO]
    pool = small or accurate
    if not pool:  # none keeps the float model's labels: the one that keeps most of them
        return min(usable, key=lambda n: (-recipes[n].get("selection_label_agreement", 1.0),
                                          recipes[n]["selection_accuracy_drop"],
                                          slowdown(recipes[n]), list(recipes).index(n)))
    return min(pool, key=lambda n: (slowdown(recipes[n]), list(recipes).index(n)))


def bounds(entry: dict) -> dict[str, dict[str, float | bool]]:
    """Each bound the chosen file is held to: its value, its limit, whether it holds."""
    checks = {
        "size_ratio": (entry["size_ratio"], tolerance.QUANTIZED_SIZE_RATIO),
        "test_accuracy_drop": (entry["test_accuracy_drop"], tolerance.QUANTIZED_ACCURACY_DROP),
        "latency_ratio": (entry["latency_ratio"], tolerance.QUANTIZED_SLOWDOWN),
        "inverse_throughput_ratio": (1.0 / entry["throughput_ratio"],
                                     tolerance.QUANTIZED_SLOWDOWN),
    }
    return {k: {"value": round(v, 4), "limit": limit, "ok": v <= limit + 1e-12}
            for k, (v, limit) in checks.items()}


def quantize(artifact: str, stage: Path, source: Path, splits: Splits,
             float_accuracy: tuple[float, float], signature: dict[str, str]) -> dict:
    """Make, measure and pick the int8 file for one artifact; what the manifest records."""
    spec = BY_NAME[artifact]
    float_file = stage / BY_NAME[str(spec.float_twin)].file
    recipes, files = _make_and_measure(artifact, float_file, source, splits, float_accuracy)
    if spec.format == "onnx":
        _check_oldest(files, recipes, splits, signature)
    _time(spec.python_runtime, float_file, files, recipes, splits)
    chosen = pick(recipes)
    shutil.copyfile(files[chosen], stage / spec.file)
    shutil.rmtree(next(iter(files.values())).parent, ignore_errors=True)
    held = bounds(recipes[chosen])
    failed = {k: b for k, b in held.items() if not b["ok"]}
    for name, b in failed.items():
        log.warning("%s: no recipe meets every bound; %s (%s) is %.4f, the bound is %.4f",
                    artifact, name, chosen, b["value"], b["limit"])
    log.info("%s: %s (%.0f%% of float's bytes, %.2fx float's latency, %.2fx its throughput)",
             artifact, chosen, 100 * recipes[chosen]["size_ratio"],
             recipes[chosen]["latency_ratio"], recipes[chosen]["throughput_ratio"])
    return {"chosen": chosen, "rule": RULE, "bounds": held, "all_bounds_met": not failed,
            "recipes": recipes}


def _make_and_measure(artifact: str, float_file: Path, source: Path, splits: Splits,
                      float_accuracy: tuple[float, float]) -> tuple[dict, dict]:
    from python.runtimes.loaders import load_artifact

    spec = BY_NAME[artifact]
    work = Path(tempfile.mkdtemp(prefix=f".{artifact}-", dir=float_file.parent))
    recipes: dict[str, dict] = {}
    files: dict[str, Path] = {}
    for recipe in _recipes(spec.format):
        out = work / f"{recipe.name}{float_file.suffix}"
        entry: dict = {"loads": False}
        try:
            _convert(spec.format, float_file, source, out, splits.calibration, recipe)
            predict = load_artifact(spec, out)
            p_select = predict(splits.x_select)
            selected = accuracy(p_select, splits.y_select, splits.threshold)
            test = accuracy(predict(splits.x_test), splits.y_test, splits.threshold)
            agreement = float(np.mean((p_select >= splits.threshold)
                                      == (splits.float_select >= splits.threshold)))
        except Exception as err:  # a recipe that fails to build or load is measured as such
            entry["error"] = f"{type(err).__name__}: {err}"[:300]
        else:
            files[recipe.name] = out
            entry.update(loads=True, bytes=out.stat().st_size,
                         size_ratio=round(out.stat().st_size / float_file.stat().st_size, 4),
                         selection_accuracy=selected, test_accuracy=test,
                         selection_label_agreement=agreement,
                         selection_accuracy_drop=round(float_accuracy[0] - selected, 4),
                         test_accuracy_drop=round(float_accuracy[1] - test, 4))
        recipes[recipe.name] = entry
        log.debug("%s recipe %s: %s", artifact, recipe.name, entry)
    return recipes, files


def _recipes(fmt: str) -> tuple:
    if fmt == "onnx":
        from converters import quantize

        return quantize.RECIPES
    from converters import tflite

    return tflite.RECIPES


def _convert(fmt: str, float_file: Path, source: Path, out: Path, calibration: np.ndarray,
             recipe: object) -> None:
    """One recipe's file; the converters' native log lines kept off stderr."""
    from converters.quantize import quantize_onnx
    from converters.tflite import to_tflite_int8
    from python.quiet import native_stderr_silenced

    with native_stderr_silenced():
        if fmt == "onnx":
            quantize_onnx(float_file, out, calibration, recipe)
        else:
            to_tflite_int8(source, out, calibration, recipe)


def _check_oldest(files: dict[str, Path], recipes: dict[str, dict], splits: Splits,
                  signature: dict[str, str]) -> None:
    """Each ONNX recipe in the oldest ONNX Runtime (Java): it must load and give our labels
    (99% of them on the selection pictures, as int8 parity asks)."""
    from python.runtimes.jvm import java_unavailable, run_models
    from python.runtimes.loaders import load

    why = java_unavailable()
    if why is not None:
        log.warning("int8 recipes not tried in the oldest ONNX Runtime: %s", why)
        for entry in recipes.values():
            entry["loads_in_oldest"] = None
        return
    with tempfile.TemporaryDirectory(prefix="oldest-") as tmp:
        outcomes = run_models("onnxruntime_java_oldest", files, signature,
                              {"selection": splits.x_select}, [], Path(tmp))
        for name, path in files.items():
            outcome = outcomes[(name, "selection")]
            ok = outcome.error is None
            if ok:  # int8 kernels differ between versions: held to int8's parity tolerance
                agreement = float(np.mean((outcome.probability >= splits.threshold) == (
                    load("onnxruntime", path)(splits.x_select) >= splits.threshold)))
                recipes[name]["oldest_label_agreement"] = round(agreement, 4)
                ok = agreement >= tolerance.QUANTIZED_LABEL_AGREEMENT
            recipes[name]["loads_in_oldest"] = ok
            if outcome.error is not None:
                recipes[name]["oldest_error"] = outcome.error[:300]


def _time(runtime: str, float_file: Path, files: dict[str, Path], recipes: dict[str, dict],
          splits: Splits) -> None:
    """Float twin and every recipe side by side, one thread, rounds interleaved."""
    from python.runtimes.loaders import load
    from python.runtimes.timing import side_by_side

    size = int(splits.x_test.shape[1])
    predictors = {"float": load(runtime, float_file, threads=1)}
    predictors.update({n: load(runtime, p, threads=1) for n, p in files.items()})
    speed = side_by_side(predictors, size)
    base = speed.pop("float")
    for name, s in speed.items():
        recipes[name].update(
            latency_ms_p50=round(s["latency_ms_p50"], 5),
            throughput_per_s=round(s["throughput_per_s"], 1),
            latency_ratio=round(s["latency_ms_p50"] / base["latency_ms_p50"], 4),
            throughput_ratio=round(s["throughput_per_s"] / base["throughput_per_s"], 4),
            float_latency_ms_p50=round(base["latency_ms_p50"], 5),
            float_throughput_per_s=round(base["throughput_per_s"], 1))
