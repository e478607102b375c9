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

from python.data import png
from python.data.resample import bilinear, box_reduce
from python.errors import PictureError

# Real-world PNGs (Wikimedia Commons exports among them) carry XMP/text chunks
# larger than Pillow's 1 MB default; raise the limit rather than fail on them.
PngImagePlugin.MAX_TEXT_CHUNK = max(PngImagePlugin.MAX_TEXT_CHUNK, 64 * 1024 * 1024)
PngImagePlugin.MAX_TEXT_MEMORY = max(PngImagePlugin.MAX_TEXT_MEMORY, 256 * 1024 * 1024)
ImageFile.LOAD_TRUNCATED_IMAGES = False

#: Pictures with more pixels than this are refused as decompression bombs.
MAX_PIXELS = 50_000_000

DEFAULT_IMAGE_SIZE = 40

#: The box reduction leaves at least REDUCE_TO * size pixels on the shorter side, and a
#: JPEG is decoded at 1/8 only when that still leaves REDUCE_TO * size: pictures whose
#: shorter side is under 2 * REDUCE_TO * size are prepared exactly as in version 1.
REDUCE_TO = 2
#: libjpeg's largest DCT scaling: 1/8, where each pixel is a block's DC coefficient.
JPEG_DC_SCALE = 8

