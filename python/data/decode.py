"""Picture files to upright 8-bit grey or RGB pixels: the manifest's ``rules.decoder``,
``rules.jpeg_dc`` and ``rules.orientation``.

Pillow opens and decodes every file. With a recipe that resizes, a large JPEG is decoded at
1/8, 1/4 or 1/2 scale (libjpeg's scaled decoding, Pillow's ``draft``): decoding 12 megapixels
only to average them away is most of a photo's cost. Every other picture is decoded whole.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageFile, ImageOps, PngImagePlugin, UnidentifiedImageError

from python.data.colour import CONVERSIONS
from python.data.preprocessing import MAX_PIXELS, Preprocessing
from python.errors import PictureError

# Real-world PNGs (Wikimedia Commons exports among them) carry XMP/text chunks
# larger than Pillow's 1 MB default; raise the limit rather than fail on them.
PngImagePlugin.MAX_TEXT_CHUNK = max(PngImagePlugin.MAX_TEXT_CHUNK, 64 * 1024 * 1024)
PngImagePlugin.MAX_TEXT_MEMORY = max(PngImagePlugin.MAX_TEXT_MEMORY, 256 * 1024 * 1024)
ImageFile.LOAD_TRUNCATED_IMAGES = False
#: Pillow frees an image's memory at once by default, so each large picture paid for fresh
#: pages: 10 of the 45 ms of a 1920 x 1080 PNG here. Keeping a few freed 16 MB blocks for the
#: next picture (Pillow's PILLOW_BLOCKS_MAX) saves that; a value the user set is left alone.
KEPT_BLOCKS = 4
if "PILLOW_BLOCKS_MAX" not in os.environ and Image.core.get_blocks_max() < KEPT_BLOCKS:
    Image.core.set_blocks_max(KEPT_BLOCKS)
#: EXIF orientations that swap width and height (transpose, rotate 90 or 270).
SWAPPING_ORIENTATIONS = (5, 6, 7, 8)


@dataclass(frozen=True)
class PictureBytes:
    """A picture file's bytes read elsewhere (a request, a store), under the name errors give
    it: decoded exactly as a file holding them."""

    name: str
    data: bytes

    def __str__(self) -> str:
        return self.name


def picture_source(path: str | Path | PictureBytes) -> Path | PictureBytes:
    """A file's path as a Path; bytes as they are."""
    return path if isinstance(path, PictureBytes) else Path(path)


def open_picture(path: Path | PictureBytes, max_pixels: int = MAX_PIXELS) -> Image.Image:
    """Pillow's lazy open, every failure one PictureError naming the file."""
    try:
        im = Image.open(io.BytesIO(path.data) if isinstance(path, PictureBytes) else path)
    except FileNotFoundError:
        raise PictureError(path, "no such file") from None
    except IsADirectoryError:
        raise PictureError(path, "is a folder, not a picture") from None
    except UnidentifiedImageError:
        size = len(path.data) if isinstance(path, PictureBytes) else \
            path.stat().st_size if path.exists() else 0
        reason = "empty file" if size == 0 else "not a picture Pillow can read"
        raise PictureError(path, reason) from None
    except Image.DecompressionBombError:
        raise PictureError(path, "decompression bomb: too many pixels") from None
    except Exception as err:  # a damaged file may raise anything; one line, no traceback
        raise PictureError(path, f"unreadable picture ({err})") from None
    if im.width * im.height > max_pixels:
        im.close()
        raise PictureError(
            path, f"decompression bomb: {im.width}x{im.height} exceeds {max_pixels} pixels")
    return im


def _ycbcr(im: Image.Image) -> bool:
    """Whether libjpeg takes a three-component JPEG as YCbCr (the manifest's rule)."""
    layers = getattr(im, "layer", [])
    apps = getattr(im, "applist", [])
    if any(m == "APP0" and len(d) >= 14 and d[:5] == b"JFIF\0" for m, d in apps):
        return True
    adobe = [d[11] for m, d in apps if m == "APP14" and len(d) >= 12 and d[:5] == b"Adobe"]
    if adobe:
        return adobe[-1] != 0
    return [c for c, _, _, _ in layers] != [82, 71, 66]


