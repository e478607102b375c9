"""python -m python.parity: every artifact in every runtime, Java's included, against Keras.

Inputs: the whole test split plus edge inputs (all zeros, all ones, uniform noise,
one picture alone, a batch of 64). Python runtimes run here; Java runtimes run in
worker processes (see ``python.javacells``). Writes ``DIR/parity.json``, refreshes
the manifest's ``parity`` and exits 1 when any cell is out of tolerance or could
not run.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

from python import tolerance  # noqa: E402
from python.errors import ParityError, cli_main  # noqa: E402
from python.verify import compare, failures  # noqa: E402

PYTHON_RUNTIMES = {"keras": "keras", "savedmodel": "tensorflow", "tflite": "litert",
                   "tflite_int8": "litert", "onnx": "onnxruntime", "onnx_int8": "onnxruntime"}
PARITY_FILE = "parity.json"


def input_sets(x_test: np.ndarray, seed: int = 0) -> dict[str, np.ndarray]:
    """The test split and the edge inputs, all float32 [n, H, W, 1]."""
    shape = x_test.shape[1:]
    rng = np.random.default_rng(seed)
    return {
        "test": x_test.astype(np.float32),
        "zeros": np.zeros((1, *shape), np.float32),
        "ones": np.ones((1, *shape), np.float32),
        "noise": rng.uniform(0.0, 1.0, (16, *shape)).astype(np.float32),
        "single": x_test[:1].astype(np.float32),
        "batch64": np.resize(x_test, (64, *shape)).astype(np.float32),
    }


def cell(artifact: str, runtime: str, pairs: dict[str, tuple[np.ndarray, np.ndarray]],
         threshold: float, labels: tuple[list[str], list[str]] | None = None) -> dict:
    """Compare outputs with references over every input set; labels as strings if given."""
    per_input = {name: compare(artifact, ref, got, threshold, runtime)
                 for name, (got, ref) in pairs.items()}
    n = sum(c["n"] for c in per_input.values())
    diff = max(c["max_abs_diff"] for c in per_input.values())
    share = sum(c["label_agreement"] * c["n"] for c in per_input.values()) / max(n, 1)
    if labels is not None:  # the Java library's own label strings against Python's
        share = float(np.mean(np.asarray(labels[0]) == np.asarray(labels[1])))
    return {"max_abs_diff": diff, "label_agreement": share, "n": n,
            "ok": tolerance.cell_ok(artifact, diff, share, runtime),
            "inputs": {k: {"max_abs_diff": c["max_abs_diff"], "n": c["n"]}
                       for k, c in per_input.items()}}


def failed_cell(error: str) -> dict:
    return {"max_abs_diff": None, "label_agreement": 0.0, "n": 0, "ok": False, "error": error}


def json_safe(obj: object) -> object:
    """Non-finite numbers as null: JSON has no Infinity, and Java's parser rightly refuses it."""
    if isinstance(obj, float) and not np.isfinite(obj):
        return None
    if isinstance(obj, dict):
        return {k: json_safe(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [json_safe(v) for v in obj]
    return obj


def _keras(root: Path, manifest: dict) -> object:
    import keras

    return keras.saving.load_model(str(root / manifest["artifacts"]["keras"]["path"]),
                                   compile=False)


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


def run_matrix(root: Path, manifest: dict, python: bool = True, java: bool = True,
               timeout: float = 300.0, say=print) -> tuple[dict, str | None]:
    """All cells: {"<artifact>/<runtime>": cell}, and why Java was skipped (or None)."""
    from python.data import load_image
    from python.javacells import JAVA_RUNTIMES, java_unavailable, run_java
    from python.manifest import checked_artifact
    from python.runtimes import keras_probabilities, runner_for

    split = dict(np.load(root / manifest["data"]["test_split_file"]))
    threshold = float(manifest["threshold"])
    inputs = input_sets(split["x"])
    keras_model = _keras(root, manifest)
    refs = {k: (split["probability"] if k == "test" else keras_probabilities(keras_model, v))
            for k, v in inputs.items()}
    cells: dict[str, dict] = {}
    if python:
        for artifact, runtime in PYTHON_RUNTIMES.items():
            if artifact not in manifest["artifacts"]:
                continue
            key = f"{artifact}/{runtime}"
            say(f"parity: {key}")
            try:
                path = checked_artifact(root, manifest, artifact)
                _, run = runner_for(manifest["artifacts"][artifact]["format"])
                cells[key] = cell(artifact, runtime, {k: (run(path, v), refs[k])
                                                      for k, v in inputs.items()}, threshold)
            except Exception as err:  # noqa: BLE001 - a runtime that cannot run is a failed cell
                cells[key] = failed_cell(f"{type(err).__name__}: {err}"[:500])
    skipped = java_unavailable() if java else "not asked for"
    if skipped is None:
        with tempfile.TemporaryDirectory(prefix="parity-") as tmp:
            work = Path(tmp)
            files = picture_files(split, work)
            file_ref = keras_probabilities(keras_model, np.stack([load_image(f, split["x"].shape[1])
                                                         for f in files]))
            labels = [str(s) for s in split["labels"]]
            expected = [labels[int(p >= threshold)] for p in file_ref]
            for runtime in JAVA_RUNTIMES:
                say(f"parity: {runtime} (JVM worker)")
                started = time.perf_counter()
                outcomes = run_java(runtime, root, manifest, inputs, files, work / runtime,
                                    timeout)
                cells.update(_java_cells(runtime, outcomes, refs, file_ref, expected, threshold))
                say(f"parity: {runtime} took {time.perf_counter() - started:.1f} s")
    return cells, skipped


def _java_cells(runtime: str, outcomes: dict, refs: dict, file_ref: np.ndarray,
                expected: list[str], threshold: float) -> dict:
    """Group one Java runtime's job outcomes into cells, one per artifact."""
    pairs: dict[str, dict] = {}
    errors: dict[str, str] = {}
    labels: dict[str, tuple[list[str], list[str]]] = {}
    for (artifact, name), outcome in outcomes.items():
        if outcome.error is not None:
            errors.setdefault(artifact, outcome.error)
            continue
        ref = file_ref if name == "files" else refs[name]
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


def table(cells: dict) -> str:
    rows = [("artifact/runtime", "max_abs_diff", "label_agreement", "n", "ok")]
    for key, c in cells.items():
        diff = "-" if c["max_abs_diff"] is None else f"{c['max_abs_diff']:.3g}"
        rows.append((key, diff, f"{c['label_agreement']:.4f}", str(c["n"]),
                     "yes" if c["ok"] else f"NO {c.get('error', '')}"[:120]))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
                     for r in rows)


def summary(cells: dict) -> dict:
    """The manifest's parity: the four numbers of each cell (and its error)."""
    keep = ("max_abs_diff", "label_agreement", "n", "ok", "error")
    return {k: {f: c[f] for f in keep if f in c} for k, c in cells.items()}


@cli_main
def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m python.parity",
        description="Run every artifact in every runtime (Keras, TensorFlow, LiteRT, ONNX"
        " Runtime, TensorFlow Java, ONNX Runtime Java, the Java library from picture files)"
        " on the test split and edge inputs; compare with Keras; exit 1 on any failure.")
    p.add_argument("--artifacts", type=Path, default=Path("artifacts"))
    p.add_argument("--no-java", action="store_true", help="Python runtimes only")
    p.add_argument("--timeout", type=float, default=300.0,
                   help="seconds a JVM worker may take before it counts as hung (default 300)")
    p.add_argument("--quiet", action="store_true")
    args = p.parse_args(argv)
    from python.manifest import read_manifest, write_manifest

    manifest = read_manifest(args.artifacts)
    say = (lambda _s: None) if args.quiet else (lambda s: print(s, file=sys.stderr))
    started = time.perf_counter()
    cells, skipped = run_matrix(args.artifacts, manifest, java=not args.no_java,
                                timeout=args.timeout, say=say)
    if skipped and not args.no_java:
        cells["java/*"] = failed_cell(f"Java cells could not run: {skipped}")
    seconds = time.perf_counter() - started
    report = {"cells": cells, "java": "skipped: " + skipped if skipped else "ran",
              "seconds": round(seconds, 1), "tolerances": tolerance.describe()}
    (args.artifacts / PARITY_FILE).write_text(json.dumps(json_safe(report), indent=2) + "\n")
    manifest["parity"] = json_safe(summary(cells))
    write_manifest(args.artifacts, manifest)
    print(table(cells))
    failed = failures(cells)
    print(f"\n{len(cells) - len(failed)} of {len(cells)} cells within tolerance"
          f" in {seconds:.1f} s; wrote {args.artifacts / PARITY_FILE}")
    if failed:
        raise ParityError("out of tolerance or could not run: " + "; ".join(failed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
