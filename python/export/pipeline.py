"""One export: load pictures, train, write every artifact into a staging folder, verify, publish.

Each artifact comes from its converter (``converters/``), is described from the
registry and checked against Keras in its Python runtime, then the Java runtimes
run their cells; only when all agree does the staging folder replace ``--out``.
"""

from __future__ import annotations

import logging
import shutil
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from python.artifacts.digests import FOLDER_DIGEST_RULE
from python.artifacts.manifest import (
    DataSummary,
    InputSpec,
    Manifest,
    Metrics,
    OutputSpec,
    Signature,
    TrainingSummary,
    describe_artifact,
    versions,
    write_manifest,
)
from python.artifacts.registry import BY_NAME, float_artifacts, quantized_artifacts
from python.data.datasets import Dataset
from python.data.pictures import PREPROCESSING
from python.errors import ParityError
from python.export.config import ExportConfig
from python.export.staging import staged_folder
from python.parity import tolerance
from python.quiet import native_stderr_silenced
from python.training.fit import TrainingResult

log = logging.getLogger(__name__)

TEST_SPLIT = "test_split.npz"
THRESHOLD_RULE = ("the threshold that maximises balanced accuracy on the validation split"
                  " (midpoints between its probabilities; nearest 0.5 on a tie)")
#: Keras's own SavedModel, the converters' input; removed from the stage once they ran.
KERAS_SAVEDMODEL = ".keras-savedmodel"


def load_data(config: ExportConfig) -> Dataset:
    from python.data.datasets import load_embedded, load_folder

    size = config.training.image_size
    log.info("loading %s", config.data or "the embedded lfw_subset")
    if config.data is None:
        data = load_embedded(size)
    else:
        data = load_folder(config.data, size, config.positive, config.skip_bad)
    c = data.counts()
    log.info("data: %d train, %d val, %d test, %d skipped; labels %s", c["train"], c["val"],
             c["test"], c["skipped"], data.labels)
    return data


def run_export(config: ExportConfig, started: float | None = None) -> Manifest:
    """The whole export; returns the published manifest. Raises ToolkitError on failure."""
    from python.training.fit import train

    started = time.perf_counter() if started is None else started
    data = load_data(config)
    result = train(data, config.training)
    log.info("trained on %s in %.1f s; kept epoch %d", result.device, result.seconds,
             result.best_epoch)
    with staged_folder(config.out) as stage:
        manifest = write_artifacts(stage, result, data, config)
        write_manifest(stage, manifest)  # the Java library's cells read it from the folder
        manifest = _java_parity(stage, manifest)
        manifest = _finished(manifest, started)
        write_manifest(stage, manifest)
    return manifest


