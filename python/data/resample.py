"""The two resampling steps of the preprocessing: box reduction, then the resize filter.

Both are written out here in NumPy, in the order of operations the manifest spells out,
rather than delegated to Pillow: Pillow chooses which resize pass runs first from its
own cost estimate (and the choice moves the last bit of float32 results), so only an
implementation that fixes the order can be reproduced bit for bit in Java (Resize.java).
Pictures are [height, width] or [height, width, channels]; channels are resampled alike.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


def box_reduce(pixels: np.ndarray, factor: int) -> np.ndarray:
    """Mean of each factor x factor block of the centred crop: float32(sum) / float32(f * f)."""
    f = factor
    h, w = pixels.shape[0] // f, pixels.shape[1] // f
    y0, x0 = (pixels.shape[0] - h * f) // 2, (pixels.shape[1] - w * f) // 2
    g = pixels[y0:y0 + h * f, x0:x0 + w * f]
    rest = g.shape[2:]
    rows = g.reshape(h, f, w * f, *rest).sum(axis=1, dtype=np.uint32)  # rows first: contiguous
    sums = rows.reshape(h, w, f, *rest).sum(axis=2, dtype=np.uint32)
    return sums.astype(np.float32) / np.float32(f * f)


def _triangle(x: float) -> float:
    """Pillow's bilinear filter (support 1)."""
    x = abs(x)
    return 1.0 - x if x < 1.0 else 0.0


def _cubic(x: float) -> float:
    """Pillow's bicubic filter: Keys' cubic with a = -0.5 (support 2), as Pillow writes it."""
    a = -0.5
    x = abs(x)
    if x < 1.0:
        return ((a + 2.0) * x - (a + 3.0)) * x * x + 1
    if x < 2.0:
        return (((x - 5) * x + 8) * x - 4) * a
    return 0.0


@dataclass(frozen=True)
class Filter:
    """A resampling filter as Pillow defines one: its kernel and the kernel's support."""

    name: str
    kernel: Callable[[float], float]
    support: float


#: Pillow's resample numbers (Hugging Face's ``resample``) that this toolkit implements.
FILTERS = {2: Filter("bilinear", _triangle, 1.0), 3: Filter("bicubic", _cubic, 2.0)}


def _coefficients(n_in: int, n_out: int, kind: Filter) -> tuple[np.ndarray, np.ndarray]:
    """Pillow's precompute_coeffs: first tap and normalised weights per output index."""
    scale = n_in / n_out
    fs = max(scale, 1.0)
    support = kind.support * fs  # widened by the scale when shrinking
    starts, rows = [], []
    for i in range(n_out):
        center = (i + 0.5) * scale
        lo = max(int(center - support + 0.5), 0)
        hi = min(int(center + support + 0.5), n_in)
        ss = 1.0 / fs  # a reciprocal, multiplied: C's order of rounding
        k = [kind.kernel((x - center + 0.5) * ss) for x in range(lo, hi)]
        total = 0.0
        for w in k:  # summed in order, as C does (Python 3.12's sum() compensates)
            total += w
        starts.append(lo)
        rows.append([w / total for w in k] if total != 0.0 else k)
    width = max(len(r) for r in rows)
    weights = np.zeros((n_out, width), np.float64)
    for i, r in enumerate(rows):
        weights[i, :len(r)] = r
    return np.asarray(starts), weights


def _pass(image: np.ndarray, n_out: int, axis: int, kind: Filter) -> np.ndarray:
    """One pass along ``axis``: float64 products summed tap by tap, stored as float32."""
    image = np.moveaxis(image, axis, -1)
    n_in = image.shape[-1]
    starts, weights = _coefficients(n_in, n_out, kind)
    acc = np.zeros(image.shape[:-1] + (n_out,), np.float64)
    for j in range(weights.shape[1]):
        # Taps past an output's own are weight 0 on a clamped index: adding 0.0 changes nothing.
        acc += image[..., np.minimum(starts + j, n_in - 1)].astype(np.float64) * weights[:, j]
    return np.moveaxis(acc.astype(np.float32), -1, axis)


def resize(image: np.ndarray, width: int, height: int, resample: int = 2) -> np.ndarray:
    """Resize float32 [h, w] or [h, w, c] to [height, width(, c)] with Pillow's filter
    ``resample``: horizontal pass, then vertical; a pass whose size already matches is
    skipped. No clipping and no rounding: the float results as they are."""
    kind = FILTERS[resample]
    out = np.asarray(image, np.float32)
    if out.shape[1] != width:
        out = _pass(out, width, 1, kind)
    if out.shape[0] != height:
        out = _pass(out, height, 0, kind)
    return np.ascontiguousarray(out)


def bilinear(image: np.ndarray, width: int, height: int) -> np.ndarray:
    """``resize`` with Pillow's bilinear filter (the default recipe's)."""
    return resize(image, width, height, 2)
