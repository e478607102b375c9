"""python -m python.predict: classify picture files with an exported artifact.

Prints one line per picture, tab-separated: path, label, probability of the
positive class (six decimals). The Java CLI prints the same format. Pictures are
prepared and run BATCH at a time, each batch printed before the next is read, so
memory stays flat however many photos a folder holds.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from python.artifacts.registry import ARTIFACTS  # noqa: E402
from python.errors import PictureError, cli_main  # noqa: E402

FORMATS = tuple(a.name for a in ARTIFACTS)
#: Pictures per model call: the Java Classifier's batch too.
BATCH = 64


def format_line(path: str, label: str, probability: float) -> str:
    """The one output line both the Python and the Java CLI print."""
    return f"{path}\t{label}\t{probability:.6f}"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m python.predict",
        description="Classify pictures with artifacts written by python -m python.export."
        " Output: path<TAB>label<TAB>probability of the positive class, one line a picture.",
    )
    p.add_argument("--artifacts", type=Path, default=Path("artifacts"),
                   help="folder written by python -m python.export (default: artifacts)")
    p.add_argument("--format", choices=FORMATS, default="onnx",
                   help="which artifact to run (default: onnx)")
    p.add_argument("pictures", nargs="+", metavar="PICTURE", help="picture files")
    return p.parse_args(argv)


@cli_main
def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    import numpy as np

    from python.artifacts.manifest import checked_artifact, read_manifest
    from python.artifacts.registry import spec
    from python.data.pictures import load_image
    from python.runtimes.loaders import load_artifact

    manifest = read_manifest(args.artifacts)
    path = checked_artifact(args.artifacts, manifest, args.format)
    size = manifest.input.height

    run = load_artifact(spec(args.format), path)
    failed = 0
    for start in range(0, len(args.pictures), BATCH):
        inputs, good = [], []
        for picture in args.pictures[start:start + BATCH]:
            try:
                inputs.append(load_image(picture, size))
                good.append(picture)
            except PictureError as err:
                print(f"predict: error: {err}", file=sys.stderr)
                failed += 1
        if inputs:
            for picture, p in zip(good, run(np.stack(inputs)), strict=True):
                print(format_line(picture, manifest.label_for(float(p)), float(p)))
            sys.stdout.flush()
    return 1 if failed else 0

