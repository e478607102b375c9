"""The parity matrix: every artifact in every runtime that runs it, against Keras.

Inputs: the whole test split plus edge inputs drawn from the model's declared input range
(its lowest and highest values, uniform noise between them, one picture alone, a batch of
64). Keras's answers to each were computed by the export and stored in the reference file
(``test_split.npz``), so a model given as a SavedModel, which has no model.keras, is held
to the same references. Python runtimes run here, each artifact loaded once; Java runtimes
run in worker processes (``python.runtimes.jvm``).
"""

from __future__ import annotations

import logging
import tempfile
import time
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import numpy as np

from python.artifacts.manifest import Manifest, ParityCell, checked_artifact
from python.artifacts.registry import ARTIFACTS, JAVA_RUNTIMES, spec
from python.model.outputs import label_indices
from python.parity import tolerance
from python.parity.compare import compare

log = logging.getLogger(__name__)

#: The input set that is the test split.
TEST = "test"
#: The Java library's own cell input: the test split as picture files.
FILES = "files"
#: The reference file's key for the answers to input set NAME.
REFERENCE_KEY = "reference_{}"
#: Input sets made of real pictures. An int8 file is calibrated on pictures, so its labels
#: are held to the label bound on these; on the synthetic edge inputs (lowest, highest,
#: noise) its answers must be finite, as every runtime's must.
PICTURE_SETS = (TEST, "single", "batch64", FILES)


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


def input_sets(x_test: np.ndarray, ranges: list[tuple[float, float]],
               seed: int = 0) -> dict[str, np.ndarray]:
    """The test split and the edge inputs, all float32 [n, H, W, C]; ``ranges`` holds each
    channel's (lowest, highest) model input (``Preprocessing.input_range``)."""
    shape = x_test.shape[1:]
    low = np.asarray([lo for lo, _ in ranges], np.float32)
    high = np.asarray([hi for _, hi in ranges], np.float32)
    rng = np.random.default_rng(seed)
    noise = rng.uniform(0.0, 1.0, (16, *shape))
    return {
        TEST: x_test.astype(np.float32),
        "lowest": np.broadcast_to(low, (1, *shape)).astype(np.float32),
        "highest": np.broadcast_to(high, (1, *shape)).astype(np.float32),
        "noise": (low + noise * (high - low)).astype(np.float32),
        "single": x_test[:1].astype(np.float32),
        "batch64": np.resize(x_test, (64, *shape)).astype(np.float32),
    }


def references(predict: object, inputs: dict[str, np.ndarray],
               test_reference: np.ndarray) -> dict[str, np.ndarray]:
    """The reference file's entries: Keras's answer to every input set."""
    out = {REFERENCE_KEY.format(k): (test_reference if k == TEST else predict(v))
           for k, v in inputs.items()}
    return {k: np.asarray(v, np.float32) for k, v in out.items()}


def cell(artifact: str, runtime: str, pairs: dict[str, tuple[np.ndarray, np.ndarray]],
         threshold: float | None, labels: tuple[list[str], list[str]] | None = None,
         bound: float = tolerance.FLOAT_MAX_ABS_DIFF) -> MatrixCell:
    """Compare outputs with references over every input set; labels as strings if given.

    The label share counts every input set for a float artifact and the picture sets
    (``PICTURE_SETS``) for an int8 one."""
    per_input = {name: compare(artifact, ref, got, threshold, runtime, bound)
                 for name, (got, ref) in pairs.items()}
    n = sum(c.n for c in per_input.values())
    diffs = [c.max_abs_diff for c in per_input.values()]
    diff = None if None in diffs else max(diffs, default=0.0)
    counted = [c for k, c in per_input.items()
               if not spec(artifact).quantized or k in PICTURE_SETS]
    share = sum(c.label_agreement * c.n for c in counted) / max(sum(c.n for c in counted), 1)
    if labels is not None:  # the Java library's own label strings against Python's
        share = float(np.mean(np.asarray(labels[0]) == np.asarray(labels[1])))
    return MatrixCell(max_abs_diff=diff, label_agreement=share, n=n,
                      ok=tolerance.cell_ok(artifact, diff, share, bound),
                      inputs={k: {"max_abs_diff": c.max_abs_diff, "n": c.n,
                                  "label_agreement": c.label_agreement}
                              for k, c in per_input.items()})


def failed_cell(error: str) -> MatrixCell:
    return MatrixCell(max_abs_diff=None, label_agreement=0.0, n=0, ok=False, error=error)


