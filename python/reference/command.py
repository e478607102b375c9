"""python -m python.reference: Python's inputs and predictions for pictures, as .npy files.

The Java tests and the parity suite compare against these without importing
TensorFlow into a JVM process: tensors travel as plain NumPy files.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from python.errors import PictureError, cli_main  # noqa: E402


def _walk(items: list[Path]) -> list[Path]:
    from python.data.datasets import PICTURE_SUFFIXES

    found: list[Path] = []
    for item in items:
        if item.is_dir():
            found += sorted(p for p in item.rglob("*")
                            if p.is_file() and p.suffix.lower() in PICTURE_SUFFIXES)
        else:
            found.append(item)
    return found


@cli_main
def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m python.reference",
        description="Write Python's model inputs (python.data.pictures.load_image) and each"
        " Java-runnable artifact's probabilities for pictures: paths.txt, inputs.npy,"
        " probability_<artifact>.npy.")
    p.add_argument("--artifacts", type=Path, default=Path("artifacts"))
    p.add_argument("--out", type=Path, required=True, help="folder to write into")
    p.add_argument("--pictures", type=Path, nargs="+", required=True,
                   help="picture files or folders (walked recursively, each in sorted order)")
    args = p.parse_args(argv)

    import numpy as np

    from python.artifacts.manifest import checked_artifact, read_manifest
    from python.artifacts.registry import java_runnable, spec
    from python.data.pictures import load_image
    from python.runtimes.loaders import predict_file

    manifest = read_manifest(args.artifacts)
    args.out.mkdir(parents=True, exist_ok=True)
    paths, inputs = [], []
    for picture in _walk(args.pictures):
        try:
            inputs.append(load_image(picture, manifest.preprocessing))
        except PictureError as err:
            print(f"reference: skipped {err}", file=sys.stderr)
            continue
        paths.append(str(picture))
    x = np.stack(inputs).astype(np.float32)
    (args.out / "paths.txt").write_text("".join(f"{s}\n" for s in paths), encoding="utf-8")
    np.save(args.out / "inputs.npy", x)
    for name in java_runnable():
        if name not in manifest.artifacts:
            continue
        path = checked_artifact(args.artifacts, manifest, name)
        np.save(args.out / f"probability_{name}.npy", predict_file(spec(name), path, x))
    print(f"wrote {len(paths)} pictures' inputs and probabilities to {args.out}")
    return 0

