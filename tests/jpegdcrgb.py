"""Large colour JPEGs with the pixels Pillow decodes them to at 1/8, 1/4 and 1/2 scale in
RGB: the cases the reduced RGB routes of Java (JpegDc.rgbPixels) and JavaScript are held to,
bit for bit.

Python decodes a large 4:4:4 or 4:2:0 YCbCr JPEG with ``im.draft("RGB", ...)``
(``python.data.decode.draft_mode``): libjpeg-turbo's scaled decoding, each component through
the reduced IDCT of its scaled size (in 4:2:0 the chroma's is twice the luma's), then its
integer YCbCr-to-RGB tables. Java redoes all of
it by hand, so every stage needs pictures that reach it: odd sizes (partial MCUs, the chroma's
2x2 output cropped), 4:4:4 and 4:2:0, baseline and progressive (AC refinement scans carry the
chroma's coefficients), restart intervals, qualities up to 100 (large AC coefficients,
saturated colours that the range limit clips), optimised Huffman tables, and the colour-space
guesses without JFIF (an Adobe marker, or none at all). Progressive ones with scans left out
test which of them libjpeg block-smooths (jdcoefct.c): Java reproduces those it does not
smooth visibly at this scale and must refuse the others. 4:4:4 ones whose frame header says
another sampling for all three components (the same entropy-coded data, so partly corrupt,
read alike by both sides) reach equal factors other than 1x1, and libjpeg's limit of 10 blocks
an MCU, where Pillow refuses. Damaged ones (entropy-coded bytes overwritten, no marker made)
give coefficients past 16 bits, where libjpeg-turbo's SSE2 jpeg_idct_2x2 wraps and saturates;
one with an EOI inside a scan is smoothed past that point by the bits before it.

``python -m tests.jpegdcrgb DIR`` writes each JPEG (``NAME.jpg``), Pillow's pixels as raw
interleaved 8-bit RGB (``NAME-sSCALE.rgb``, rows top to bottom) and ``jpegrgb.json``: an
entry for each picture at 1/8 and one for it at 1/4 or 1/2, with name, scale, width, height,
the file of its pixels and what a reader must do: ``expect`` ``pixels`` (Pillow's, every
sample), ``smoothed`` (refuse: libjpeg smooths it at that scale) or ``refused`` (refuse:
Pillow does, its reason in ``refusal``).
Everything comes from a seeded RNG: no external data.
"""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path

import numpy as np
from PIL import Image, ImageFile

from python.data.decode import _ycbcr

#: JPEG markers: JFIF's APP0, start of scan, end of image.
APP0, SOS, EOI = 0xE0, 0xDA, 0xD9
#: Scans of Pillow's progressive script (libjpeg's jpeg_simple_progression for YCbCr) to leave
#: out, by index, and the samplings in which libjpeg then smooths what the 1/8 RGB route
#: shows: Y's last refinement (Y's AC only, which jpeg_idct_1x1 ignores: none), Cr's last
#: refinement (the chroma AC that 4:2:0's jpeg_idct_2x2 reads), every AC scan (then the DC is
#: interpolated: both). At 1/4 and 1/2 every IDCT reads AC coefficients: all of them show.
DROPS: dict[str, tuple[tuple[int, ...], tuple[str, ...]]] = {
    "no-y-refine": ((9,), ()), "no-cr-refine": ((7,), ("420",)),
    "dc-only": ((1, 2, 3, 4, 5, 7, 8, 9), ("444", "420"))}
#: Sampling factors (the SOF byte, h << 4 | v) to give all three components of a 4:4:4 JPEG,
#: and whether Pillow then refuses it: 2x2 makes 12 blocks an MCU, over libjpeg's 10.
SAMPLINGS = {"all-1x2": (0x12, False), "all-2x1": (0x21, False), "all-2x2": (0x22, True)}


