"""The int8 search, a stage of its own: make every recipe, measure each, keep one or none.

For each int8 artifact (``tflite_int8``, ``onnx_int8``) every recipe of its converter
is made and measured here, at export time, on this machine: bytes, the float model's
labels kept (and, with labelled pictures, accuracy) on the selection and test pictures,
and speed side by side with the float twin (one picture, and batches of 64, one thread).
ONNX recipes must also load in the oldest ONNX Runtime we support. The rule (``RULE``)
keeps the recipe that keeps the most of the model's labels, then the smallest, never the
fastest (the clock differs between machines); when none keeps it, no int8 file is published
and the manifest says why.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from python.artifacts.manifest import ArtifactEntry, MissingArtifact, describe_artifact
from python.artifacts.registry import BY_NAME, quantized_artifacts
from python.data.datasets import Dataset
from python.model.outputs import label_indices
from python.parity import tolerance
from python.training.metrics import accuracy

log = logging.getLogger(__name__)
#: Selection pictures also run one at a time, to see whether a recipe's answer for a picture
#: depends on the rest of its batch.
BATCH_CHECK = 64

RULE = ("among recipes that load (for ONNX, in the oldest supported ONNX Runtime too), answer"
        " each picture alike whatever its batch (within 1e-5; dynamic quantization does not)"
        " and keep at least 99% of the float model's labels on the selection pictures (training"
        " and validation splits, never the test split), keep those within the accuracy bound"
        " there (with labelled pictures) and within the size bound (for a float model over"
        " 1 MB; below it the size is reported, not held); of those the one that keeps the most"
        " of the float model's labels on the selection pictures (the margin over the bound"
        " first), then the smallest, then the first in the search's order: answers only, never"
        " timing, so the same model and pictures give the same file on any machine (speed is"
        " measured side by side and reported; --int8-select fastest takes the fastest instead,"
        " for an export made on its deployment hardware). If none is within the size bound,"
        " the same among those within the accuracy bound; if none is within that, among those"
        " that keep the labels. If no recipe keeps 99% of the labels, no int8 file is"
        " published: one that changes the model's answers is not the model")
#: How the recipe is chosen among those within the bounds: by answers (the default), or by
#: speed on the export machine.
SELECTIONS = ("labels", "fastest")


@dataclass(frozen=True)
class Splits:
    """What a recipe is measured on: calibration (training), selection (training and
    validation), test (reported, never chosen on). ``y_*`` are None without labels."""

    calibration: np.ndarray
    x_select: np.ndarray
    y_select: np.ndarray | None
    x_test: np.ndarray
    y_test: np.ndarray | None
    threshold: float | None
    float_select: np.ndarray  # the float model's probabilities for x_select
    ranges: list[tuple[float, float]]  # each channel's model input range, for timing

    @classmethod
    def of(cls, data: Dataset, threshold: float | None, float_model: object,
           ranges: list[tuple[float, float]]) -> Splits:
        from python.runtimes.loaders import keras_probabilities

        x = np.concatenate([data.train.x, data.val.x])
        y = np.concatenate([data.train.y, data.val.y]) if data.labelled else None
        return cls(data.train.x, x, y, data.test.x, data.test.y if data.labelled else None,
                   threshold, keras_probabilities(float_model, x), ranges)

    def float_accuracy(self, test_probabilities: np.ndarray) -> tuple[float, float] | None:
        """The float model's accuracy on the selection and test pictures (None: no labels)."""
        if self.y_select is None:
            return None
        return (accuracy(self.float_select, self.y_select, self.threshold),
                accuracy(test_probabilities, self.y_test, self.threshold))

    def agreement(self, probabilities: np.ndarray, reference: np.ndarray) -> float:
        return float(np.mean(label_indices(probabilities, self.threshold)
                             == label_indices(reference, self.threshold)))


def slowdown(entry: dict) -> float:
    """The worse of latency ratio and inverse throughput ratio: 1.0 is as fast as float."""
    return max(entry["latency_ratio"], 1.0 / entry["throughput_ratio"])


