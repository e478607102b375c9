"""The fast route's two resampling steps: box reduction, then the resize filter.

The box step is written out in NumPy. The resize is Pillow's float32 resampling, one pass
at a time: Pillow would choose which pass runs first from its own cost estimate (and the
choice moves the last bit of float32 results), so each pass is asked for alone, in the order
the manifest spells out and Java (Resize.java) and JavaScript follow. Pictures are
[height, width] or [height, width, channels]; channels are resampled alike.
"""

from __future__ import annotations

import numpy as np
from PIL import Image


def box_reduce(pixels: np.ndarray, factor: int) -> np.ndarray:
    """Mean of each factor x factor block of the centred crop: float32(sum) / float32(f * f)."""
    f = factor
    h, w = pixels.shape[0] // f, pixels.shape[1] // f
    y0, x0 = (pixels.shape[0] - h * f) // 2, (pixels.shape[1] - w * f) // 2
    g = pixels[y0:y0 + h * f, x0:x0 + w * f]
    rows = np.zeros((h, w * f) + g.shape[2:], np.uint32)
    for i in range(f):  # strided adds: several times quicker than sum() over a short axis
        rows += g[i::f]
    sums = rows[:, 0::f].copy()
    for j in range(1, f):
        sums += rows[:, j::f]
    return sums.astype(np.float32) / np.float32(f * f)


#: Pillow's resample numbers (Hugging Face's ``resample``) that this toolkit implements.
FILTERS = {2: "bilinear", 3: "bicubic"}


def _pass(channel: np.ndarray, width: int, height: int, resample: int) -> np.ndarray:
    """One channel through Pillow's float32 ("F") resampling, horizontal pass then vertical,
    each asked for alone: Pillow runs a pass only where a size changes, so the order is
    fixed here, not by Pillow's cost estimate. For "F" pictures Pillow's passes are the
    manifest's rule: precompute_coeffs' float64 weights, float64 products summed tap by tap
    from 0.0, stored as float32 (Resample.c, ImagingResample*_32bpc)."""
    im = Image.fromarray(np.ascontiguousarray(channel, np.float32), "F")
    if im.width != width:
        im = im.resize((width, im.height), resample)
    if im.height != height:
        im = im.resize((width, height), resample)
    return np.asarray(im)


def resize(image: np.ndarray, width: int, height: int, resample: int = 2) -> np.ndarray:
    """Resize float32 [h, w] or [h, w, c] to [height, width(, c)] with Pillow's filter
    ``resample``: horizontal pass, then vertical; a pass whose size already matches is
    skipped. No clipping and no rounding: the float results as they are."""
    if resample not in FILTERS:
        raise ValueError(f"resample {resample}: not one of {sorted(FILTERS)}")
    image = np.asarray(image, np.float32)
    if image.ndim == 2:
        return _pass(image, width, height, resample)
    return np.stack([_pass(image[..., c], width, height, resample)
                     for c in range(image.shape[2])], axis=-1)


def bilinear(image: np.ndarray, width: int, height: int) -> np.ndarray:
    """``resize`` with Pillow's bilinear filter (the default recipe's)."""
    return resize(image, width, height, 2)
