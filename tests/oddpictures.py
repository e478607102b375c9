"""Odd real-world pictures made with Pillow, each with the 8-bit grey pixels it must load as.

Used by the loading tests and by the Java tests (``python -m tests.oddpictures DIR``
writes them for Gradle's reference task), so both sides are held to the same cases.

The expected pixels are computed independently of ``python.data.pictures``: colour to
grey by Pillow's own C converter (``convert("L")``, ITU-R 601-2 luma in integers),
alpha over white in floating point, rounded; never by the formulas under test. Each picture
also has the RGB pixels an RGB model must get from it (grey repeated in every channel).
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, PngImagePlugin


@dataclass(frozen=True)
class OddPicture:
    """A picture file and the grey pixels [H, W] it must decode to, within tolerance."""

    path: Path
    expected: np.ndarray
    tolerance: int  # max |decoded - expected| per pixel: 0 unless the format is lossy
    rgb: np.ndarray  # the RGB pixels [H, W, 3] it must decode to for an RGB model


def _pattern(h: int, w: int) -> np.ndarray:
    """An asymmetric grey pattern: a wrong rotation or flip cannot match it."""
    yy, xx = np.mgrid[0:h, 0:w]
    return ((yy * 7 + xx * 3 + (xx * yy) % 17) % 256).astype(np.uint8)


def _luma(rgb: np.ndarray) -> np.ndarray:
    """Grey as Pillow's C converter makes it from 8-bit RGB."""
    return np.array(Image.fromarray(np.ascontiguousarray(rgb, np.uint8), "RGB").convert("L"))


