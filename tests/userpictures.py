"""Labelled RGB (or grey) picture sets made here, so no data is committed: ``--model`` tests.

Each class is a shape (disc, square, horizontal bars, cross) in a colour that leans towards
the class's own hue, on a noisy background, at a random place and size: learnable in a few
epochs, yet different from picture to picture, so a trained model answers differently for
each. Pictures are written as PNG and JPEG of several sizes (some larger than the model's
input, so the resize runs; a few large enough for the box step and 1/8 JPEG decoding).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

SHAPES = ("disc", "square", "bars", "cross")
#: Each class's hue leaning, as RGB weights.
HUES = ((1.0, 0.35, 0.3), (0.3, 1.0, 0.4), (0.35, 0.4, 1.0), (1.0, 0.9, 0.25))


def _mask(shape: str, h: int, w: int, rng: np.random.Generator) -> np.ndarray:
    yy, xx = np.mgrid[0:h, 0:w]
    cy, cx = rng.uniform(0.35, 0.65) * h, rng.uniform(0.35, 0.65) * w
    r = rng.uniform(0.18, 0.3) * min(h, w)
    if shape == "disc":
        return (yy - cy) ** 2 + (xx - cx) ** 2 < r ** 2
    if shape == "square":
        return (np.abs(yy - cy) < r) & (np.abs(xx - cx) < r)
    if shape == "bars":
        period = max(2.0, r / 1.5)
        return ((yy // period) % 2 == 0) & (np.abs(xx - cx) < 1.6 * r) & (np.abs(yy - cy) < 1.6 * r)
    t = max(1.0, r / 3)
    return ((np.abs(yy - cy) < t) & (np.abs(xx - cx) < 1.4 * r)) | \
        ((np.abs(xx - cx) < t) & (np.abs(yy - cy) < 1.4 * r))


def picture(label: int, h: int, w: int, rng: np.random.Generator, grey: bool = False,
            ) -> np.ndarray:
    """One uint8 picture [h, w, 3] (or [h, w] grey) of class ``label``."""
    background = rng.uniform(30, 140) + rng.normal(0, 18, size=(h, w, 1))
    base = np.repeat(background, 3, axis=2) + rng.normal(0, 10, size=(h, w, 3))
    colour = np.asarray(HUES[label % len(HUES)]) * rng.uniform(170, 255)
    mask = _mask(SHAPES[label % len(SHAPES)], h, w, rng)
    base[mask] = colour + rng.normal(0, 12, size=(int(mask.sum()), 3))
    rgb = np.clip(base, 0, 255).astype(np.uint8)
    return np.asarray(Image.fromarray(rgb).convert("L")) if grey else rgb


def make_folder(root: Path, classes: int = 4, per_class: int = 48, grey: bool = False,
                seed: int = 0, sizes: tuple[tuple[int, int], ...] = ((48, 48), (40, 56),
                                                                     (64, 48), (36, 36)),
                large_every: int = 24) -> Path:
    """Write ``per_class`` pictures of each class into root/<shape>/; return root.

    Every ``large_every``-th picture is 700 x 660 pixels (the box step and, as a JPEG, 1/8
    decoding run on it); the rest take turns over ``sizes``, alternately PNG and JPEG.
    """
    rng = np.random.default_rng(seed)
    root = Path(root)
    for label in range(classes):
        folder = root / SHAPES[label % len(SHAPES)]
        folder.mkdir(parents=True, exist_ok=True)
        for i in range(per_class):
            h, w = (700, 660) if large_every and i % large_every == large_every - 1 \
                else sizes[i % len(sizes)]
            pixels = picture(label, h, w, rng, grey)
            if i % 2:
                Image.fromarray(pixels).save(folder / f"{i:03d}.jpg", quality=90)
            else:
                Image.fromarray(pixels).save(folder / f"{i:03d}.png")
    return root


def main(argv: list[str] | None = None) -> int:
    """python -m tests.userpictures DIR [--classes N] [--per-class N] [--grey]"""
    import argparse

    p = argparse.ArgumentParser(prog="python -m tests.userpictures")
    p.add_argument("out", type=Path)
    p.add_argument("--classes", type=int, default=4)
    p.add_argument("--per-class", type=int, default=48)
    p.add_argument("--grey", action="store_true")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    make_folder(args.out, args.classes, args.per_class, args.grey, args.seed)
    print(args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