def _content(kind: str, h: int, w: int, rng: np.random.Generator) -> np.ndarray:
    """A picture of one kind: ``photo`` (gradients and texture), ``noise`` (uniform, so the
    AC coefficients are as large as they get) or ``blocks`` (saturated flat rectangles with
    sharp edges, where the decoded colours overshoot and the range limit clips)."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    if kind == "noise":
        return rng.integers(0, 256, size=(h, w, 3), dtype=np.uint8)
    if kind == "blocks":
        out = np.empty((h, w, 3), np.uint8)
        out[:] = rng.integers(0, 256, size=3)
        for _ in range(60):
            y0, x0 = int(rng.integers(0, h)), int(rng.integers(0, w))
            y1, x1 = y0 + int(rng.integers(4, h // 3 + 5)), x0 + int(rng.integers(4, w // 3 + 5))
            saturated = rng.random() < 0.5
            out[y0:y1, x0:x1] = rng.choice([0, 255], size=3) if saturated \
                else rng.integers(0, 256, size=3)
        return out
    phase = rng.uniform(0, 2 * np.pi, size=3)
    freq = rng.uniform(0.005, 0.05, size=3)
    base = np.stack([127.5 + 127.5 * np.sin(freq[c] * (xx + (c + 1) * yy) + phase[c])
                     for c in range(3)], axis=-1)
    noise = rng.normal(0, rng.uniform(2, 40), size=(h, w, 3))
    return np.clip(base + noise, 0, 255).astype(np.uint8)


def _segments(data: bytes) -> list[tuple[int, int]]:
    """(marker, start offset) of each marker segment before the first scan."""
    out, pos = [], 2
    while data[pos + 1] != 0xDA:
        out.append((data[pos + 1], pos))
        pos += 2 + int.from_bytes(data[pos + 2:pos + 4], "big")
    return out


def _without_jfif(data: bytes, adobe_transform: int | None) -> bytes:
    """The JPEG without its JFIF APP0, with an Adobe APP14 of that transform in its place
    (None: no marker, so libjpeg goes by the component ids)."""
    for marker, start in _segments(data):
        if marker == APP0:
            end = start + 2 + int.from_bytes(data[start + 2:start + 4], "big")
            data = data[:start] + data[end:]
            break
    if adobe_transform is not None:
        app14 = b"\xff\xee\x00\x0eAdobe\x00\x64\x00\x00\x00\x00" + bytes([adobe_transform])
        data = data[:2] + app14 + data[2:]
    return data


def _without_scans(data: bytes, drop: tuple[int, ...]) -> bytes:
    """The JPEG without the scans (SOS segment and entropy-coded data) of those indexes."""
    out, pos, scan = bytearray(data[:2]), 2, 0
    while data[pos + 1] != EOI:
        end = pos + 2 + int.from_bytes(data[pos + 2:pos + 4], "big")
        if data[pos + 1] == SOS:  # its data runs to the next marker but RSTn
            while data[end] != 0xFF or data[end + 1] == 0 or 0xD0 <= data[end + 1] <= 0xD7:
                end += 1
            scan += 1
            if scan - 1 in drop:
                pos = end
                continue
        out += data[pos:end]
        pos = end
    return bytes(out + data[pos:])


def _scan_data(data: bytes) -> list[tuple[int, int]]:
    """(start, end) of each scan's entropy-coded data."""
    out, pos = [], 2
    while data[pos + 1] != EOI:
        end = pos + 2 + int.from_bytes(data[pos + 2:pos + 4], "big")
        if data[pos + 1] == SOS:
            start = end
            while data[end] != 0xFF or data[end + 1] == 0 or 0xD0 <= data[end + 1] <= 0xD7:
                end += 1
            out.append((start, end))
        pos = end
    return out


def _garbled(data: bytes, rng: np.random.Generator) -> bytes:
    """The JPEG with a few runs of its entropy-coded data overwritten by random bytes, none of
    them 0xFF nor next to one: corrupt Huffman codes and wild coefficients, but no marker."""
    out = bytearray(data)
    (first, _), (_, last) = _scan_data(data)[0], _scan_data(data)[-1]
    for _ in range(int(rng.integers(3, 12))):
        at, n = int(rng.integers(first + 16, last - 32)), int(rng.integers(1, 24))
        if 0xFF not in out[at - 1:at + n + 1]:
            out[at:at + n] = rng.integers(0, 255, size=n, dtype=np.uint8).tobytes()
    return bytes(out)


