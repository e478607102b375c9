"""Small labelled picture folders made inside the tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from python.data import preprocessing


def grey(size: int) -> preprocessing.Preprocessing:
    """The default recipe for a size x size grey model."""
    return preprocessing.default(1, size, size)


def make_folder(root: Path, counts: dict[str, int], size: int = 24, seed: int = 0) -> Path:
    """Write counts[name] distinct random grey PNGs into root/name/; return root."""
    rng = np.random.default_rng(seed)
    for name, n in counts.items():
        folder = root / name
        folder.mkdir(parents=True, exist_ok=True)
        bright = 60 if name in ("0", "not_selfie") else 180
        for i in range(n):
            pixels = np.clip(rng.normal(bright, 40, size=(size, size)), 0, 255).astype(np.uint8)
            Image.fromarray(pixels).save(folder / f"{name}_{i:03d}.png")
    return root