PREPROCESSING: dict[str, object] = {
    "version": 2,
    "decoder": (
        "Pillow, the first frame of animated files; a PNG that box-reduces, 8-bit grey or RGB,"
        " not interlaced, with no chunks but IHDR, IDAT, IEND and colour or page ones"
        " (python.data.png), by libspng: lossless, the same pixels"
    ),
    "jpeg_dc": (
        "a JPEG is decoded at 1/8 scale to its luma when min(W, H) >= jpeg_dc_scale *"
        " reduce_to * size (640 for size 40) in stored orientation, its precision is 8 bits"
        " and it has one component, or three that libjpeg takes as YCbCr (an APP0 'JFIF\\0'"
        " segment of 14+ bytes; else an APP14 'Adobe' segment of 12+ bytes whose transform"
        " byte (the last such segment's) is not 0; else component ids not 82, 71, 66) with"
        " the first component at the largest sampling factors: grey pixel (x, y), for x <"
        " ceil(W / 8), y < ceil(H / 8), is block (x, y) of the first component,"
        " T[((DC * Q0 + 4) >> 3) & 1023] with DC the block's quantised DC coefficient as"
        " a 16-bit integer, Q0 the first entry of its quantisation table and T[v] = v + 128"
        " for v < 128, 255 for v < 512, 0 for v < 896, v - 896 otherwise (libjpeg-turbo's"
        " jpeg_idct_1x1 under scale_denom 8 and JCS_GRAYSCALE output, Pillow's draft('L'));"
        " the Y channel, not the RGB formula below. As libjpeg: a marker met inside a scan's"
        " data ends it (zero bits for the block in hand, the rest of the restart interval"
        " left at zero) and a Huffman code that matches nothing reads as 0. Data that ends"
        " before EOI is refused as truncated"
    ),
    "orientation": (
        "EXIF Orientation tag (0x0112) applied to the decoded picture (for jpeg_dc, the 1/8"
        " one), as PIL.ImageOps.exif_transpose"
    ),
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
    "box": (
        "after grey and orientation, f = min(w, h) // (reduce_to * size); when f >= 2 the"
        " picture is cropped to (w // f) * f by (h // f) * f pixels starting at"
        " ((w % f) // 2, (h % f) // 2) and each f x f block becomes float32(sum of its"
        " 8-bit values, an integer) / float32(f * f); otherwise the 8-bit values as float32"
    ),
    "reduce_to": REDUCE_TO,
    "jpeg_dc_scale": JPEG_DC_SCALE,
    "resize": {
        "skip_when_same_size": True,
        "filter": "bilinear (triangle), support 1, widened by the scale when shrinking",
        "algorithm": (
            "Pillow's bilinear filter (precompute_coeffs) on the float32 image the box step"
            " left, written out (python.data.resample; not Image.resize, which picks its own"
            " pass order): horizontal pass then"
            " vertical pass; for output index i, scale = in/out, fs = max(scale, 1),"
            " support = fs, center = (i + 0.5) * scale, xmin = max(int(center - support"
            " + 0.5), 0), xmax = min(int(center + support + 0.5), in), weights"
            " w(x) = max(0, 1 - |(x - center + 0.5) * (1 / fs)|) for x in [xmin, xmax),"
            " normalised to sum 1 (each divided by their sum taken in order), computed in"
            " float64; each output the float64 sum, in order of x, of input * weight, stored"
            " as float32 after each pass; a pass whose size already matches is skipped"
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
    except Exception as err:  # a damaged file may raise anything; one line, no traceback
        raise PictureError(path, f"unreadable picture ({err})") from None
    if im.width * im.height > MAX_PIXELS:
        raise PictureError(
            path, f"decompression bomb: {im.width}x{im.height} exceeds {MAX_PIXELS} pixels"
        )
    return im


def _jpeg_dc_ok(im: Image.Image, size: int) -> bool:
    """Whether libjpeg would give this JPEG's luma at 1/8 (the manifest's jpeg_dc rule)."""
    if im.format != "JPEG" or getattr(im, "bits", 8) != 8:
        return False
    if min(im.size) < JPEG_DC_SCALE * REDUCE_TO * size:
        return False
    layers = getattr(im, "layer", [])
    if im.mode == "L":
        return len(layers) == 1
    if im.mode != "RGB" or len(layers) != 3:
        return False
    if layers[0][1] != max(h for _, h, _, _ in layers) or \
            layers[0][2] != max(v for _, _, v, _ in layers):
        return False
    apps = getattr(im, "applist", [])
    if any(m == "APP0" and len(d) >= 14 and d[:5] == b"JFIF\0" for m, d in apps):
        return True
    adobe = [d[11] for m, d in apps if m == "APP14" and len(d) >= 12 and d[:5] == b"Adobe"]
    if adobe:
        return adobe[-1] != 0
    return [c for c, _, _, _ in layers] != [82, 71, 66]


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
    if mode == "L":
        return np.asarray(im, dtype=np.uint8)
    if mode == "LA":
        a = np.asarray(im).astype(np.int32)
        return _over_white(a[..., 0], a[..., 1])
    # Pillow's RGB(A) -> L is the luma formula above, in integers, in C: the same numbers
    # as _luma, without a 12-megapixel detour through numpy.
    grey = np.asarray(im.convert("L"), dtype=np.uint8)
    if mode == "RGBA":
        return _over_white(grey.astype(np.int32), np.asarray(im.getchannel("A")).astype(np.int32))
    return grey


def _luma(rgb: np.ndarray) -> np.ndarray:
    rgb = rgb.astype(np.int32)  # 65536 * 255 + 32768 fits
    y = (19595 * rgb[..., 0] + 38470 * rgb[..., 1] + 7471 * rgb[..., 2] + 32768) >> 16
    return y.astype(np.uint8)


def _over_white(grey: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    g = grey.astype(np.int32)
    a = alpha.astype(np.int32)
    return ((g * a + 255 * (255 - a) + 127) // 255).astype(np.uint8)


def decode_grey(path: str | Path, size: int | None = None) -> np.ndarray:
    """Decode a picture file into an 8-bit grey array [height, width], upright.

    With the model's input size, a large JPEG comes at 1/8 scale (the manifest's jpeg_dc):
    decoding 12 megapixels only to average them away is most of a photo's cost; a large
    plain PNG is decoded by libspng, the faster of two lossless decoders (python.data.png).
    """
    path = Path(path)
    im = _open(path)
    try:
        with im:
            if size is not None and im.format == "PNG" and min(im.size) >= 2 * REDUCE_TO * size:
                grey = png.decode_grey(path)
                if grey is not None:
                    return grey
            if size is not None and _jpeg_dc_ok(im, size):
                im.draft("L", (im.width // JPEG_DC_SCALE, im.height // JPEG_DC_SCALE))
            im.load()
            ImageOps.exif_transpose(im, in_place=True)  # no copy of an upright picture
            return _to_grey(im)
    except PictureError:
        raise
    except Image.DecompressionBombError:
        raise PictureError(path, "decompression bomb: too many pixels") from None
    except Exception as err:  # struct.error, IndexError... from a damaged chunk
        text = str(err)
        reason = "truncated picture" if "truncated" in text else f"unreadable picture ({text})"
        raise PictureError(path, reason) from None


def grey_to_input(grey: np.ndarray, size: int = DEFAULT_IMAGE_SIZE) -> np.ndarray:
    """Box-reduce, resize 8-bit grey to size x size and scale to [0, 1]: the input [H, W, 1]."""
    grey = np.asarray(grey, dtype=np.uint8)
    factor = min(grey.shape) // (REDUCE_TO * size)
    g = box_reduce(grey, factor) if factor >= 2 else grey.astype(np.float32)
    if g.shape != (size, size):
        g = bilinear(g, size, size)
    return (g / np.float32(255.0)).astype(np.float32)[..., np.newaxis]


def load_image(path: str | Path, size: int = DEFAULT_IMAGE_SIZE) -> np.ndarray:
    """The model's input for one picture file: float32 [size, size, 1] in [0, 1]."""
    return grey_to_input(decode_grey(path, size), size)
