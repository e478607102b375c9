"""A decoded picture to 8-bit grey or RGB, alpha over white: the manifest's ``rules.color``.

Every picture kind that loads (palette, 16-bit, CMYK, bilevel, alpha, a tRNS colour key)
becomes either grey [h, w] or RGB [h, w, 3] uint8 by integer arithmetic written here, so
another runtime can reproduce it exactly.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

SIXTEEN_BIT = ("I;16", "I;16L", "I;16B", "I;16N", "I")


def _with_alpha(im: Image.Image) -> Image.Image:
    """A tRNS colour key (PNG transparency) becomes an alpha channel."""
    if "transparency" in im.info and im.mode in ("L", "RGB", "P", "I;16", "I"):
        return im.convert("LA" if im.mode == "L" else "RGBA")
    return im


def _sixteen_to_eight(im: Image.Image) -> np.ndarray:
    v = np.clip(np.asarray(im).astype(np.int64), 0, 65535)
    return ((v * 255 + 32767) // 65535).astype(np.uint8)


def _cmyk_to_rgb(im: Image.Image) -> np.ndarray:
    cmyk = np.asarray(im).astype(np.int32)
    nk = 255 - cmyk[..., 3:4]
    t = cmyk[..., :3] * nk + 128
    return np.clip(nk - ((t + (t >> 8)) >> 8), 0, 255).astype(np.uint8)


def luma(rgb: np.ndarray) -> np.ndarray:
    """ITU-R 601-2 luma in integers, as Pillow's RGB to L converter computes it."""
    rgb = rgb.astype(np.int32)  # 65536 * 255 + 32768 fits
    y = (19595 * rgb[..., 0] + 38470 * rgb[..., 1] + 7471 * rgb[..., 2] + 32768) >> 16
    return y.astype(np.uint8)


def over_white(values: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """Alpha compositing over white in integers; ``alpha`` broadcasts over channels."""
    v = values.astype(np.int32)
    a = alpha.astype(np.int32)
    return ((v * a + 255 * (255 - a) + 127) // 255).astype(np.uint8)


def to_grey(im: Image.Image) -> np.ndarray:
    """8-bit grey [h, w]: luma of colour, then alpha over white."""
    im = _with_alpha(im)
    mode = im.mode
    if mode in SIXTEEN_BIT:
        return _sixteen_to_eight(im)
    if mode == "CMYK":
        return luma(_cmyk_to_rgb(im))
    if mode == "1":
        return np.asarray(im.convert("L"), dtype=np.uint8)
    if mode not in ("L", "LA", "RGB", "RGBA"):
        im = im.convert("RGBA")
        mode = im.mode
    if mode == "L":
        return np.asarray(im, dtype=np.uint8)
    if mode == "LA":
        a = np.asarray(im)
        return over_white(a[..., 0], a[..., 1])
    # Pillow's RGB(A) -> L is the luma formula above, in integers, in C: the same numbers
    # as luma(), without a 12-megapixel detour through numpy.
    grey = np.asarray(im.convert("L"), dtype=np.uint8)
    if mode == "RGBA":
        return over_white(grey, np.asarray(im.getchannel("A")))
    return grey


def to_rgb(im: Image.Image) -> np.ndarray:
    """8-bit RGB [h, w, 3]: grey repeated in each channel, each channel alpha over white."""
    im = _with_alpha(im)
    mode = im.mode
    if mode in SIXTEEN_BIT:
        return _repeat(_sixteen_to_eight(im))
    if mode == "CMYK":
        return _cmyk_to_rgb(im)
    if mode == "1":
        return _repeat(np.asarray(im.convert("L"), dtype=np.uint8))
    if mode not in ("L", "LA", "RGB", "RGBA"):
        im = im.convert("RGBA")
        mode = im.mode
    if mode == "L":
        return _repeat(np.asarray(im, dtype=np.uint8))
    if mode == "LA":
        a = np.asarray(im)
        return _repeat(over_white(a[..., 0], a[..., 1]))
    if mode == "RGBA":
        a = np.asarray(im)
        return over_white(a[..., :3], a[..., 3:4])
    return np.asarray(im, dtype=np.uint8)


def _repeat(grey: np.ndarray) -> np.ndarray:
    return np.repeat(grey[..., np.newaxis], 3, axis=-1)


#: The model's colour (``Preprocessing.color``) -> the conversion.
CONVERSIONS = {"grey": to_grey, "rgb": to_rgb}
