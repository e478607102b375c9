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

JAVA_FORMATS = ("savedmodel", "onnx", "onnx_int8")


def _walk(items: list[Path]) -> list[Path]:
    from python.dataset import PICTURE_SUFFIXES

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
        description="Write Python's model inputs (python.data.load_image) and each Java-"
        "runnable artifact's probabilities for pictures: paths.txt, inputs.npy,"
        " probability_<artifact>.npy; plus odd/ and bad/ pictures made with Pillow.")
    p.add_argument("--artifacts", type=Path, default=Path("artifacts"))
    p.add_argument("--out", type=Path, required=True, help="folder to write into")
    p.add_argument("--pictures", type=Path, nargs="*", default=[],
                   help="picture files or folders (walked recursively)")
    args = p.parse_args(argv)

    import numpy as np

    from python.data import load_image
    from python.manifest import checked_artifact, read_manifest
    from python.oddpictures import make_bad_pictures, make_odd_pictures
    from python.runtimes import runner_for

    manifest = read_manifest(args.artifacts)
    size = int(manifest["input"]["height"])
    args.out.mkdir(parents=True, exist_ok=True)
    odd = [o.path for o in make_odd_pictures(args.out / "odd").values()]
    bad = list(make_bad_pictures(args.out / "bad").values())
    paths, inputs = [], []
    for picture in odd + _walk(args.pictures):
        try:
            inputs.append(load_image(picture, size))
        except PictureError as err:
            print(f"reference: skipped {err}", file=sys.stderr)
            continue
        paths.append(str(picture))
    x = np.stack(inputs).astype(np.float32)
    (args.out / "paths.txt").write_text("".join(f"{s}\n" for s in paths), encoding="utf-8")
    (args.out / "bad.txt").write_text("".join(f"{s}\n" for s in bad), encoding="utf-8")
    np.save(args.out / "inputs.npy", x)
    for name in JAVA_FORMATS:
        if name not in manifest["artifacts"]:
            continue
        path = checked_artifact(args.artifacts, manifest, name)
        _, run = runner_for(str(manifest["artifacts"][name]["format"]))
        np.save(args.out / f"probability_{name}.npy", run(path, x).astype(np.float32))
    print(f"wrote {len(paths)} pictures' inputs and probabilities to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