def _eoi_inside(data: bytes, scan: int) -> bytes:
    """The JPEG with an EOI marker amid that scan's entropy-coded data (not after an 0xFF)."""
    start, end = _scan_data(data)[scan]
    at = (start + end) // 2
    while data[at - 1] == 0xFF:
        at += 1
    return data[:at] + b"\xff\xd9" + data[at:]


def _resampled(data: bytes, factors: int) -> bytes:
    """The JPEG with every component's sampling factors in its frame header set to factors."""
    for marker, start in _segments(data):
        if marker in (0xC0, 0xC1, 0xC2):
            out = bytearray(data)
            for c in range(data[start + 9]):
                out[start + 11 + 3 * c] = factors
            return bytes(out)
    raise AssertionError("no frame header")


def _cases(rng: np.random.Generator) -> list[tuple[str, int, int, dict[str, object], str]]:
    """(kind, width, height, Pillow's save options, header change) for every picture."""
    sizes = [(304, 320), (512, 384), (640, 480), (1024, 768), (1296, 960),  # MCU multiples
             (301, 333), (799, 601), (1283, 997), (333, 1299), (1000, 1000), (457, 305),
             (905, 713), (1111, 329), (328, 1160), (641, 481), (1009, 1279)]
    cases: list[tuple[str, int, int, dict[str, object], str]] = []
    kinds = ["photo", "noise", "blocks"]
    qualities = [30, 50, 75, 85, 90, 95, 98, 100]
    for i, (w, h) in enumerate(sizes):
        for subsampling in (0, 2):
            for progressive in (False, True):
                opts: dict[str, object] = {
                    "quality": qualities[int(rng.integers(len(qualities)))],
                    "subsampling": subsampling, "progressive": progressive,
                    "optimize": bool(rng.random() < 0.6)}
                if rng.random() < 0.35:
                    opts["restart_marker_blocks"] = int(rng.integers(1, 40))
                elif rng.random() < 0.2:
                    opts["restart_marker_rows"] = int(rng.integers(1, 4))
                kind = kinds[(i + subsampling + progressive) % 3]
                cases.append((kind, w, h, opts, "jfif"))
    # Quality 100 everywhere (quantisers of 1: the largest coefficients) on noise.
    for subsampling in (0, 2):
        for progressive in (False, True):
            cases.append(("noise", 777, 555, {"quality": 100, "subsampling": subsampling,
                                              "progressive": progressive}, "jfif"))
    # YCbCr without JFIF: by an Adobe marker (transform 1, and 2 that libjpeg also takes as
    # YCbCr), or by nothing but the component ids 1, 2, 3.
    for header in ("adobe1", "adobe2", "ids"):
        for subsampling in (0, 2):
            cases.append(("photo", 613, 419, {"quality": 92, "subsampling": subsampling,
                                              "progressive": subsampling == 2}, header))
    for drop in DROPS:
        for subsampling in (0, 2):
            cases.append(("photo", 611, 413, {"quality": 90, "subsampling": subsampling,
                                              "progressive": True}, drop))
    for (w, h), progressive, header in [((640, 480), False, "all-1x2"),
                                        ((648, 488), True, "all-1x2"),
                                        ((800, 608), True, "all-2x1"),
                                        ((333, 517), False, "all-2x1"),
                                        ((640, 480), False, "all-2x2"),
                                        ((512, 512), True, "all-2x2")]:
        cases.append(("photo", w, h, {"quality": 90, "subsampling": 0,
                                      "progressive": progressive}, header))
    # Damaged: mostly 4:2:0 baseline, where wild chroma AC reaches jpeg_idct_2x2.
    for i in range(24):
        opts = {"quality": qualities[i % len(qualities)], "subsampling": 0 if i % 6 == 5 else 2,
                "progressive": i % 4 == 3, "optimize": i % 3 == 0}
        cases.append((kinds[i % 3], 480 + 13 * i, 360 + 7 * i, opts, "garbled"))
    # Cb's first AC scan (4:4:4, so Java skips it) ends at an EOI: rows past it are smoothed
    # by the bits before that scan, which leave Cb no AC: its DC is interpolated.
    cases.append(("photo", 905, 713, {"quality": 95, "subsampling": 0, "progressive": True},
                  "eoi-in-scan-3"))
    return cases


