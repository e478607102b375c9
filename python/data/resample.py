"""The two resampling steps of the preprocessing: box reduction, then the bilinear resize.

Both are written out here in NumPy, in the order of operations the manifest spells out,
rather than delegated to Pillow: Pillow chooses which bilinear pass runs first from its
own cost estimate (and the choice moves the last bit of float32 results), so only an
implementation that fixes the order can be reproduced bit for bit in Java (Resize.java).
"""

from __future__ import annotations

import numpy as np


def box_reduce(grey: np.ndarray, factor: int) -> np.ndarray:
    """Mean of each factor x factor block of the centred crop: float32(sum) / float32(f * f)."""
    f = factor
    h, w = grey.shape[0] // f, grey.shape[1] // f
    y0, x0 = (grey.shape[0] - h * f) // 2, (grey.shape[1] - w * f) // 2
    g = grey[y0:y0 + h * f, x0:x0 + w * f]
    rows = g.reshape(h, f, w * f).sum(axis=1, dtype=np.uint32)  # rows first: contiguous, fast
    sums = rows.reshape(h, w, f).sum(axis=2, dtype=np.uint32)
    return sums.astype(np.float32) / np.float32(f * f)


def _coefficients(n_in: int, n_out: int) -> tuple[np.ndarray, np.ndarray]:
    """Pillow's precompute_coeffs for the bilinear filter: first tap and weights per output."""
    scale = n_in / n_out
    fs = max(scale, 1.0)
    support = fs  # the triangle's support is 1, widened by the scale when shrinking
    starts, rows = [], []
    for i in range(n_out):
        center = (i + 0.5) * scale
        lo = max(int(center - support + 0.5), 0)
        hi = min(int(center + support + 0.5), n_in)
        ss = 1.0 / fs  # a reciprocal, multiplied: C's order of rounding
        k = [max(0.0, 1.0 - abs((x - center + 0.5) * ss)) for x in range(lo, hi)]
        total = sum(k)  # summed in order, as C does
        starts.append(lo)
        rows.append([w / total for w in k] if total != 0.0 else k)
    width = max(len(r) for r in rows)
    weights = np.zeros((n_out, width), np.float64)
    for i, r in enumerate(rows):
        weights[i, :len(r)] = r
    return np.asarray(starts), weights


def _pass(image: np.ndarray, n_out: int) -> np.ndarray:
    """One pass along the last axis: float64 products summed tap by tap, stored as float32."""
    n_in = image.shape[-1]
    starts, weights = _coefficients(n_in, n_out)
    acc = np.zeros(image.shape[:-1] + (n_out,), np.float64)
    for j in range(weights.shape[1]):
        # Taps past an output's own are weight 0 on a clamped index: adding 0.0 changes nothing.
        acc += image[..., np.minimum(starts + j, n_in - 1)].astype(np.float64) * weights[:, j]
    return acc.astype(np.float32)


def bilinear(image: np.ndarray, width: int, height: int) -> np.ndarray:
    """Resize float32 [h, w] to [height, width]: horizontal pass, then vertical; a pass whose
    size already matches is skipped."""
    out = np.asarray(image, np.float32)
    if out.shape[1] != width:
        out = _pass(out, width)
    if out.shape[0] != height:
        out = _pass(out.T, height).T
    return np.ascontiguousarray(out)