def pick(recipes: dict[str, dict], float_bytes: int | None = None,
         select: str = "labels") -> tuple[str | None, str]:
    """The rule ``RULE``, a pure function of the measured recipes and the float file's
    size: the recipe kept (or None) and why."""
    loading = [n for n, e in recipes.items() if e.get("loads")
               and e.get("loads_in_oldest", True) is not False]
    if not loading:
        return None, "no int8 recipe made a file that loads: " + "; ".join(
            f"{n}: {e.get('error') or 'does not load in the oldest ONNX Runtime'}"
            for n, e in recipes.items())
    usable = [n for n in loading if recipes[n].get("batch_dependence", 0.0)
              <= tolerance.QUANTIZED_BATCH_DEPENDENCE]
    if not usable:
        return None, "every int8 recipe that loads answers a picture differently with other" \
            " pictures in its batch: " + ", ".join(
                f"{n} by {recipes[n]['batch_dependence']:.2g}" for n in loading)
    keeping = [n for n in usable if recipes[n]["selection_label_agreement"]
               >= tolerance.QUANTIZED_LABEL_AGREEMENT]
    if not keeping:
        best = max(usable, key=lambda n: recipes[n]["selection_label_agreement"])
        return None, (f"no int8 recipe keeps {tolerance.QUANTIZED_LABEL_AGREEMENT:.0%} of the"
                      f" float model's labels on the selection pictures (the best, {best},"
                      f" keeps {recipes[best]['selection_label_agreement']:.1%})")
    accurate = [n for n in keeping if recipes[n].get("selection_accuracy_drop") is None
                or recipes[n]["selection_accuracy_drop"] <= tolerance.QUANTIZED_ACCURACY_DROP]
    small = [n for n in accurate if recipes[n]["size_ratio"] <= size_limit(float_bytes)]
    pool = small or accurate or keeping
    within = "every bound" if small else "the accuracy bound" if accurate else "the label bound"
    if select == "fastest":
        chosen = min(pool, key=lambda n: (slowdown(recipes[n]), list(recipes).index(n)))
        return chosen, f"the fastest on the export machine (--int8-select fastest), within {within}"
    chosen = min(pool, key=lambda n: (-recipes[n]["selection_label_agreement"],
                                      recipes[n]["size_ratio"], list(recipes).index(n)))
    return chosen, f"the recipe that keeps the most labels, then the smallest, within {within}"


def size_limit(float_bytes: int | None) -> float:
    """The size bound on a recipe's bytes over float's: none (infinity) for a float model of
    at most QUANTIZED_SIZE_FROM_BYTES (None: size unknown, the bound held)."""
    if float_bytes is not None and float_bytes <= tolerance.QUANTIZED_SIZE_FROM_BYTES:
        return float("inf")
    return tolerance.QUANTIZED_SIZE_RATIO


def bounds(entry: dict, float_bytes: int | None = None,
           ) -> dict[str, dict[str, float | bool | None]]:
    """Each bound the chosen file is held to: its value, its limit, whether it holds (a bound
    without a value, accuracy without labels, holds by default and says so; the size of a
    small model's file is reported with no limit)."""
    checks = {
        "size_ratio": (entry["size_ratio"], size_limit(float_bytes)),
        "test_accuracy_drop": (entry.get("test_accuracy_drop"),
                               tolerance.QUANTIZED_ACCURACY_DROP),
        "latency_ratio": (entry["latency_ratio"], tolerance.QUANTIZED_SLOWDOWN),
        "inverse_throughput_ratio": (1.0 / entry["throughput_ratio"],
                                     tolerance.QUANTIZED_SLOWDOWN),
    }
    return {k: {"value": None if v is None else round(v, 4),
                "limit": None if limit == float("inf") else limit,
                "ok": v is None or v <= limit + 1e-12}
            for k, (v, limit) in checks.items()}


