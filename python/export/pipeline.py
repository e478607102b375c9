"""One export: prepare the model, write every artifact into a staging folder, verify, publish.

Stages: ``prepare`` (train, or load ``--model``; the pictures through its recipe),
``conversion`` (the float artifacts, as the registry names their converters),
``quantization`` (the int8 search), then parity in Python, the manifest, and the Java
cells; only when all agree does the staging folder replace ``--out``.
"""

from __future__ import annotations

import logging
import shutil
import time
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from python.artifacts.digests import FOLDER_DIGEST_RULE
from python.artifacts.manifest import (
    DataSummary,
    InputSpec,
    Manifest,
    Metrics,
    MissingArtifact,
    ModelSummary,
    OutputSpec,
    Signature,
    TrainingSummary,
    describe_artifact,
    versions,
    write_manifest,
)
from python.artifacts.registry import float_artifacts
from python.errors import ToolkitError
from python.export.config import ExportConfig
from python.export.prepare import Prepared, prepare
from python.export.staging import staged_folder
from python.parity import tolerance

log = logging.getLogger(__name__)

TEST_SPLIT = "test_split.npz"
THRESHOLD_RULE = ("the threshold that maximises balanced accuracy on the validation split"
                  " (midpoints between its probabilities; nearest 0.5 on a tie)")


def run_export(config: ExportConfig, started: float | None = None) -> Manifest:
    """The whole export; returns the published manifest. Raises ToolkitError on failure."""
    from python.export.conversion import check_required

    started = time.perf_counter() if started is None else started
    prepared = prepare(config)
    with staged_folder(config.out) as stage:
        manifest = write_artifacts(stage, prepared, config)
        write_manifest(stage, manifest)  # the Java library's cells read it from the folder
        manifest = _java_parity(stage, manifest)
        check_required(config.require, manifest.missing)
        manifest = replace(manifest, export_seconds=round(time.perf_counter() - started, 1))
        write_manifest(stage, manifest)
    return manifest


def choose_threshold(prepared: Prepared, config: ExportConfig,
                     validation: np.ndarray | None) -> tuple[float | None, str]:
    """One sigmoid unit: --threshold, else the best on labelled validation pictures, else
    0.5. A softmax needs none (its label is the most probable class)."""
    from python.training.metrics import best_threshold

    if prepared.source.output.classes > 1:
        if config.threshold is not None:
            raise ToolkitError(f"--threshold is for one sigmoid unit; this model answers a"
                               f" softmax over {prepared.source.output.classes} labels")
        return None, "none: the label is the most probable class"
    if config.threshold is not None:
        return config.threshold, "given with --threshold"
    val = prepared.data.val
    if prepared.data.labelled and len(set(val.y.tolist())) == 2:
        return best_threshold(val.y, validation), THRESHOLD_RULE
    return 0.5, "0.5: no validation pictures of both labels to choose on"