def not_applicable_cell(why: str) -> MatrixCell:
    """A runtime that cannot run this model at all: reported, never counted as a pass."""
    return MatrixCell(max_abs_diff=None, label_agreement=0.0, n=0, ok=False,
                      not_applicable=why)


def picture_files(split: dict, manifest: Manifest, work: Path,
                  ) -> tuple[list[str], np.ndarray, np.ndarray] | str:
    """The test split as picture files, with the inputs Python makes of them and Keras's
    answers: the real files where they all exist, else (a set with no files, such as the
    embedded one) 8-bit PNGs written from the inputs, for the one recipe they round-trip
    through (grey, /255). Otherwise why the cell cannot run."""
    from PIL import Image

    sources = [str(s) for s in split["sources"]]
    if sources and all(Path(s).is_file() for s in sources):
        return sources, split["x"], split[REFERENCE_KEY.format(TEST)]
    if FILES_REFERENCE not in split:
        return ("the test pictures are not where the export read them"
                f" ({sources[0] if sources else 'none'})")
    folder = work / "pictures"
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for i, grey in enumerate(written_pictures(split["x"])):
        path = folder / f"test_{i:04d}.png"
        Image.fromarray(grey).save(path)
        files.append(str(path))
    from python.data.pictures import pixels_to_input

    x = np.stack([pixels_to_input(g, manifest.preprocessing) for g in written_pictures(
        split["x"])])
    return files, x, split[FILES_REFERENCE]


#: The reference file's key for Keras's answers to the written PNGs (``picture_files``).
FILES_REFERENCE = REFERENCE_KEY.format(FILES)


def round_trips_as_png(pre: object) -> bool:
    """Whether a model input is an 8-bit grey picture / 255 (``written_pictures`` then gives
    the picture it came from, up to rounding)."""
    from python.data.preprocessing import DEFAULT_RESCALE

    return (pre.color == "grey" and pre.do_rescale and pre.rescale_factor == DEFAULT_RESCALE
            and not pre.do_normalize and not pre.do_center_crop)


def written_pictures(x: np.ndarray) -> np.ndarray:
    """8-bit grey pictures [n, h, w] from grey /255 inputs: what ``picture_files`` writes."""
    return np.rint(np.clip(x[..., 0], 0.0, 1.0) * 255.0).astype(np.uint8)


def run_matrix(root: Path, manifest: Manifest, python: bool = True, java: bool = True,
               timeout: float = 300.0) -> tuple[dict[str, MatrixCell], str | None]:
    """The Python and Java cells: {"<artifact>/<runtime>": cell}, and why Java was skipped
    (or None). ``js_matrix`` makes the JavaScript ones."""
    from python.runtimes.loaders import load_artifact

    split = dict(np.load(root / manifest.data.test_split_file))
    threshold = manifest.threshold
    inputs = input_sets(split["x"], manifest.preprocessing.input_range())
    refs = {k: split[REFERENCE_KEY.format(k)] for k in inputs}
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
                                  threshold, bound=manifest.float_max_abs_diff())
            except Exception as err:  # noqa: BLE001 - a runtime that cannot run is a failed cell
                cells[key] = failed_cell(f"{type(err).__name__}: {err}"[:500])
    from python.runtimes.jvm import java_unavailable

    skipped = java_unavailable() if java else "not asked for"
    if skipped is None:
        cells.update(_worker_matrix(root, manifest, split, inputs, refs, timeout, "java"))
    return cells, skipped


def js_matrix(root: Path, manifest: Manifest, timeout: float = 300.0,
              split: dict | None = None) -> tuple[dict[str, MatrixCell], str | None]:
    """The JavaScript cells of every runtime that can run here, and why the others were
    skipped (None when all ran)."""
    from python.artifacts.registry import JS_RUNTIMES
    from python.runtimes.js import js_unavailable

    why = {r: js_unavailable(r) for r in JS_RUNTIMES}
    runnable = tuple(r for r, w in why.items() if w is None)
    skipped = "; ".join(sorted({w for w in why.values() if w}))
    if not runnable:
        return {}, skipped
    split = split if split is not None else dict(np.load(root / manifest.data.test_split_file))
    inputs = input_sets(split["x"], manifest.preprocessing.input_range())
    refs = {k: split[REFERENCE_KEY.format(k)] for k in inputs}
    cells = _worker_matrix(root, manifest, split, inputs, refs, timeout, "js", runnable)
    return cells, (f"{', '.join(r for r in why if why[r])}: {skipped}" if skipped else None)