def draft_mode(im: Image.Image, color: str) -> str | None:
    """The mode Pillow's draft decodes this JPEG in at reduced scale (the manifest's jpeg_dc
    rule), or None when it is decoded whole whatever its size."""
    if im.format != "JPEG" or getattr(im, "bits", 8) != 8:
        return None
    layers = getattr(im, "layer", [])
    if im.mode == "L":
        return "L" if len(layers) == 1 else None
    if im.mode != "RGB" or len(layers) != 3 or not _ycbcr(im):
        return None
    factors = [(h, v) for _, h, v, _ in layers]
    if color == "grey":  # the luma only: Y at the largest sampling factors
        largest = (max(h for h, _ in factors), max(v for _, v in factors))
        return "L" if factors[0] == largest else None
    if len(set(factors)) == 1 or factors == [(2, 2), (1, 1), (1, 1)]:  # 4:4:4 or 4:2:0
        return "RGB"
    return None


def decode_pixels(path: str | Path | PictureBytes, pre: Preprocessing | None = None,
                  ) -> tuple[np.ndarray, tuple[int, int]]:
    """Decode a picture file: upright uint8 pixels (grey [h, w], or RGB [h, w, 3] when the
    recipe is RGB) and the full upright (width, height) they stand for.

    Without a recipe the picture is decoded whole in grey. With one, a large JPEG comes at
    1/8, 1/4 or 1/2 scale: the manifest's rules.
    """
    path = picture_source(path)
    color = pre.color if pre is not None else "grey"
    side = pre.reduce_side() if pre is not None else 0
    im = open_picture(path, pre.max_pixels if pre is not None else MAX_PIXELS)
    with _refusing(path), im:
        stored, full = im.size, None
        scale = pre.draft_scale(*stored) if pre is not None and side else 1
        mode = draft_mode(im, color) if scale > 1 else None
        if mode is not None:  # a JPEG's EXIF is read at open, before decoding
            turned = im.getexif().get(0x0112, 1) in SWAPPING_ORIENTATIONS
            full = stored[::-1] if turned else stored
            im.draft(mode, (im.width // scale, im.height // scale))
        im.load()
        ImageOps.exif_transpose(im, in_place=True)  # no copy of an upright picture
        return CONVERSIONS[color](im), tuple(full or im.size)


def resized_as_pillow(path: str | Path | PictureBytes, pre: Preprocessing) -> np.ndarray:
    """The faithful route's pixels: the whole picture decoded, oriented, converted and
    resized as Hugging Face's image processors get it (``transformers.image_utils.load_image``,
    then ``image_transforms.resize``): uint8 grey [h, w] or RGB [h, w, 3], before the crop.

    Pillow is the definition here, not a stand-in for a rule: ``convert`` drops alpha and
    clips 16-bit values, and ``resize`` (no reducing gap) rounds each pass to 8 bits.
    """
    path = picture_source(path)
    im = open_picture(path, pre.max_pixels)
    with _refusing(path), im:
        im.load()
        ImageOps.exif_transpose(im, in_place=True)  # not a copy of an upright picture
        mode = "RGB" if pre.color == "rgb" else "L"
        converted = im if im.mode == mode else im.convert(mode)
        return np.asarray(pillow_resize(converted, pre), dtype=np.uint8)


def pillow_resize(im: Image.Image, pre: Preprocessing) -> Image.Image:
    """The faithful route's resize: Pillow's own, 8 bits a pass, no reducing gap (as
    ``transformers.image_transforms.resize`` calls it); the picture itself when no resize
    is asked for or its size is already the target."""
    if not pre.do_resize:
        return im
    height, width = pre.resize_to(*im.size)
    if im.size == (width, height):
        return im
    return im.resize((width, height), pre.resample, reducing_gap=None)


@contextmanager
def _refusing(path: Path | PictureBytes) -> Iterator[None]:
    """Every failure while decoding one PictureError naming the file, no traceback."""
    try:
        yield
    except PictureError:
        raise
    except Image.DecompressionBombError:
        raise PictureError(path, "decompression bomb: too many pixels") from None
    except Exception as err:  # struct.error, IndexError... from a damaged chunk
        text = str(err)
        reason = "truncated picture" if "truncated" in text else f"unreadable picture ({text})"
        raise PictureError(path, reason) from None