def search_all(stage: Path, source: Path, splits: Splits, reference_test: np.ndarray,
               signature: dict[str, str], artifacts: dict[str, ArtifactEntry],
               select: str = "labels") -> tuple[dict[str, dict], dict[str, MissingArtifact]]:
    """Every int8 artifact whose float twin was made: the search's records, and the int8
    artifacts not made (added to ``artifacts`` are the ones that were)."""
    float_accuracy = splits.float_accuracy(reference_test)
    records: dict[str, dict] = {}
    missing: dict[str, MissingArtifact] = {}
    for spec in quantized_artifacts():
        if spec.float_twin not in artifacts:
            missing[spec.name] = MissingArtifact(f"its float twin {spec.float_twin} was not made")
            continue
        log.info("quantizing %s: every recipe, measured against %s", spec.name, spec.float_twin)
        records[spec.name], why = quantize(spec.name, stage, source, splits, float_accuracy,
                                           signature, select)
        if why is None:
            artifacts[spec.name] = describe_artifact(stage, spec)
        else:
            missing[spec.name] = MissingArtifact(why)
    return records, missing


def quantize(artifact: str, stage: Path, source: Path, splits: Splits,
             float_accuracy: tuple[float, float] | None, signature: dict[str, str],
             select: str = "labels") -> tuple[dict, str | None]:
    """Make, measure and pick the int8 file for one artifact: what the manifest records, and
    why no file was published (None when one was)."""
    spec = BY_NAME[artifact]
    float_file = stage / BY_NAME[str(spec.float_twin)].file
    work = Path(tempfile.mkdtemp(prefix=f".{artifact}-", dir=stage))
    try:
        recipes, files = _make_and_measure(artifact, float_file, source, splits,
                                           float_accuracy, work)
        if spec.format == "onnx" and files:
            _check_oldest(files, recipes, splits, signature)
        if files:
            log.info("%s: timing %d recipes side by side with %s", artifact, len(files),
                     spec.float_twin)
            _time(spec.python_runtime, float_file, files, recipes, splits)
        chosen, why = pick(recipes, float_file.stat().st_size, select)
        record = {"chosen": chosen, "why": why, "rule": RULE, "recipes": recipes}
        if chosen is None:
            log.warning("%s not made: %s", artifact, why)
            return record, why
        shutil.copyfile(files[chosen], stage / spec.file)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    held = bounds(recipes[chosen], float_file.stat().st_size)
    failed = {k: b for k, b in held.items() if not b["ok"]}
    for name, b in failed.items():
        log.warning("%s: no recipe meets every bound; %s (%s) is %.4f, the bound is %.4f",
                    artifact, name, chosen, b["value"], b["limit"])
    log.info("%s: %s (%.0f%% of float's bytes, %.2fx float's latency, %.2fx its throughput)",
             artifact, chosen, 100 * recipes[chosen]["size_ratio"],
             recipes[chosen]["latency_ratio"], recipes[chosen]["throughput_ratio"])
    return {**record, "bounds": held, "all_bounds_met": not failed}, None


