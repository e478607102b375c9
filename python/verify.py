"""The Python half of parity: every artifact in its Python runtime against Keras."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from python import tolerance
from python.errors import ParityError
from python.runtimes import runner_for


def compare(artifact: str, reference: np.ndarray, probability: np.ndarray,
            threshold: float, runtime: str = "") -> dict[str, object]:
    """One parity cell: max |p - p_ref|, share of equal labels, n, within tolerance."""
    reference = np.asarray(reference, dtype=np.float64).reshape(-1)
    probability = np.asarray(probability, dtype=np.float64).reshape(-1)
    if reference.shape != probability.shape:
        raise ParityError(f"{artifact}/{runtime or '?'}: {probability.shape[0]} outputs for"
                          f" {reference.shape[0]} inputs")
    n = int(reference.shape[0])
    diff = float(np.max(np.abs(reference - probability))) if n else 0.0
    agree = float(np.mean((reference >= threshold) == (probability >= threshold))) if n else 1.0
    if not np.all(np.isfinite(probability)):
        diff = float("inf")
    return {"max_abs_diff": diff, "label_agreement": agree, "n": n,
            "ok": tolerance.cell_ok(artifact, diff, agree, runtime)}


def failures(cells: dict[str, dict[str, object]]) -> list[str]:
    """Each failing cell named, with its error or its numbers."""
    out = []
    for key, c in cells.items():
        if c["ok"]:
            continue
        why = c.get("error") or (f"max_abs_diff {c['max_abs_diff']:.3g},"
                                 f" labels {c['label_agreement']:.2%}")
        out.append(f"{key} ({why})")
    return out


def verify_artifacts(
    root: Path, artifacts: dict[str, dict[str, object]], x: np.ndarray,
    reference: np.ndarray, threshold: float, quiet: bool = False,
) -> dict[str, dict[str, object]]:
    """Run each artifact on x in its Python runtime; raise ParityError if any cell fails."""
    parity: dict[str, dict[str, object]] = {}
    for name, entry in artifacts.items():
        runtime, run = runner_for(str(entry["format"]))
        key = f"{name}/{runtime}"
        if not quiet:
            print(f"verifying {key} on {len(x)} test pictures", file=sys.stderr)
        parity[key] = compare(name, reference, run(root / str(entry["path"]), x), threshold,
                              runtime)
    failed = failures(parity)
    if failed:
        raise ParityError("out of tolerance: " + "; ".join(failed))
    return parity
