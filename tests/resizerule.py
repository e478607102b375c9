"""The fast route's float resize written out from the manifest's words, in NumPy: the oracle
``python.data.resample.resize`` (Pillow's float32 passes, asked for one at a time) is held to,
bit for bit. Kept apart from the product: it is what the rule says, not how it is run.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def triangle(x: float) -> float:
    """Pillow's bilinear filter (support 1)."""
    x = abs(x)
    return 1.0 - x if x < 1.0 else 0.0


def cubic(x: float) -> float:
    """Pillow's bicubic filter: Keys' cubic with a = -0.5 (support 2), as Pillow writes it."""
    a = -0.5
    x = abs(x)
    if x < 1.0:
        return ((a + 2.0) * x - (a + 3.0)) * x * x + 1
    if x < 2.0:
        return (((x - 5) * x + 8) * x - 4) * a
    return 0.0


#: resample number: (kernel, support).
KERNELS: dict[int, tuple[Callable[[float], float], float]] = {2: (triangle, 1.0), 3: (cubic, 2.0)}


def coefficients(n_in: int, n_out: int, resample: int) -> tuple[np.ndarray, np.ndarray]:
    """Pillow's precompute_coeffs: first tap and normalised weights per output index."""
    kernel, support = KERNELS[resample]
    scale = n_in / n_out
    fs = max(scale, 1.0)
    support = support * fs  # widened by the scale when shrinking
    starts, rows = [], []
    for i in range(n_out):
        center = (i + 0.5) * scale
        lo = max(int(center - support + 0.5), 0)
        hi = min(int(center + support + 0.5), n_in)
        ss = 1.0 / fs  # a reciprocal, multiplied: C's order of rounding
        k = [kernel((x - center + 0.5) * ss) for x in range(lo, hi)]
        total = 0.0
        for w in k:  # summed in order, as C does (Python 3.12's sum() compensates)
            total += w
        starts.append(lo)
        rows.append([w / total for w in k] if total != 0.0 else k)
    weights = np.zeros((n_out, max(len(r) for r in rows)), np.float64)
    for i, r in enumerate(rows):
        weights[i, :len(r)] = r
    return np.asarray(starts), weights


def one_pass(image: np.ndarray, n_out: int, axis: int, resample: int) -> np.ndarray:
    """One pass along ``axis``: float64 products summed tap by tap from 0.0, as float32."""
    image = np.moveaxis(image, axis, -1)
    n_in = image.shape[-1]
    starts, weights = coefficients(n_in, n_out, resample)
    acc = np.zeros(image.shape[:-1] + (n_out,), np.float64)
    for j in range(weights.shape[1]):
        # Taps past an output's own are weight 0 on a clamped index: adding 0.0 changes nothing.
        acc += image[..., np.minimum(starts + j, n_in - 1)].astype(np.float64) * weights[:, j]
    return np.moveaxis(acc.astype(np.float32), -1, axis)


def resize(image: np.ndarray, width: int, height: int, resample: int) -> np.ndarray:
    """Horizontal pass, then vertical; a pass whose size already matches is skipped."""
    out = np.asarray(image, np.float32)
    if out.shape[1] != width:
        out = one_pass(out, width, 1, resample)
    if out.shape[0] != height:
        out = one_pass(out, height, 0, resample)
    return np.ascontiguousarray(out)
