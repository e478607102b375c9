"""One parity cell: an artifact's probabilities in one runtime against Keras's, by tolerance."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from python.artifacts.manifest import ArtifactEntry, ParityCell
from python.artifacts.registry import spec
from python.errors import ParityError
from python.model.outputs import as_rows, label_indices
from python.parity import tolerance

log = logging.getLogger(__name__)


def compare(artifact: str, reference: np.ndarray, probability: np.ndarray,
            threshold: float | None, runtime: str = "",
            bound: float = tolerance.FLOAT_MAX_ABS_DIFF) -> ParityCell:
    """Every probability against the reference's: max |p - p_ref| over all of them (None if
    any p is NaN or infinite), the share of pictures whose label (the top class, or the
    threshold for one unit) is the reference's or is undecided within the tolerance, n
    pictures, ok. ``bound`` is the model's float bound (the manifest's ``float_bound``)."""
    reference = as_rows(reference)
    probability = np.asarray(probability, dtype=np.float64)
    if probability.size != reference.size or len(probability) != len(reference):
        shape = "x".join(map(str, probability.shape))
        raise ParityError(f"{artifact}/{runtime or '?'}: outputs of shape {shape} for"
                          f" {reference.shape[0]} inputs of {reference.shape[1]} value(s)")
    probability = probability.reshape(reference.shape)
    n = int(reference.shape[0])
    diff: float | None = float(np.max(np.abs(reference - probability))) if n else 0.0
    if not np.all(np.isfinite(probability)):
        return ParityCell(max_abs_diff=None, label_agreement=0.0, n=n, ok=False)
    limit = tolerance.max_abs_diff_limit(artifact, bound) or 0.0
    same = label_indices(reference, threshold) == label_indices(probability, threshold)
    agree = float(np.mean(same | undecided(reference, threshold, limit))) if n else 1.0
    return ParityCell(max_abs_diff=diff, label_agreement=agree, n=n,
                      ok=tolerance.cell_ok(artifact, diff, agree, bound))


def undecided(reference: np.ndarray, threshold: float | None, limit: float) -> np.ndarray:
    """The pictures whose reference probability is within limit of the decision: the
    threshold for one unit, the runner-up class for several (within 2 limits, as both may
    move). Such a label may flip while every probability stays within tolerance: a model
    trained a few epochs can put a picture 1e-7 from its threshold."""
    if reference.shape[1] == 1:
        return np.abs(reference[:, 0] - threshold) <= limit
    top_two = np.sort(reference, axis=1)[:, -2:]
    return (top_two[:, 1] - top_two[:, 0]) <= 2 * limit


def failures(cells: dict[str, ParityCell]) -> list[str]:
    """Each failing cell named, with its error or its numbers."""
    out = []
    for key, c in cells.items():
        if c.ok or c.not_applicable:
            continue
        diff = "not finite" if c.max_abs_diff is None else f"{c.max_abs_diff:.3g}"
        out.append(f"{key} ({c.error or f'max_abs_diff {diff}, labels {c.label_agreement:.2%}'})")
    return out


def verify_artifacts(root: Path, artifacts: dict[str, ArtifactEntry], x: np.ndarray,
                     reference: np.ndarray, threshold: float | None,
                     bound: float = tolerance.FLOAT_MAX_ABS_DIFF) -> dict[str, ParityCell]:
    """Run each artifact on x in its Python runtime: its cell, within tolerance or not."""
    from python.runtimes.loaders import predict_file

    parity: dict[str, ParityCell] = {}
    for name, entry in artifacts.items():
        artifact = spec(name)
        key = f"{name}/{artifact.python_runtime}"
        log.info("verifying %s on %d test pictures", key, len(x))
        probability = predict_file(artifact, root / entry.path, x)
        parity[key] = compare(name, reference, probability, threshold, artifact.python_runtime,
                              bound)
    return parity


def int8_failures(cells: dict[str, ParityCell]) -> dict[str, str]:
    """The int8 artifacts whose cells are out of tolerance, each with its failed cells; raise
    ParityError when a float artifact's cell is: a float artifact must be the model."""
    failed = failures(cells)
    floats = [f for f in failed if not spec(f.split("/")[0]).quantized]
    if floats:
        raise ParityError("out of tolerance: " + "; ".join(floats))
    lost: dict[str, str] = {}
    for f in failed:
        artifact = f.split("/")[0]
        lost[artifact] = f"{lost[artifact]}; {f}" if artifact in lost else f
    return lost
