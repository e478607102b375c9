"""The parity matrix: every artifact in every runtime that runs it, against Keras.

Inputs: the whole test split plus edge inputs (all zeros, all ones, uniform noise,
one picture alone, a batch of 64). Python runtimes run here, each artifact loaded
once; Java runtimes run in worker processes (``python.runtimes.jvm``).
"""

from __future__ import annotations

import logging
import tempfile
import time
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import numpy as np

from python.artifacts.manifest import Manifest, ParityCell, checked_artifact
from python.artifacts.registry import ARTIFACTS, JAVA_RUNTIMES
from python.parity import tolerance
from python.parity.compare import compare

log = logging.getLogger(__name__)

#: The input set that is the test split (its Keras probabilities are in the split file).
TEST = "test"
#: The Java library's own cell input: the test split as picture files.
FILES = "files"


@dataclass(frozen=True)
class MatrixCell(ParityCell):
    """A parity cell with its numbers per input set (for parity.json)."""

    inputs: dict[str, dict[str, float | int | None]] = field(default_factory=dict)

    def for_manifest(self) -> ParityCell:
        return ParityCell(**{f.name: getattr(self, f.name) for f in fields(ParityCell)})

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def cells_for_manifest(cells: dict[str, MatrixCell]) -> dict[str, ParityCell]:
    return {k: c.for_manifest() for k, c in cells.items()}


def input_sets(x_test: np.ndarray, seed: int = 0) -> dict[str, np.ndarray]:
    """The test split and the edge inputs, all float32 [n, H, W, 1]."""
    shape = x_test.shape[1:]
    rng = np.random.default_rng(seed)
    return {
        TEST: x_test.astype(np.float32),
        "zeros": np.zeros((1, *shape), np.float32),
        "ones": np.ones((1, *shape), np.float32),
        "noise": rng.uniform(0.0, 1.0, (16, *shape)).astype(np.float32),
        "single": x_test[:1].astype(np.float32),
        "batch64": np.resize(x_test, (64, *shape)).astype(np.float32),
    }


def cell(artifact: str, runtime: str, pairs: dict[str, tuple[np.ndarray, np.ndarray]],
         threshold: float, labels: tuple[list[str], list[str]] | None = None) -> MatrixCell:
    """Compare outputs with references over every input set; labels as strings if given."""
    per_input = {name: compare(artifact, ref, got, threshold, runtime)
                 for name, (got, ref) in pairs.items()}
    n = sum(c.n for c in per_input.values())
    diffs = [c.max_abs_diff for c in per_input.values()]
    diff = None if None in diffs else max(diffs, default=0.0)
    share = sum(c.label_agreement * c.n for c in per_input.values()) / max(n, 1)
    if labels is not None:  # the Java library's own label strings against Python's
        share = float(np.mean(np.asarray(labels[0]) == np.asarray(labels[1])))
    return MatrixCell(max_abs_diff=diff, label_agreement=share, n=n,
                      ok=tolerance.cell_ok(artifact, diff, share, runtime),
                      inputs={k: {"max_abs_diff": c.max_abs_diff, "n": c.n}
                              for k, c in per_input.items()})


def failed_cell(error: str) -> MatrixCell:
    return MatrixCell(max_abs_diff=None, label_agreement=0.0, n=0, ok=False, error=error)


def picture_files(split: dict, work: Path) -> list[str]:
    """The test split as picture files: the real files where they exist, else 8-bit PNGs."""
    from PIL import Image

    sources = [str(s) for s in split["sources"]]
    if sources and all(Path(s).is_file() for s in sources):
        return sources
    folder = work / "pictures"
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for i, x in enumerate(split["x"]):
        path = folder / f"test_{i:04d}.png"
        Image.fromarray(np.rint(x[..., 0] * 255.0).astype(np.uint8)).save(path)
        files.append(str(path))
    return files