def _encode(im: Image.Image, opts: dict[str, object]) -> bytes:
    """Pillow's JPEG of im. Optimised or progressive, libjpeg writes the whole file in one
    go, into a buffer Pillow sizes at one or two bytes a pixel, which noise at high quality
    overflows ("Suspension not allowed here"): the buffer is made large enough meanwhile."""
    buf = io.BytesIO()
    maxblock = ImageFile.MAXBLOCK
    ImageFile.MAXBLOCK = max(maxblock, 4 * im.width * im.height)
    try:
        im.save(buf, "JPEG", **opts)
    finally:
        ImageFile.MAXBLOCK = maxblock
    return buf.getvalue()


def _entry(folder: Path, name: str, header: str, sampling: str, scale: int,
           full: tuple[int, int]) -> dict[str, object]:
    """What a reader must do with the picture at 1/scale, with Pillow's pixels written beside
    it where it must give them."""
    w, h = full
    entry: dict[str, object] = {"name": name, "scale": scale, "width": -(-w // scale),
                                "height": -(-h // scale), "full": [w, h], "expect": "pixels"}
    with Image.open(folder / f"{name}.jpg") as im:
        factors = [(hs, vs) for _, hs, vs, _ in im.layer]
        if not _ycbcr(im) or (len(set(factors)) != 1 and factors != [(2, 2), (1, 1), (1, 1)]):
            raise AssertionError(f"{name}: not a case of the reduced RGB route: {factors}")
        im.draft("RGB", (im.width // scale, im.height // scale))
        try:
            im.load()
        except OSError as err:  # only where libjpeg is meant to refuse, or may
            if not SAMPLINGS.get(header, (0, False))[1] and header != "garbled":
                raise
            entry.update(expect="refused", refusal=str(err))
        else:
            if SAMPLINGS.get(header, (0, False))[1]:
                raise AssertionError(f"{name}: Pillow decoded it")
            pixels = np.asarray(im)
            if pixels.shape != (entry["height"], entry["width"], 3) or pixels.dtype != np.uint8:
                raise AssertionError(f"{name}: Pillow gave {pixels.shape} {pixels.dtype}")
            entry["pixels"] = f"{name}-s{scale}.rgb"
            (folder / str(entry["pixels"])).write_bytes(pixels.tobytes())
    if header == "eoi-in-scan-3" or (header in DROPS and (
            scale < 8 or sampling in DROPS[header][1])):
        entry["expect"] = "smoothed"
    return entry


def write_pictures(folder: Path, seed: int = 0) -> list[dict[str, object]]:
    """Writes every picture, its Pillow pixels and jpegrgb.json into folder; returns the index."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    index: list[dict[str, object]] = []
    for n, (kind, w, h, opts, header) in enumerate(_cases(rng)):
        data = _encode(Image.fromarray(_content(kind, h, w, rng), "RGB"), opts)
        if header in DROPS:
            data = _without_scans(data, DROPS[header][0])
        elif header in SAMPLINGS:
            data = _resampled(data, SAMPLINGS[header][0])
        elif header == "garbled":
            data = _garbled(data, rng)
        elif header == "eoi-in-scan-3":
            data = _eoi_inside(data, 3)
        elif header != "jfif":
            data = _without_jfif(data, {"adobe1": 1, "adobe2": 2}.get(header))
        sampling = "444" if opts["subsampling"] == 0 else "420"
        order = "progressive" if opts["progressive"] else "baseline"
        name = f"{n:03d}-{kind}-{w}x{h}-{sampling}-{order}-q{opts['quality']}-{header}"
        (folder / f"{name}.jpg").write_bytes(data)
        for scale in (8, (4, 2)[n % 2]):  # every picture at 1/8, and at 1/4 or 1/2
            index.append(_entry(folder, name, header, sampling, scale, (w, h)))
    (folder / "jpegrgb.json").write_text(json.dumps(index, indent=1), encoding="utf-8")
    return index


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.jpegdcrgb", description=__doc__)
    parser.add_argument("out", type=Path, help="folder to write the pictures into")
    args = parser.parse_args(argv)
    index = write_pictures(args.out)
    print(f"wrote {len(index)} colour JPEG cases and their reduced RGB pixels to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