def write_artifacts(stage: Path, prepared: Prepared, config: ExportConfig) -> Manifest:
    """Every artifact into ``stage``, verified in Python; the manifest describing them."""
    from python.export.conversion import check_required, convert_all
    from python.export.fidelity import export_fidelity
    from python.export.report import plot_confusion, plot_training
    from python.parity.compare import verify_artifacts
    from python.parity.noise import model_bound
    from python.runtimes.loaders import keras_probabilities
    from python.training.metrics import accuracy, balanced_accuracy, metrics

    source, data, pre = prepared.source, prepared.data, prepared.preprocessing
    model = source.model
    x_test = data.test.x
    reference = keras_probabilities(model, x_test)
    validation = keras_probabilities(model, data.val.x)
    threshold, threshold_rule = choose_threshold(prepared, config, validation)
    if threshold is not None:
        log.info("threshold %.4f (%s)", threshold, threshold_rule)
    measured = metrics(data.test.y, reference, threshold, prepared.labels) \
        if data.labelled else None
    if measured is not None and len(data.val):
        measured["validation"] = {
            "accuracy": accuracy(validation, data.val.y, threshold),
            "balanced_accuracy": balanced_accuracy(data.val.y, validation, threshold)}
    _check_answers_vary(reference)
    bound = model_bound(model, x_test, reference, config.atol)
    fidelity = export_fidelity(prepared, config, threshold)

    savedmodel, missing = convert_all(stage, source)
    signature = _signature(savedmodel, source, stage)
    artifacts = {s.name: describe_artifact(stage, s) for s in float_artifacts()
                 if s.name not in missing}
    check_required(config.require, missing)  # before the long int8 search
    quantization: dict[str, dict[str, object]] = {}
    if config.quantize:
        from python.export.quantization import Splits, search_all

        splits = Splits.of(data, threshold, model, pre.input_range())
        quantization, lost = search_all(stage, savedmodel, splits, reference,
                                        {"tag": signature.tag, "name": signature.name},
                                        artifacts, config.int8_select)
        missing.update(lost)
    shutil.rmtree(savedmodel)
    parity = verify_artifacts(stage, artifacts, x_test, reference, threshold,
                              bound.max_abs_diff)
    lost = drop_failed_int8(stage, artifacts, parity, "in Python")
    missing.update(lost)
    if prepared.training is not None:
        plot_training(prepared.training.history, prepared.training.best_epoch,
                      stage / "training_curve.png")
    if measured is not None:
        plot_confusion(measured["confusion_matrix"]["counts"], prepared.labels,
                       stage / "confusion_matrix.png")
    _write_reference(stage / TEST_SPLIT, prepared, reference, threshold)
    return Manifest(
        input=InputSpec(height=source.input.height, width=source.input.width,
                        channels=source.input.channels, name=source.input.name,
                        range=_overall(pre.input_range())),
        output=OutputSpec.of(source.output.classes, source.output.appended),
        signature=signature,
        preprocessing=pre,
        labels=list(prepared.labels),
        threshold=threshold,
        threshold_rule=threshold_rule,
        data=DataSummary(source=data.source, split_rule=data.split_rule, **data.counts(),
                         skipped_files=list(data.skipped), test_split_file=TEST_SPLIT),
        model=ModelSummary(source=source.path, format=source.format,
                           ends_in=source.output.ends_in, how=source.output.how,
                           own_rescaling=source.own.rescaling,
                           own_normalization=source.own.normalization),
        training=_training_summary(prepared),
        metrics=_metrics(measured, prepared),
        artifacts=artifacts,
        missing=missing,
        quantization=quantization,
        parity=parity,
        created=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        tolerances=tolerance.describe(bound.max_abs_diff),
        float_bound=bound,
        fidelity=fidelity,
        digest_rule=FOLDER_DIGEST_RULE,
        versions=versions(),
    )


def _check_answers_vary(reference: np.ndarray) -> None:
    """A model that answers the same for every test picture makes every comparison agree
    trivially: say so (its parity proves little)."""
    if len(reference) > 1 and float(np.ptp(reference, axis=0).max()) < 1e-6:
        log.warning("the model answers the same probabilities for every test picture: parity"
                    " cannot tell its artifacts apart from a constant; is it trained?")


def _overall(ranges: list[tuple[float, float]]) -> tuple[float, float]:
    return (min(lo for lo, _ in ranges), max(hi for _, hi in ranges))


def _signature(savedmodel: Path, source: object, stage: Path) -> Signature:
    """The names runtimes must use, read from the written files: Keras's SavedModel (the
    frozen one keeps its names) and model.onnx when it was made."""
    from converters.onnx import OUTPUT_NAMES
    from converters.savedmodel import SIGNATURE, TAG, signature_names

    input_name, output, units = signature_names(savedmodel)
    onnx_input, onnx_output = input_name, OUTPUT_NAMES[units == 1]
    onnx_file = stage / "model.onnx"
    if onnx_file.exists():
        import onnx

        graph = onnx.load(str(onnx_file)).graph
        onnx_input, onnx_output = graph.input[0].name, graph.output[0].name
    return Signature(tag=TAG, name=SIGNATURE, input=input_name, output=output,
                     onnx_input=onnx_input, onnx_output=onnx_output)


