"""Picture file to model input, written once: ``load_image`` and the steps after decoding.

Every step after the decoder is explicit integer or float arithmetic, driven by a
``Preprocessing`` recipe (``python.data.preprocessing``) and spelled out in its ``rules``
(copied into ``manifest.json``), so another runtime can reproduce the model input bit for
bit rather than trusting that two image libraries happen to agree.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from python.data import preprocessing
from python.data.decode import PictureBytes, decode_pixels, pillow_resize, resized_as_pillow
from python.data.preprocessing import Preprocessing
from python.data.resample import box_reduce, resize
from python.errors import PictureError

DEFAULT_IMAGE_SIZE = 40
#: The selfie model's recipe: grey, 40 x 40, bilinear, /255.
DEFAULT = preprocessing.default(1, DEFAULT_IMAGE_SIZE, DEFAULT_IMAGE_SIZE)


def pixels_to_input(pixels: np.ndarray, pre: Preprocessing = DEFAULT,
                    full: tuple[int, int] | None = None) -> np.ndarray:
    """Upright uint8 pixels (grey [h, w] or RGB [h, w, 3]) to the model input, float32
    [height, width, channels]: box step, resize, centre crop, rescale, normalise.

    ``full`` is the (width, height) the pixels stand for when the decoder reduced them (a
    JPEG at a reduced scale): a shortest-edge resize is computed from it. A picture the
    recipe cannot take (not resized, and not the model's size) is a ValueError saying why.
    """
    pixels = np.asarray(pixels, dtype=np.uint8)
    h, w = pixels.shape[:2]
    if pre.faithful:
        return _after_resize(resized_pixels(pixels, pre), pre)
    if pre.do_resize:
        target_h, target_w = pre.resize_to(*(full or (w, h)))
        f = min(h, w) // (pre.reduce_to * pre.reduce_side())
        values = box_reduce(pixels, f) if f >= 2 else pixels.astype(np.float32)
        if values.shape[:2] != (target_h, target_w):
            values = resize(values, target_w, target_h, pre.resample)
    else:
        values = pixels.astype(np.float32)
    return _after_resize(values, pre)


def resized_pixels(pixels: np.ndarray, pre: Preprocessing) -> np.ndarray:
    """The faithful route's resize of upright uint8 pixels: Pillow's, rounded to 8 bits."""
    from PIL import Image

    im = Image.fromarray(np.ascontiguousarray(pixels), "L" if pixels.ndim == 2 else "RGB")
    return np.asarray(pillow_resize(im, pre))


def _after_resize(values: np.ndarray, pre: Preprocessing) -> np.ndarray:
    """Centre crop, rescale, normalise: the steps both routes share (Hugging Face's
    ``center_crop``, ``rescale`` and ``normalize``); uint8 or float32 values in."""
    if pre.do_center_crop:
        ch, cw = pre.crop_size.height, pre.crop_size.width
        vh, vw = values.shape[:2]
        if vh < ch or vw < cw:
            raise ValueError(f"{vw}x{vh} is smaller than the centre crop {cw}x{ch}")
        top, left = (vh - ch) // 2, (vw - cw) // 2
        values = values[top:top + ch, left:left + cw]
    if values.shape[:2] != pre.output_size():
        oh, ow = pre.output_size()
        raise ValueError(f"{values.shape[1]}x{values.shape[0]}, the model takes {ow}x{oh}"
                         " and its preprocessing does not resize")
    if pre.do_rescale:
        values = (values.astype(np.float64) * pre.rescale_factor).astype(np.float32)
    values = values.astype(np.float32, copy=False)
    if pre.do_normalize:
        values = (values - np.asarray(pre.image_mean, np.float32)) \
            / np.asarray(pre.image_std, np.float32)
    if values.ndim == 2:
        values = values[..., np.newaxis]
    return np.ascontiguousarray(values, dtype=np.float32)


def load_image(path: str | Path | PictureBytes, pre: Preprocessing = DEFAULT) -> np.ndarray:
    """The model's input for one picture file (or its bytes): float32 [height, width,
    channels], by the recipe's route (``Preprocessing.faithful``)."""
    try:
        if pre.faithful:
            return _after_resize(resized_as_pillow(path, pre), pre)
        pixels, full = decode_pixels(path, pre)
        return pixels_to_input(pixels, pre, full)
    except ValueError as err:
        raise PictureError(path, str(err)) from None