def _over_white(grey: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """Alpha compositing over white in floating point, rounded to the nearest level."""
    g, a = grey.astype(np.float64), alpha.astype(np.float64) / 255.0
    return np.rint(g * a + 255.0 * (1.0 - a)).astype(np.uint8)


def _rgb(h: int, w: int) -> np.ndarray:
    p = _pattern(h, w)
    return np.stack([p, p[::-1], (p.astype(np.int64) * 3 % 256).astype(np.uint8)], axis=-1)


def make_odd_pictures(folder: str | Path) -> dict[str, OddPicture]:
    """Write the odd pictures into folder and return them by name."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out: dict[str, OddPicture] = {}

    def add(name: str, expected: np.ndarray, tolerance: int = 0,
            rgb: np.ndarray | None = None) -> Path:
        if rgb is None:  # a grey picture: grey in every channel
            rgb = np.repeat(expected[..., np.newaxis], 3, axis=-1)
        out[name] = OddPicture(folder / name, expected, tolerance, rgb)
        return folder / name

    # 16-bit grey: a naive convert("L") clips it to white; v = g * 257 must give g back.
    base = _pattern(40, 40)
    Image.fromarray(base.astype(np.uint16) * 257).save(add("grey16.png", base))

    # Palette with a transparent entry: palette lookup, then over white.
    idx = (_pattern(32, 48) % 16).astype(np.uint8)
    palette = np.array([[i * 16, 255 - i * 16, (i * 40) % 256] for i in range(16)], np.uint8)
    im = Image.fromarray(idx, mode="P")
    im.putpalette(palette.reshape(-1).tolist())
    im.info["transparency"] = 3
    expected = _luma(palette[idx])
    expected[idx == 3] = 255
    colours = palette[idx].copy()
    colours[idx == 3] = 255
    im.save(add("palette_transparent.png", expected, rgb=colours), transparency=3)

    # RGBA and grey+alpha with a gradient alpha.
    rgb = _rgb(36, 44)
    alpha = ((np.arange(44)[np.newaxis, :] * 6) % 256).astype(np.uint8).repeat(36, axis=0)
    Image.fromarray(np.dstack([rgb, alpha]), mode="RGBA").save(
        add("rgba.png", _over_white(_luma(rgb), alpha),
            rgb=np.dstack([_over_white(rgb[..., c], alpha) for c in range(3)])))
    Image.fromarray(np.dstack([base, base[::-1]]), mode="LA").save(
        add("grey_alpha.png", _over_white(base, base[::-1])))

    # CMYK JPEG (lossy): what Pillow's own CMYK -> RGB -> L conversion makes of the pixels.
    cmyk = np.dstack([_pattern(40, 40), _pattern(40, 40)[:, ::-1], np.full((40, 40), 30, np.uint8),
                      np.full((40, 40), 20, np.uint8)])
    pillow_rgb = Image.fromarray(cmyk, mode="CMYK").convert("RGB")
    pillow_grey = np.asarray(pillow_rgb.convert("L"))
    Image.fromarray(cmyk, mode="CMYK").save(
        add("cmyk.jpg", pillow_grey, 8, rgb=np.asarray(pillow_rgb)), quality=98)

    # EXIF Orientation 6 (display rotated 90 degrees clockwise): stored on its side.
    upright = _pattern(30, 40)
    exif = Image.Exif()
    exif[0x0112] = 6
    Image.fromarray(np.rot90(upright, 1).copy()).save(
        add("exif_rotated.jpg", upright, 8), quality=98, exif=exif)

    # Lossless WebP, RGB.
    rgb = _rgb(40, 40)
    Image.fromarray(rgb).save(add("lossless.webp", _luma(rgb), rgb=rgb), lossless=True)

    # A PNG whose compressed text chunk inflates past Pillow's 1 MB limit (as Commons files do).
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "x" * (3 * 1024 * 1024), zip=True)  # zTXt: 3 MB once inflated
    Image.fromarray(base).save(add("big_text_chunk.png", base), pnginfo=info)

    # Bilevel, and a large RGB picture that must be resized.
    bits = _pattern(40, 40) > 100
    Image.fromarray(bits).save(add("bilevel.png", np.where(bits, 255, 0).astype(np.uint8)))
    big = _rgb(300, 400)
    Image.fromarray(big).save(add("large_rgb.png", _luma(big), rgb=big))
    return out


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(
        ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def make_bad_pictures(folder: str | Path) -> dict[str, Path]:
    """Files that must be refused with a one-line error: empty, truncated, not a picture, bomb."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    files = {name: folder / name for name in
             ("empty.png", "truncated.png", "not_a_picture.png", "bomb.png")}
    files["empty.png"].write_bytes(b"")
    whole = folder / "whole.png"
    Image.fromarray(_rgb(64, 64)).save(whole)
    data = whole.read_bytes()
    whole.unlink()
    files["truncated.png"].write_bytes(data[: len(data) // 2])
    files["not_a_picture.png"].write_text("this is a text file, not a picture\n")
    ihdr = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 0, 0, 0, 0)  # 10 gigapixels, 8-bit grey
    idat = zlib.compress(b"\0" * 1000)
    files["bomb.png"].write_bytes(b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr)
                                  + _png_chunk(b"IDAT", idat) + _png_chunk(b"IEND", b""))
    return files


def write_reference_pictures(folder: str | Path) -> tuple[list[Path], list[Path]]:
    """The odd pictures under folder/odd (phone-size photos in folder/odd/photos), the bad
    ones (large bad JPEGs among them) under folder/bad and in folder/bad.txt."""
    from tests.photos import make_bad_photos, make_photos

    folder = Path(folder)
    odd = [o.path for o in make_odd_pictures(folder / "odd").values()]
    odd += make_photos(folder / "odd" / "photos")
    bad = list(make_bad_pictures(folder / "bad").values())
    bad += list(make_bad_photos(folder / "bad").values())
    (folder / "bad.txt").write_text("".join(f"{p}\n" for p in bad), encoding="utf-8")
    return odd, bad


if __name__ == "__main__":  # python -m tests.oddpictures DIR: for Gradle's reference task
    import sys

    if len(sys.argv) != 2:
        sys.exit("usage: python -m tests.oddpictures DIR")
    odd, bad = write_reference_pictures(sys.argv[1])
    print(f"wrote {len(odd)} odd and {len(bad)} bad pictures under {sys.argv[1]}")
