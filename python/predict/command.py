"""python -m python.predict: classify picture files with an exported artifact.

Prints one line per picture, tab-separated: path, label, and a probability (six
decimals): the positive class's for a one-unit (sigmoid) model, the top label's for a
softmax. ``--top K`` adds the K most probable ``label:probability`` pairs. The Java CLI
prints the same format. Pictures are prepared and run BATCH at a time, each batch printed
before the next is read, so memory stays flat however many photos a folder holds.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from python.artifacts.registry import ARTIFACTS  # noqa: E402
from python.errors import PictureError, cli_main  # noqa: E402
from python.predict.inputs import SPELLED, expand  # noqa: E402

FORMATS = tuple(a.name for a in ARTIFACTS)
#: Pictures per model call: the Java Classifier's batch too.
BATCH = 64


def format_line(path: str, label: str, probability: float,
                top: list[tuple[str, float]] | None = None) -> str:
    """The one output line both the Python and the Java CLI print."""
    pairs = "".join(f"\t{name}:{p:.6f}" for name, p in top or [])
    return f"{path}\t{label}\t{probability:.6f}{pairs}"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m python.predict",
        description="Classify pictures with artifacts written by python -m python.export."
        " Output, one line a picture: path<TAB>label<TAB>probability (of the positive class"
        " for a one-unit model, of the label for a softmax), then with --top K the K most"
        " probable label:probability pairs.",
    )
    p.add_argument("--artifacts", type=Path, default=Path("artifacts"),
                   help="folder written by python -m python.export (default: artifacts)")
    p.add_argument("--format", choices=FORMATS, default="onnx",
                   help="which artifact to run (default: onnx)")
    p.add_argument("--top", type=_positive, metavar="K",
                   help="also print the K most probable labels with their probabilities")
    p.add_argument("pictures", nargs="+", metavar="PICTURE",
                   help="picture files; a folder stands for its pictures, recursively, sorted by"
                   f" path ({SPELLED}, any case; hidden names"
                   " skipped); @LIST for the lines of the file LIST, - for those of standard"
                   " input, one picture or folder a line")
    return p.parse_args(argv)


def _positive(text: str) -> int:
    try:
        k = int(text)
    except ValueError:
        k = 0
    if k < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return k


@cli_main
def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    named = expand(args.pictures)
    for problem in named.problems:
        print(f"predict: error: {problem}", file=sys.stderr)
    import numpy as np

    from python.artifacts.manifest import checked_artifact, read_manifest
    from python.artifacts.registry import spec
    from python.data.pictures import load_image
    from python.model.outputs import shown_probability, top_k
    from python.runtimes.loaders import load_artifact

    manifest = read_manifest(args.artifacts)
    path = checked_artifact(args.artifacts, manifest, args.format)
    pre = manifest.preprocessing
    k = min(args.top, len(manifest.labels)) if args.top else 0

    run = load_artifact(spec(args.format), path)
    failed = len(named.problems)
    for start in range(0, len(named.pictures), BATCH):
        inputs, good = [], []
        for picture in named.pictures[start:start + BATCH]:
            try:
                inputs.append(load_image(picture, pre))
                good.append(picture)
            except PictureError as err:
                print(f"predict: error: {err}", file=sys.stderr)
                failed += 1
        if inputs:
            answers = run(np.stack(inputs))
            tops = top_k(answers, manifest.labels, k) if k else [None] * len(good)
            for picture, label, p, top in zip(good, manifest.labels_for(answers),
                                              shown_probability(answers), tops, strict=True):
                print(format_line(picture, label, float(p), top))
            sys.stdout.flush()
    return 1 if failed else 0

