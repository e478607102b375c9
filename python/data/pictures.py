"""Picture decoding and preprocessing, written once and described for the Java side.

Every step after Pillow's decoder is explicit integer or float arithmetic that is
spelled out in ``PREPROCESSING`` (copied into ``manifest.json``), so another
runtime can reproduce the model input bit for bit rather than trusting that two
image libraries happen to agree.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageFile, ImageOps, PngImagePlugin, UnidentifiedImageError

from python.errors import PictureError

# Real-world PNGs (Wikimedia Commons exports among them) carry XMP/text chunks
# larger than Pillow's 1 MB default; raise the limit rather than fail on them.
PngImagePlugin.MAX_TEXT_CHUNK = max(PngImagePlugin.MAX_TEXT_CHUNK, 64 * 1024 * 1024)
PngImagePlugin.MAX_TEXT_MEMORY = max(PngImagePlugin.MAX_TEXT_MEMORY, 256 * 1024 * 1024)
ImageFile.LOAD_TRUNCATED_IMAGES = False

#: Pictures with more pixels than this are refused as decompression bombs.
MAX_PIXELS = 50_000_000

DEFAULT_IMAGE_SIZE = 40

PREPROCESSING: dict[str, object] = {
    "version": 1,
    "decoder": "Pillow; the first frame of animated files",
    "orientation": "EXIF Orientation tag (0x0112) applied first, as PIL.ImageOps.exif_transpose",
    "max_pixels": MAX_PIXELS,
    "greyscale": {
        "rgb": "L = (19595*R + 38470*G + 7471*B + 32768) >> 16 (integers; ITU-R 601-2 luma)",
        "16-bit grey (I;16, I)": "L = (clip(v, 0, 65535) * 255 + 32767) // 65535",
        "16-bit rgb or grey+alpha": "high byte of each sample (as Pillow decodes them)",
        "cmyk": (
            "nk = 255 - K; X' = clip(nk - ((t + (t >> 8)) >> 8), 0, 255) with t = X*nk + 128,"
            " for X in C, M, Y, giving R, G, B (Pillow's cmyk2rgb); Adobe-inverted JPEG"
            " CMYK is un-inverted by the decoder first"
        ),
        "palette": "palette lookup to RGBA (tRNS transparency becomes alpha)",
        "bilevel": "0 -> 0, 1 -> 255",
        "other modes": "Pillow convert('RGBA') first",
    },
    "alpha": (
        "composited over white before resizing: L = (L*A + 255*(255 - A) + 127) // 255;"
        " a tRNS colour key counts as alpha 0"
    ),
    "resize": {
        "skip_when_same_size": True,
        "filter": "bilinear (triangle), support 1, widened by the scale when shrinking",
        "algorithm": (
            "Pillow Image.resize(BILINEAR) on a 32-bit float image: horizontal pass then"
            " vertical pass; for output index i, scale = in/out, fs = max(scale, 1),"
            " support = fs, center = (i + 0.5) * scale, xmin = max(int(center - support"
            " + 0.5), 0), xmax = min(int(center + support + 0.5), in), weights"
            " w(x) = max(0, 1 - |(x - center + 0.5) / fs|) for x in [xmin, xmax),"
            " normalised to sum 1, computed and accumulated in float64, stored as float32"
            " after each pass"
        ),
        "rounding": "none: the float result is not rounded to 8 bits",
    },
    "scale": "x / 255 in float32 (input values in [0, 1])",
    "layout": "[batch, height, width, 1], row-major, float32",
}


def _open(path: Path) -> Image.Image:
    try:
        im = Image.open(path)
    except FileNotFoundError:
        raise PictureError(path, "no such file") from None
    except IsADirectoryError:
        raise PictureError(path, "is a folder, not a picture") from None
    except UnidentifiedImageError:
        size = path.stat().st_size if path.exists() else 0
        reason = "empty file" if size == 0 else "not a picture Pillow can read"
        raise PictureError(path, reason) from None
    except Image.DecompressionBombError:
        raise PictureError(path, "decompression bomb: too many pixels") from None
    except (OSError, ValueError, SyntaxError) as err:
        raise PictureError(path, f"unreadable picture ({err})") from None
    if im.width * im.height > MAX_PIXELS:
        raise PictureError(
            path, f"decompression bomb: {im.width}x{im.height} exceeds {MAX_PIXELS} pixels"
        )
    return im


def _to_grey(im: Image.Image) -> np.ndarray:
    """Turn a decoded picture into 8-bit grey, alpha composited over white."""
    mode = im.mode
    if "transparency" in im.info and mode in ("L", "RGB", "P", "I;16", "I"):
        im = im.convert("LA" if mode == "L" else "RGBA")
        mode = im.mode
    if mode in ("I;16", "I;16L", "I;16B", "I;16N", "I"):
        v = np.clip(np.asarray(im).astype(np.int64), 0, 65535)
        return ((v * 255 + 32767) // 65535).astype(np.uint8)
    if mode == "CMYK":
        cmyk = np.asarray(im).astype(np.int32)
        nk = 255 - cmyk[..., 3:4]
        t = cmyk[..., :3] * nk + 128
        rgb = np.clip(nk - ((t + (t >> 8)) >> 8), 0, 255)
        return _luma(rgb)
    if mode == "1":
        return np.asarray(im.convert("L"), dtype=np.uint8)
    if mode not in ("L", "LA", "RGB", "RGBA"):
        im = im.convert("RGBA")
        mode = "RGBA"
    a = np.asarray(im).astype(np.int32)
    if mode == "L":
        return a.astype(np.uint8)
    if mode == "LA":
        return _over_white(a[..., 0], a[..., 1])
    grey = _luma(a[..., :3])
    if mode == "RGBA":
        return _over_white(grey.astype(np.int32), a[..., 3])
    return grey


def _luma(rgb: np.ndarray) -> np.ndarray:
    rgb = rgb.astype(np.int64)
    y = (19595 * rgb[..., 0] + 38470 * rgb[..., 1] + 7471 * rgb[..., 2] + 32768) >> 16
    return y.astype(np.uint8)


def _over_white(grey: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    g = grey.astype(np.int64)
    a = alpha.astype(np.int64)
    return ((g * a + 255 * (255 - a) + 127) // 255).astype(np.uint8)


def decode_grey(path: str | Path) -> np.ndarray:
    """Decode a picture file into an 8-bit grey array [height, width], upright."""
    path = Path(path)
    im = _open(path)
    try:
        with im:
            im.load()
            im = ImageOps.exif_transpose(im)
            return _to_grey(im)
    except PictureError:
        raise
    except Image.DecompressionBombError:
        raise PictureError(path, "decompression bomb: too many pixels") from None
    except (OSError, ValueError, SyntaxError, EOFError) as err:
        text = str(err)
        reason = "truncated picture" if "truncated" in text else f"unreadable picture ({text})"
        raise PictureError(path, reason) from None


def grey_to_input(grey: np.ndarray, size: int = DEFAULT_IMAGE_SIZE) -> np.ndarray:
    """Resize 8-bit grey to size x size and scale to [0, 1]: the model's input [H, W, 1]."""
    g = np.asarray(grey, dtype=np.float32)
    if g.shape != (size, size):
        g = np.asarray(Image.fromarray(g).resize((size, size), Image.Resampling.BILINEAR))
    return (g / np.float32(255.0)).astype(np.float32)[..., np.newaxis]


def load_image(path: str | Path, size: int = DEFAULT_IMAGE_SIZE) -> np.ndarray:
    """The model's input for one picture file: float32 [size, size, 1] in [0, 1]."""
    return grey_to_input(decode_grey(path), size)