@dataclass(frozen=True)
class FileCases:
    """The Java library's cell input: picture files, Keras's answers, the labels expected."""

    files: list[str]
    reference: np.ndarray
    expected: list[str]


def file_cases(split: dict, manifest: Manifest, work: Path) -> FileCases | str:
    """The test split as files whose Python inputs are the recorded ones, or why not."""
    from python.data.pictures import load_image

    found = picture_files(split, manifest, work)
    if isinstance(found, str):
        return found
    files, x, reference = found
    made = np.stack([load_image(f, manifest.preprocessing) for f in files])
    if not np.array_equal(made, x):
        return ("Python's inputs for the test pictures are not the ones the export recorded"
                " (the pictures or the preprocessing changed since)")
    # Labels as Python recorded them at export (the reference file), not as the manifest
    # now says: a manifest whose labels were swapped must fail the Java library's cells.
    labels = [str(s) for s in split["labels"]]
    threshold = float(split["threshold"]) if "threshold" in split else None
    return FileCases(files, reference, [labels[i] for i in label_indices(reference, threshold)])


def _worker_matrix(root: Path, manifest: Manifest, split: dict, inputs: dict, refs: dict,
                   timeout: float, family: str, only: tuple[str, ...] | None = None,
                   ) -> dict[str, MatrixCell]:
    """The cells of the runtimes that run in worker processes: Java's or JavaScript's."""
    from python.artifacts.registry import FROM_FILES_RUNTIMES, JS_RUNTIMES
    from python.runtimes.js import run_js
    from python.runtimes.jvm import run_java

    runtimes, run = (JAVA_RUNTIMES, run_java) if family == "java" else (JS_RUNTIMES, run_js)
    cells: dict[str, MatrixCell] = {}
    with tempfile.TemporaryDirectory(prefix="parity-") as tmp:
        work = Path(tmp)
        cases = file_cases(split, manifest, work)
        for runtime in only or runtimes:
            log.info("parity: %s (%s worker)", runtime, "JVM" if family == "java" else "Node")
            started = time.perf_counter()
            from_files = runtime in FROM_FILES_RUNTIMES
            if from_files and isinstance(cases, str):
                cells.update({f"{a}/{runtime}": failed_cell(cases)
                              for a in _worker_artifacts(runtime, manifest)})
                continue
            files = [] if isinstance(cases, str) else cases.files
            outcomes = run(runtime, root, manifest, inputs, files, work / runtime, timeout)
            cells.update(_java_cells(runtime, outcomes, refs, cases, manifest.threshold,
                                     manifest.float_max_abs_diff()))
            log.info("parity: %s took %.1f s", runtime, time.perf_counter() - started)
    return cells


def _worker_artifacts(runtime: str, manifest: Manifest) -> list[str]:
    """The manifest's artifacts that one Java or JavaScript runtime runs."""
    from python.artifacts.registry import java_artifacts, js_artifacts

    return [a for a in java_artifacts(runtime) + js_artifacts(runtime)
            if a in manifest.artifacts]


def _java_cells(runtime: str, outcomes: dict, refs: dict, cases: FileCases | str,
                threshold: float | None, bound: float) -> dict[str, MatrixCell]:
    """Group one worker runtime's (Java's or JavaScript's) job outcomes into cells, one per
    artifact."""
    pairs: dict[str, dict] = {}
    errors: dict[str, str] = {}
    not_applicable: dict[str, str] = {}
    labels: dict[str, tuple[list[str], list[str]]] = {}
    for (artifact, name), outcome in outcomes.items():
        if outcome.not_applicable is not None:
            not_applicable.setdefault(artifact, outcome.not_applicable)
            continue
        if outcome.error is not None:
            errors.setdefault(artifact, outcome.error)
            continue
        ref = cases.reference if name == FILES else refs[name]
        pairs.setdefault(artifact, {})[name] = (outcome.probability, ref)
        if outcome.labels is not None:
            labels[artifact] = (outcome.labels, cases.expected)
    cells = {}
    for artifact in {a for a, _ in outcomes}:
        key = f"{artifact}/{runtime}"
        if artifact in not_applicable:
            cells[key] = not_applicable_cell(not_applicable[artifact])
        elif artifact in errors:
            cells[key] = failed_cell(errors[artifact])
        else:
            cells[key] = cell(artifact, runtime, pairs[artifact], threshold, labels.get(artifact),
                              bound)
    return dict(sorted(cells.items()))