def run_matrix(root: Path, manifest: Manifest, python: bool = True, java: bool = True,
               timeout: float = 300.0) -> tuple[dict[str, MatrixCell], str | None]:
    """All cells: {"<artifact>/<runtime>": cell}, and why Java was skipped (or None)."""
    from python.runtimes.loaders import load, load_artifact

    split = dict(np.load(root / manifest.data.test_split_file))
    threshold = manifest.threshold
    inputs = input_sets(split["x"])
    keras_model = load("keras", checked_artifact(root, manifest, "keras"))
    refs = {k: (split["probability"] if k == TEST else keras_model(v)) for k, v in inputs.items()}
    cells: dict[str, MatrixCell] = {}
    if python:
        for artifact in ARTIFACTS:
            if artifact.name not in manifest.artifacts:
                continue
            key = f"{artifact.name}/{artifact.python_runtime}"
            log.info("parity: %s", key)
            try:
                predict = load_artifact(artifact, checked_artifact(root, manifest, artifact.name))
                cells[key] = cell(artifact.name, artifact.python_runtime,
                                  {k: (predict(v), refs[k]) for k, v in inputs.items()},
                                  threshold)
            except Exception as err:  # noqa: BLE001 - a runtime that cannot run is a failed cell
                cells[key] = failed_cell(f"{type(err).__name__}: {err}"[:500])
    from python.runtimes.jvm import java_unavailable

    skipped = java_unavailable() if java else "not asked for"
    if skipped is None:
        cells.update(_java_matrix(root, manifest, split, inputs, refs, keras_model, timeout))
    return cells, skipped


def _java_matrix(root: Path, manifest: Manifest, split: dict, inputs: dict, refs: dict,
                 keras_model: object, timeout: float) -> dict[str, MatrixCell]:
    from python.data.pictures import load_image
    from python.runtimes.jvm import run_java

    cells: dict[str, MatrixCell] = {}
    with tempfile.TemporaryDirectory(prefix="parity-") as tmp:
        work = Path(tmp)
        files = picture_files(split, work)
        file_ref = keras_model(np.stack([load_image(f, manifest.input.height) for f in files]))
        # Labels as Python recorded them at export (the split file), not as the manifest
        # now says: a manifest whose labels were swapped must fail the Java library's cells.
        labels = [str(s) for s in split["labels"]]
        expected = [labels[int(p >= manifest.threshold)] for p in file_ref]
        for runtime in JAVA_RUNTIMES:
            log.info("parity: %s (JVM worker)", runtime)
            started = time.perf_counter()
            outcomes = run_java(runtime, root, manifest, inputs, files, work / runtime, timeout)
            cells.update(_java_cells(runtime, outcomes, refs, file_ref, expected,
                                     manifest.threshold))
            log.info("parity: %s took %.1f s", runtime, time.perf_counter() - started)
    return cells


def _java_cells(runtime: str, outcomes: dict, refs: dict, file_ref: np.ndarray,
                expected: list[str], threshold: float) -> dict[str, MatrixCell]:
    """Group one Java runtime's job outcomes into cells, one per artifact."""
    pairs: dict[str, dict] = {}
    errors: dict[str, str] = {}
    labels: dict[str, tuple[list[str], list[str]]] = {}
    for (artifact, name), outcome in outcomes.items():
        if outcome.error is not None:
            errors.setdefault(artifact, outcome.error)
            continue
        ref = file_ref if name == FILES else refs[name]
        pairs.setdefault(artifact, {})[name] = (outcome.probability, ref)
        if outcome.labels is not None:
            labels[artifact] = (outcome.labels, expected)
    cells = {}
    for artifact in {a for a, _ in outcomes}:
        key = f"{artifact}/{runtime}"
        if artifact in errors:
            cells[key] = failed_cell(errors[artifact])
        else:
            cells[key] = cell(artifact, runtime, pairs[artifact], threshold, labels.get(artifact))
    return dict(sorted(cells.items()))

