"""Large plain PNGs decoded by libspng (pyspng) instead of Pillow's decoder: same pixels, faster.

PNG is lossless, so any decoder that succeeds gives Pillow's pixels; what differs is time.
On a 1920 x 1080 photo Pillow's decode to grey took 42 ms here, libspng's decode plus
Pillow's own RGB-to-grey conversion 34 ms (docs/benchmarks.md). A PNG takes this route only
when nothing in it could make Pillow's answer differ: 8-bit grey or RGB, not interlaced,
and no chunk beyond the ones that describe colour or the page (no transparency, text or
EXIF, which Pillow reads and applies; no animation). Anything else, and any file libspng
refuses, goes through Pillow as before, so errors and odd files behave exactly as they did.
"""

from __future__ import annotations

import os
import struct
import zlib
from pathlib import Path

import numpy as np
from PIL import Image

SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: Chunks that change nothing Pillow returns as pixels or orientation.
HARMLESS = frozenset({b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"sBIT", b"pHYs", b"bKGD",
                      b"tIME", b"hIST", b"sPLT"})
GREY, RGB = 0, 2  # IHDR colour types
#: Pillow frees an image's memory at once by default, so each large picture paid for fresh
#: pages: 10 of the 45 ms of a 1920 x 1080 PNG here. Keeping a few freed 16 MB blocks for the
#: next picture (Pillow's PILLOW_BLOCKS_MAX) saves that; a value the user set is left alone.
KEPT_BLOCKS = 4


def plain(data: bytes) -> list[tuple[int, int]]:
    """Where the image data lies ((start, end) of each IDAT's data) when a PNG's chunks allow
    the libspng route: IHDR, harmless chunks, one run of IDAT, then IEND at the file's end;
    8-bit grey or RGB, not interlaced. An empty list when they do not. (Pillow's open has
    read the chunks before IDAT already; those after it it reads only while decoding.)

    Written by hand: it walks chunk headers only (no library lists a PNG's chunk types
    without decoding it) and checks no CRC; libspng checks them when it decodes.
    """
    if not data.startswith(SIGNATURE) or len(data) < 33 or data[12:16] != b"IHDR":
        return []
    depth, colour, interlace = data[24], data[25], data[28]
    if depth != 8 or colour not in (GREY, RGB) or interlace != 0:
        return []
    pos, idat = 8, []
    while pos + 8 <= len(data):
        length, kind = struct.unpack_from(">I4s", data, pos)
        end = pos + 12 + length
        if end > len(data):
            return []
        if kind == b"IEND":
            return idat if end == len(data) else []
        if kind == b"IDAT":
            idat.append((pos + 8, pos + 8 + length))
        elif idat or not (kind == b"IHDR" and pos == 8 or kind in HARMLESS):
            return []
        pos = end
    return []


def _checksum_holds(data: bytes, idat: list[tuple[int, int]]) -> bool:
    """Whether the image data's zlib stream ends, with its Adler-32 right: libspng stops
    inflating once it has every row and never reads the check, which Pillow (and the Java
    and JavaScript readers) refuse when it is wrong. zlib checks it; the rows are dropped."""
    stream = zlib.decompressobj()
    try:
        for start, end in idat:
            stream.decompress(data[start:end])
        stream.flush()
    except zlib.error:
        return False
    return stream.eof


def decode(path: Path, color: str) -> np.ndarray | None:
    """8-bit grey [h, w] or RGB [h, w, 3] pixels of a plain PNG (see ``plain``), or None:
    then decode with Pillow."""
    import pyspng

    if "PILLOW_BLOCKS_MAX" not in os.environ and Image.core.get_blocks_max() < KEPT_BLOCKS:
        Image.core.set_blocks_max(KEPT_BLOCKS)
    data = path.read_bytes()
    idat = plain(data)
    if not idat:
        return None
    stored_rgb = data[25] == RGB
    if color == "rgb":
        layout = "RGB" if stored_rgb else "L"
    else:  # RGBA for RGB: Pillow then maps libspng's buffer as it is (its RGB images hold four
        layout = "RGBA" if stored_rgb else "L"  # bytes a pixel); alpha is 255, no tRNS here
    try:
        pixels = pyspng.load(data, layout)
    except (RuntimeError, ValueError):  # libspng refused it: Pillow says why, as before
        return None
    if not _checksum_holds(data, idat):
        return None  # Pillow refuses it, saying why
    if pixels.ndim == 3 and pixels.shape[2] == 1:
        pixels = pixels[..., 0]
    if color == "rgb":
        return pixels if pixels.ndim == 3 else np.repeat(pixels[..., np.newaxis], 3, axis=-1)
    if pixels.ndim == 2:
        return pixels
    height, width = pixels.shape[:2]
    rgba = Image.frombuffer("RGBA", (width, height), pixels, "raw", "RGBA", 0, 1)
    # Pillow's own RGB(A) -> L (the manifest's luma formula, in C): one definition of grey.
    return np.asarray(rgba.convert("L"), dtype=np.uint8)