def _make_and_measure(artifact: str, float_file: Path, source: Path, splits: Splits,
                      float_accuracy: tuple[float, float] | None, work: Path,
                      ) -> tuple[dict, dict]:
    from python.runtimes.loaders import load_artifact

    spec = BY_NAME[artifact]
    recipes: dict[str, dict] = {}
    files: dict[str, Path] = {}
    float_test = load_artifact(BY_NAME[str(spec.float_twin)], float_file)(splits.x_test)
    every = _recipes(spec.format)
    for i, recipe in enumerate(every, 1):
        out = work / f"{recipe.name}{float_file.suffix}"
        entry: dict = {"loads": False}
        started = time.perf_counter()
        kept: dict[str, str] = {}
        try:
            _convert(spec.format, float_file, source, out, splits.calibration, recipe, kept)
            predict = load_artifact(spec, out)
            p_select, p_test = predict(splits.x_select), predict(splits.x_test)
            alone = np.concatenate([predict(splits.x_select[i:i + 1])
                                    for i in range(min(BATCH_CHECK, len(splits.x_select)))])
            if not all(np.isfinite(a).all() for a in (p_select, p_test, alone)):
                raise ValueError("it answers NaN or infinity for some pictures")
        except Exception as err:  # a recipe that fails to build, load or answer is measured so
            entry["error"] = f"{type(err).__name__}: {err}"[:300]
        else:
            files[recipe.name] = out
            entry.update(loads=True, bytes=out.stat().st_size, float_layers=kept,
                         size_ratio=round(out.stat().st_size / float_file.stat().st_size, 4),
                         selection_label_agreement=splits.agreement(p_select,
                                                                    splits.float_select),
                         test_label_agreement=splits.agreement(p_test, float_test),
                         batch_dependence=float(np.abs(alone - p_select[:len(alone)]).max()))
            if float_accuracy is not None:
                selected = accuracy(p_select, splits.y_select, splits.threshold)
                test = accuracy(p_test, splits.y_test, splits.threshold)
                entry.update(selection_accuracy=selected, test_accuracy=test,
                             selection_accuracy_drop=round(float_accuracy[0] - selected, 4),
                             test_accuracy_drop=round(float_accuracy[1] - test, 4))
        recipes[recipe.name] = entry
        log.info("%s recipe %d/%d %s: %s (%.1f s)", artifact, i, len(every), recipe.name,
                 f"{entry['size_ratio']:.0%} of float's bytes, keeps"
                 f" {entry['selection_label_agreement']:.1%} of its labels" if entry["loads"]
                 else entry["error"][:120], time.perf_counter() - started)
    return recipes, files


def _recipes(fmt: str) -> tuple:
    if fmt == "onnx":
        from converters import quantize

        return quantize.RECIPES
    from converters import tflite

    return tflite.RECIPES


def _convert(fmt: str, float_file: Path, source: Path, out: Path, calibration: np.ndarray,
             recipe: object, float_layers: dict[str, str]) -> None:
    """One recipe's file, and the layers it left in float, each with why, into
    ``float_layers``; the converters' native log lines kept off stderr."""
    from converters.quantize import quantize_onnx
    from converters.tflite import to_tflite_int8
    from python.quiet import native_stderr_silenced

    with native_stderr_silenced():
        if fmt == "onnx":
            quantize_onnx(float_file, out, calibration, recipe, float_layers)
        else:
            to_tflite_int8(source, out, calibration, recipe, float_layers)


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
    log.info("trying %d int8 ONNX recipes in the oldest ONNX Runtime (Java)", len(files))
    with tempfile.TemporaryDirectory(prefix="oldest-") as tmp:
        outcomes = run_models("onnxruntime_java_oldest", files, signature,
                              {"selection": splits.x_select}, [], Path(tmp))
        for name, path in files.items():
            outcome = outcomes[(name, "selection")]
            ok = outcome.error is None
            if ok:  # int8 kernels differ between versions: held to int8's parity tolerance
                agreement = splits.agreement(outcome.probability,
                                             load("onnxruntime", path)(splits.x_select))
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

    predictors = {"float": load(runtime, float_file, threads=1)}
    predictors.update({n: load(runtime, p, threads=1) for n, p in files.items()})
    speed = side_by_side(predictors, splits.x_test.shape[1:], ranges=splits.ranges)
    base = speed.pop("float")
    for name, s in speed.items():
        recipes[name].update(
            latency_ms_p50=round(s["latency_ms_p50"], 5),
            throughput_per_s=round(s["throughput_per_s"], 1),
            latency_ratio=round(s["latency_ms_p50"] / base["latency_ms_p50"], 4),
            throughput_ratio=round(s["throughput_per_s"] / base["throughput_per_s"], 4),
            float_latency_ms_p50=round(base["latency_ms_p50"], 5),
            float_throughput_per_s=round(base["throughput_per_s"], 1))