def write_artifacts(stage: Path, result: TrainingResult, data: Dataset,
                    config: ExportConfig) -> Manifest:
    """Every artifact into ``stage``, verified in Python; the manifest describing them."""
    from converters.onnx import OUTPUT_NAME, to_onnx
    from converters.savedmodel import (
        SIGNATURE,
        TAG,
        export_savedmodel,
        freeze_savedmodel,
        signature_names,
    )
    from converters.tflite import to_tflite
    from python.export.report import plot_confusion, plot_training
    from python.parity.compare import verify_artifacts
    from python.runtimes.loaders import keras_probabilities
    from python.training.metrics import accuracy, balanced_accuracy, best_threshold, metrics

    model = result.model
    x_test, y_test = data.test.x, data.test.y
    reference = keras_probabilities(model, x_test)
    validation = keras_probabilities(model, data.val.x)
    if config.threshold is None:
        threshold, threshold_rule = best_threshold(data.val.y, validation), THRESHOLD_RULE
    else:
        threshold, threshold_rule = config.threshold, "given with --threshold"
    log.info("threshold %.4f (%s)", threshold, threshold_rule)
    measured = metrics(y_test, reference, threshold, data.labels)

    log.info("exporting %s", ", ".join(s.name for s in float_artifacts()))
    # Converters read Keras's own SavedModel (made in the stage, removed before it is
    # published); the shipped one is its frozen twin, faster in a session, verified below.
    source = stage / KERAS_SAVEDMODEL
    files = {s.name: stage / s.file for s in float_artifacts()}
    with native_stderr_silenced():
        export_savedmodel(model, source)
        freeze_savedmodel(source, files["savedmodel"])
        model.save(files["keras"])
        to_tflite(source, files["tflite"])
        to_onnx(source, files["onnx"])
    artifacts = {s.name: describe_artifact(stage, s) for s in float_artifacts()}
    quantization: dict[str, dict[str, object]] = {}
    if config.quantize:
        from python.export.quantization import Splits, quantize

        splits = Splits.of(data, threshold, model)
        float_accuracy = (splits.float_selection_accuracy(), measured["test_accuracy"])
        signature = {"tag": TAG, "name": SIGNATURE}
        for spec in quantized_artifacts():
            log.info("quantizing %s: every recipe, measured against %s", spec.name,
                     spec.float_twin)
            quantization[spec.name] = quantize(spec.name, stage, source, splits,
                                               float_accuracy, signature)
            artifacts[spec.name] = describe_artifact(stage, spec)

    shutil.rmtree(source)
    parity = verify_artifacts(stage, artifacts, x_test, reference, threshold)
    plot_training(result.history, result.best_epoch, stage / "training_curve.png")
    plot_confusion(measured["confusion_matrix"]["counts"], data.labels,
                   stage / "confusion_matrix.png")
    np.savez_compressed(stage / TEST_SPLIT, x=x_test, y=y_test, probability=reference,
                        sources=np.asarray(data.test.sources), labels=np.asarray(data.labels),
                        threshold=np.float32(threshold))
    input_name, output_name = signature_names(stage / BY_NAME["savedmodel"].file)
    size = int(x_test.shape[1])
    t = config.training
    return Manifest(
        input=InputSpec(height=size, width=size),
        output=OutputSpec(),
        signature=Signature(tag=TAG, name=SIGNATURE, input=input_name, output=output_name,
                            onnx_input=input_name, onnx_output=OUTPUT_NAME),
        preprocessing={**PREPROCESSING, "size": size},
        labels=list(data.labels),
        threshold=threshold,
        threshold_rule=threshold_rule,
        data=DataSummary(source=data.source, split_rule=data.split_rule, **data.counts(),
                         skipped_files=list(data.skipped), test_split_file=TEST_SPLIT),
        training=TrainingSummary(
            architecture=t.architecture, epochs=t.epochs, best_epoch=result.best_epoch,
            batch_size=t.batch_size, learning_rate=t.learning_rate, schedule=t.schedule,
            seed=t.seed, augmentation=t.augment, config=t.to_json(),
            class_weight={str(k): v for k, v in result.class_weight.items()},
            history=result.history),
        metrics=Metrics(**measured, training_seconds=round(result.seconds, 2),
                        device=result.device, validation={
                            "accuracy": accuracy(validation, data.val.y, threshold),
                            "balanced_accuracy": balanced_accuracy(data.val.y, validation,
                                                                   threshold)}),
        artifacts=artifacts,
        quantization=quantization,
        parity=parity,
        created=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        tolerances=tolerance.describe(),
        digest_rule=FOLDER_DIGEST_RULE,
        versions=versions(),
    )


def _java_parity(stage: Path, manifest: Manifest) -> Manifest:
    """Run the Java cells on the staged artifacts when a JDK and the Gradle classpath exist."""
    from python.parity.compare import failures
    from python.parity.matrix import cells_for_manifest, run_matrix

    cells, skipped = run_matrix(stage, manifest, python=False, java=True)
    if skipped:
        log.warning("Java parity cells skipped: %s", skipped)
        return manifest.with_parity({}, f"skipped: {skipped}")
    failed = failures(cells)
    if failed:
        raise ParityError("Java out of tolerance: " + "; ".join(failed))
    return manifest.with_parity(cells_for_manifest(cells), "ran")


def _finished(manifest: Manifest, started: float) -> Manifest:
    from dataclasses import replace

    return replace(manifest, export_seconds=round(time.perf_counter() - started, 1))