def _training_summary(prepared: Prepared) -> TrainingSummary | None:
    result = prepared.training
    if result is None:
        return None
    t = prepared.training_config
    return TrainingSummary(
        architecture=t.architecture, epochs=t.epochs, best_epoch=result.best_epoch,
        batch_size=t.batch_size, learning_rate=t.learning_rate, schedule=t.schedule,
        seed=t.seed, augmentation=t.augment, config=t.to_json(),
        class_weight={str(k): v for k, v in result.class_weight.items()},
        history=result.history)


def _metrics(measured: dict | None, prepared: Prepared) -> Metrics | None:
    if measured is None:
        return None
    result = prepared.training
    if result is None:
        return Metrics(**measured)
    return Metrics(**measured, training_seconds=round(result.seconds, 2), device=result.device)


def _write_reference(path: Path, prepared: Prepared, reference: np.ndarray,
                     threshold: float | None) -> None:
    """The test split with Keras's answers to it and to every edge input the parity suite
    makes: the references every runtime is held to, for a model with or without model.keras."""
    from python.parity.matrix import (
        FILES_REFERENCE,
        input_sets,
        references,
        round_trips_as_png,
        written_pictures,
    )
    from python.runtimes.loaders import keras_probabilities

    data, pre, model = prepared.data, prepared.preprocessing, prepared.source.model
    x = data.test.x
    answers = references(lambda v: keras_probabilities(model, v),
                         input_sets(x, pre.input_range()), reference)
    files_exist = all(Path(s).is_file() for s in data.test.sources)
    if not files_exist and round_trips_as_png(pre):
        from python.data.pictures import pixels_to_input

        pictures = np.stack([pixels_to_input(g, pre) for g in written_pictures(x)])
        answers[FILES_REFERENCE] = keras_probabilities(model, pictures)
    extra = {} if threshold is None else {"threshold": np.float32(threshold)}
    np.savez_compressed(path, x=x, y=data.test.y, sources=np.asarray(data.test.sources),
                        labels=np.asarray(prepared.labels), **extra, **answers)


def drop_failed_int8(stage: Path, artifacts: dict, cells: dict, where: str,
                     ) -> dict[str, MissingArtifact]:
    """Take out of the stage each int8 artifact whose parity failed (and its cells): an int8
    file that does not answer as the model does is not published, and the manifest's
    ``missing`` says why. A float artifact's failure fails the export (ParityError)."""
    from python.artifacts.registry import spec
    from python.parity.compare import int8_failures

    missing = {}
    for artifact, why in int8_failures(cells).items():  # the cell keys name the runtime
        log.warning("%s not published: out of tolerance %s: %s", artifact, where, why)
        (stage / spec(artifact).file).unlink(missing_ok=True)
        artifacts.pop(artifact, None)
        for key in [k for k in cells if k.split("/")[0] == artifact]:
            del cells[key]
        missing[artifact] = MissingArtifact(f"out of tolerance {where}: {why}")
    return missing


def _java_parity(stage: Path, manifest: Manifest) -> Manifest:
    """Run the Java cells on the staged artifacts when a JDK and the Gradle classpath exist."""
    from python.parity.matrix import cells_for_manifest, run_matrix

    cells, skipped = run_matrix(stage, manifest, python=False, java=True)
    if skipped:
        log.warning("Java parity cells skipped: %s", skipped)
        return manifest.with_parity({}, f"skipped: {skipped}")
    for key, c in cells.items():
        if c.not_applicable:
            log.info("%s: not applicable (%s)", key, c.not_applicable)
    artifacts = dict(manifest.artifacts)
    lost = drop_failed_int8(stage, artifacts, cells, "in Java")
    if lost:
        parity = {k: c for k, c in manifest.parity.items() if k.split("/")[0] not in lost}
        manifest = replace(manifest, artifacts=artifacts, parity=parity,
                           missing={**manifest.missing, **lost})
    return manifest.with_parity(cells_for_manifest(cells), "ran")
