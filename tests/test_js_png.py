"""The JavaScript PNG reader (js/src/core/png.js) decodes every PNG as Python does.

Each PNG the test generators write (tests.oddpictures, tests.rgbpictures, the PNG photo of
python.bench.photos, seeded damaged ones from tests.fuzzpictures) and PNGs of every kind
written here by hand (each depth and colour type, interlaced, tRNS, EXIF and XMP, damaged
image data) goes through js/tools/png-pixels.js and through
python.data.decode.decode_pixels, for a grey and an RGB recipe: the samples must be equal
where Python decodes, and JavaScript must refuse exactly where Python raises PictureError.
"""

from __future__ import annotations

import json
import random
import re
import struct
import subprocess
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

from python.data import preprocessing
from python.data.decode import decode_pixels
from python.errors import PictureError
from python.runtimes.js import REQUIRE_JS, js_unavailable
from tests.conftest import require
from tests.fuzzpictures import MUTATIONS, make_fuzz_pictures
from tests.oddpictures import make_bad_pictures, make_odd_pictures
from tests.rgbpictures import write_pictures

ROOT = Path(__file__).resolve().parent.parent
TOOL = ROOT / "js" / "tools" / "png-pixels.js"
SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: The recipes decode_pixels is asked with: what a grey and an RGB model of 40 x 40 get.
RECIPES = {"grey": preprocessing.default(1, 40, 40), "rgb": preprocessing.default(3, 40, 40)}
#: Damaged files of tests.fuzzpictures made (about half are PNGs) and of the kinds below.
FUZZ_COUNT = 700
KIND_FUZZ_COUNT = 300


@pytest.fixture(scope="module")
def node() -> None:
    """Skip (or, with MODELPARITY_REQUIRE_JS=1, fail) where the JavaScript side cannot run."""
    require(js_unavailable("node_files"), REQUIRE_JS, "the JavaScript PNG reader")


# --- PNGs of every kind, written by hand (Pillow writes neither 2-bit grey nor Adam7) ---

def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(
        ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


#: Adam7's passes: first column, first row, column step, row step.
ADAM7 = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2),
         (0, 1, 1, 2))
CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}


def _filtered(rows: list[bytes], bpp: int, first_filter: int) -> bytes:
    """Rows behind PNG filters, the filter types taking turns, so unfiltering is tested."""
    out, prev = [], bytes(len(rows[0])) if rows else b""
    for i, row in enumerate(rows):
        f = (first_filter + i) % 5
        line = bytearray()
        for x, v in enumerate(row):
            a = row[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 0:
                pred = 0
            elif f == 1:
                pred = a
            elif f == 2:
                pred = b
            elif f == 3:
                pred = (a + b) // 2
            else:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
            line.append((v - pred) & 0xFF)
        out.append(bytes([f]) + bytes(line))
        prev = row
    return b"".join(out)


def _rows(samples: np.ndarray, depth: int) -> list[bytes]:
    """Rows of samples [h, w, channels] packed at depth bits, big-endian."""
    rows = []
    for line in samples.reshape(samples.shape[0], -1):
        if depth == 16:
            rows.append(line.astype(">u2").tobytes())
        elif depth == 8:
            rows.append(line.astype(np.uint8).tobytes())
        else:
            bits = "".join(format(int(v), f"0{depth}b") for v in line)
            bits += "0" * (-len(bits) % 8)
            rows.append(bytes(int(bits[i:i + 8], 2) for i in range(0, len(bits), 8)))
    return rows


def image_data(samples: np.ndarray, depth: int, interlaced: bool) -> bytes:
    """The filtered, not yet compressed image data of samples [h, w, channels]."""
    bpp = max(1, samples.shape[2] * depth // 8)
    if not interlaced:
        return _filtered(_rows(samples, depth), bpp, 0)
    out = b""
    for p, (x0, y0, dx, dy) in enumerate(ADAM7):
        part = samples[y0::dy, x0::dx]
        if part.size:
            out += _filtered(_rows(part, depth), bpp, p)
    return out


def png_file(width: int, height: int, depth: int, colour: int, raw: bytes, *,
             interlaced: bool = False, before: bytes = b"", after: bytes = b"",
             idat: list[bytes] | None = None) -> bytes:
    """A PNG of raw image data: header chunks, the IDAT chunks (zlib of raw, or the parts
    given), after-chunks, IEND."""
    ihdr = struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, int(interlaced))
    parts = idat if idat is not None else [zlib.compress(raw)]
    return (SIGNATURE + _chunk(b"IHDR", ihdr) + before + b"".join(_chunk(b"IDAT", p) for p in parts)
            + after + _chunk(b"IEND", b""))


def exif_orientation(value: int, little: bool = False, kind: int = 3) -> bytes:
    """A TIFF header and IFD0 holding only Orientation (of TIFF type kind)."""
    e = "<" if little else ">"
    field_ = struct.pack(e + "H", value) + b"\0\0" if kind == 3 else struct.pack(e + "I", value)
    return ((b"II*\0" if little else b"MM\0*") + struct.pack(e + "IH", 8, 1)
            + struct.pack(e + "HHI", 0x0112, kind, 1) + field_ + b"\0\0\0\0")


def write_kinds(folder: Path) -> list[Path]:
    """Every depth and colour type, plain and interlaced, with and without tRNS, at sizes that
    leave partial Adam7 blocks and partial bytes; the rules' odd cases one file each."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(7)
    files: dict[str, bytes] = {}
    kinds = [(1, 0), (2, 0), (4, 0), (8, 0), (16, 0), (8, 2), (16, 2), (1, 3), (2, 3), (4, 3),
             (8, 3), (8, 4), (16, 4), (8, 6), (16, 6)]
    for depth, colour in kinds:
        for w, h in ((1, 1), (3, 5), (9, 13), (17, 2), (33, 31)):
            top = (1 << depth) - 1
            samples = rng.integers(0, top + 1, size=(h, w, CHANNELS[colour]), dtype=np.int64)
            if depth >= 8:  # some runs of equal values, so zlib finds matches
                samples[h // 2:] = samples[:h - h // 2]
            for interlaced in (False, True):
                raw = image_data(samples, depth, interlaced)
                tag = f"d{depth}c{colour}-{w}x{h}{'-i' if interlaced else ''}"
                before = b""
                if colour == 3:
                    entries = rng.integers(0, 256, size=(max(1, (top + 1) * 3 // 4), 3))
                    before = _chunk(b"PLTE", entries.astype(np.uint8).tobytes())
                files[f"{tag}.png"] = png_file(w, h, depth, colour, raw, interlaced=interlaced,
                                               before=before)
                if colour == 3:
                    alphas = rng.integers(0, 256, size=min(top + 1, 7)).astype(np.uint8)
                    files[f"{tag}-trns.png"] = png_file(
                        w, h, depth, colour, raw, interlaced=interlaced,
                        before=before + _chunk(b"tRNS", alphas.tobytes()))
                elif colour in (0, 2):  # a colour key: one of the picture's own colours
                    key = samples[0, 0]
                    files[f"{tag}-key.png"] = png_file(
                        w, h, depth, colour, raw, interlaced=interlaced,
                        before=_chunk(b"tRNS", struct.pack(f">{len(key)}H", *map(int, key))))
    # The image data's end, as Pillow reads it (an 8 x 8 grey picture, 9 bytes a row).
    grey = np.arange(64, dtype=np.int64).reshape(8, 8, 1) * 3
    raw = image_data(grey, 8, False)
    z = zlib.compress(raw)
    cases = {
        "ends-at-row.png": [zlib.compress(raw[:36])],
        "ends-mid-row.png": [zlib.compress(raw[:40])],
        "bad-adler.png": [z[:-1] + bytes([z[-1] ^ 1])],
        "no-adler.png": [z[:-4]],
        "half-adler.png": [z[:-2]],
        "after-stream.png": [z + b"garbage after the stream"],
        "byte-chunks.png": [z[i:i + 1] for i in range(len(z))],
        "empty-chunks.png": [b"", z[:5], b"", z[5:], b""],
        "dictionary.png": [b"\x78\xbb" + z[2:]],
        "window.png": [b"\x88\x1c" + z[2:]],
        "stored.png": [zlib.compress(raw, 0)],
    }
    for cut in range(1, 9):  # the stream's end cut off: the last row may wait in zlib's bits
        cases[f"zlib-cut-{cut}.png"] = [z[:-cut]]
    for name, parts in cases.items():
        files[name] = png_file(8, 8, 8, 0, raw, idat=parts)
    files["split-by-text.png"] = (png_file(8, 8, 8, 0, raw, idat=[z[:10]])[:-12]
                                  + _chunk(b"tEXt", b"a\0b") + _chunk(b"IDAT", z[10:])
                                  + _chunk(b"IEND", b""))
    bad_filter = bytearray(raw)
    bad_filter[27] = 7
    files["bad-filter.png"] = png_file(8, 8, 8, 0, bytes(bad_filter))
    files["bad-filter-after-end.png"] = png_file(8, 8, 8, 0, bytes(bad_filter),
                                                 idat=[zlib.compress(bytes(bad_filter[:27]))])
    whole = png_file(8, 8, 8, 0, raw)
    files["bad-idat-crc.png"] = whole[:-13] + bytes([whole[-13] ^ 1]) + whole[-12:]
    files["bad-ihdr-crc.png"] = whole[:29] + bytes([whole[29] ^ 1]) + whole[30:]
    files["no-iend.png"] = whole[:-12]
    files["iend-cut.png"] = whole[:-7]
    files["trailing.png"] = whole + b"trailing bytes"
    files["text-cut-after.png"] = whole[:-12] + _chunk(b"tEXt", b"a\0bcdef")[:-6]
    files["trns-short-after.png"] = png_file(8, 8, 8, 0, raw, after=_chunk(b"tRNS", b"a"))
    files["trns-after.png"] = png_file(8, 8, 8, 0, raw, after=_chunk(b"tRNS", b"\0\x09"))
    files["ihdr-after.png"] = png_file(8, 8, 8, 0, raw, after=_chunk(
        b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 0, 0, 1, 0)))
    files["iend-first.png"] = (SIGNATURE + whole[8:33] + _chunk(b"IEND", b"") + whole[33:])
    files["no-palette.png"] = png_file(8, 8, 8, 3, raw)
    files["palette-after.png"] = png_file(8, 8, 8, 3, raw, after=_chunk(b"PLTE", b"\xff" * 48))
    files["palette-771.png"] = png_file(8, 8, 8, 3, raw, before=_chunk(b"PLTE", b"\x10" * 771))
    files["palette-770.png"] = png_file(8, 8, 8, 3, raw, before=_chunk(b"PLTE", b"\x10" * 770))
    files["trns-300.png"] = png_file(8, 8, 8, 3, raw, before=_chunk(b"tRNS", b"\x80" * 300))
    files["trns-simple-300.png"] = png_file(8, 8, 8, 3, raw, before=_chunk(
        b"tRNS", b"\xff" * 5 + b"\0" + b"\xff" * 294))
    files["trns-newline.png"] = png_file(8, 8, 8, 3, raw, before=_chunk(
        b"PLTE", bytes(range(192))) + _chunk(b"tRNS", b"\xff\0\n"))
    files["fdat-after.png"] = png_file(8, 8, 8, 0, raw, after=_chunk(b"fdAT", b"\0\0\0\1abc"))
    big = rng.integers(0, 256, size=(300, 420, 3), dtype=np.int64)
    big_raw = image_data(big, 8, False)
    big_z = zlib.compress(big_raw, 1)
    files["big.png"] = png_file(420, 300, 8, 2, big_raw, idat=[big_z])
    files["big-cut.png"] = png_file(420, 300, 8, 2, big_raw, idat=[big_z[:200_000]])
    files["big-ends-at-row.png"] = png_file(420, 300, 8, 2, big_raw,
                                            idat=[zlib.compress(big_raw[:1261 * 120], 1)])
    # EXIF and XMP: where Pillow reads an orientation, and what it refuses.
    orient = image_data(np.arange(15, dtype=np.int64).reshape(3, 5, 1) * 9, 8, False)
    for value in range(0, 10):
        files[f"exif-{value}.png"] = png_file(5, 3, 8, 0, orient, before=_chunk(
            b"eXIf", exif_orientation(value, little=value % 2 == 1)))
    extras = {
        "exif-after": (b"", _chunk(b"eXIf", exif_orientation(6))),
        "exif-long": (_chunk(b"eXIf", exif_orientation(8, kind=4)), b""),
        "exif-prefixed": (_chunk(b"eXIf", b"Exif\0\0" + exif_orientation(3)), b""),
        "exif-garbage": (_chunk(b"eXIf", b"garbage!"), b""),
        "exif-short": (_chunk(b"eXIf", b"MM\0*\0\0"), b""),
        "exif-empty-ifd": (_chunk(b"eXIf", b"MM\0*\0\0\0\x08"), b""),
        "exif-text": (_chunk(b"tEXt", b"exif\0" + exif_orientation(5)), b""),
        "exif-ztxt": (_chunk(b"zTXt", b"exif\0\0" + zlib.compress(exif_orientation(5))), b""),
        "raw-profile": (_chunk(b"tEXt", b"Raw profile type exif\0\nexif\n  26\n"
                               + exif_orientation(7).hex().encode() + b"\n"), b""),
        "raw-profile-bad": (_chunk(b"tEXt", b"Raw profile type exif\0\nexif\n  26\nzz"), b""),
        "raw-profile-ztxt": (_chunk(b"zTXt", b"Raw profile type exif\0\0" + zlib.compress(
            b"\nexif\n  26\n" + exif_orientation(2).hex().encode())), b""),
        "xmp-itxt": (_chunk(b"iTXt", b"XML:com.adobe.xmp\0\0\0\0\0<x tiff:Orientation='6'/>"),
                     b""),
        "xmp-itxt-z": (_chunk(b"iTXt", b"XML:com.adobe.xmp\0\1\0\0\0" + zlib.compress(
            b"<x><tiff:Orientation>8</tiff:Orientation></x>")), b""),
        "xmp-text-after": (b"", _chunk(b"tEXt", b"XML:com.adobe.xmp\0tiff:Orientation=\"4\"")),
        "xmp-and-exif": (_chunk(b"eXIf", exif_orientation(1))
                         + _chunk(b"iTXt", b"XML:com.adobe.xmp\0\0\0\0\0tiff:Orientation=\"6\""),
                         b""),
    }
    for name, (before, after) in extras.items():
        files[f"{name}.png"] = png_file(5, 3, 8, 0, orient, before=before, after=after)
    # APNG: the default image, a first frame smaller than the picture, frames out of order.
    fctl = struct.pack(">IIIIIHHBB", 0, 5, 4, 2, 3, 1, 10, 0, 0)
    small = image_data(np.arange(20, dtype=np.int64).reshape(4, 5, 1) * 7, 8, False)
    ihdr = _chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 0, 0, 0, 0))
    files["apng-frame.png"] = (SIGNATURE + ihdr + _chunk(b"acTL", struct.pack(">II", 2, 0))
                               + _chunk(b"fcTL", fctl) + _chunk(b"IDAT", zlib.compress(small))
                               + _chunk(b"fcTL", struct.pack(">I", 1) + fctl[4:])
                               + _chunk(b"fdAT", struct.pack(">I", 2) + zlib.compress(small))
                               + _chunk(b"IEND", b""))
    files["apng-default.png"] = (SIGNATURE + ihdr + _chunk(b"acTL", struct.pack(">II", 1, 0))
                                 + _chunk(b"IDAT", z) + _chunk(b"fcTL", fctl)
                                 + _chunk(b"fdAT", struct.pack(">I", 1) + zlib.compress(small))
                                 + _chunk(b"IEND", b""))
    files["idat-before-ihdr.png"] = SIGNATURE + _chunk(b"IDAT", z) + ihdr + _chunk(b"IDAT", z) + (
        _chunk(b"IEND", b""))
    files["fdat-before-ihdr.png"] = (SIGNATURE + _chunk(b"fdAT", b"\0\0\0\1" + z) + ihdr
                                     + _chunk(b"IDAT", z) + _chunk(b"IEND", b""))
    files["apng-out-of-order.png"] = (SIGNATURE + ihdr + _chunk(b"fcTL", b"\0\0\0\3" + fctl[4:])
                                      + _chunk(b"IDAT", z) + _chunk(b"IEND", b""))
    files["fctl-outside.png"] = (SIGNATURE + ihdr + _chunk(b"fcTL", fctl[:12] + b"\0\0\0\7"
                                                           + fctl[16:]) + _chunk(b"IDAT", z)
                                 + _chunk(b"IEND", b""))
    paths = []
    for name, data in files.items():
        (folder / name).write_bytes(data)
        paths.append(folder / name)
    return paths


def damaged(paths: list[Path], folder: Path, count: int, seed: int) -> list[Path]:
    """Seeded mutations (tests.fuzzpictures') of the given PNGs."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    names = sorted(MUTATIONS)
    out = []
    for i in range(count):
        b = bytearray(paths[i % len(paths)].read_bytes())
        kinds = [rng.choice(names) for _ in range(1 if rng.random() < 0.85 else 2)]
        for kind in kinds:
            if len(b) >= 2:
                MUTATIONS[kind](b, rng)
        path = folder / f"{i:05d}-{'+'.join(kinds)}.png"
        path.write_bytes(bytes(b))
        out.append(path)
    return out


def png_photos(folder: Path) -> list[Path]:
    """The PNG photos of python.bench.photos (a 1920 x 1080 screenshot), as make_photos
    writes them, without its slow phone-size JPEGs."""
    from python.bench.photos import PHOTOS, noisy_photo

    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for seed, (name, (sample, w, h, options)) in enumerate(PHOTOS.items()):
        if name.endswith(".png") and not options:
            noisy_photo(sample, w, h, seed).save(folder / name)
            out.append(folder / name)
    return out


def is_png(path: Path) -> bool:
    with path.open("rb") as f:
        return f.read(8) == SIGNATURE


# --- the comparison ---

def oriented(pixels: np.ndarray, orientation: int) -> np.ndarray:
    """ImageOps.exif_transpose's transposition of [h, w, c] pixels."""
    return {
        2: lambda a: a[:, ::-1], 3: lambda a: a[::-1, ::-1], 4: lambda a: a[::-1],
        5: lambda a: a.transpose(1, 0, 2), 6: lambda a: np.rot90(a, -1),
        7: lambda a: a[::-1, ::-1].transpose(1, 0, 2), 8: lambda a: np.rot90(a, 1),
    }.get(orientation, lambda a: a)(pixels)


def python_outcome(path: Path, color: str) -> np.ndarray | str:
    """decode_pixels' upright pixels [h, w, c], or its refusal's reason."""
    try:
        pixels, _ = decode_pixels(path, RECIPES[color])
    except PictureError as err:
        return err.reason
    return pixels.reshape(pixels.shape[0], pixels.shape[1], -1)


def js_outcomes(paths: list[Path], color: str, out: Path) -> list[np.ndarray | str]:
    """png-pixels.js's upright pixels [h, w, c] (its orientation applied), or refusals."""
    run = subprocess.run(["node", str(TOOL), str(out), "--color", color, *map(str, paths)],
                         cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    results = json.loads((out / "result.json").read_text(encoding="utf-8"))
    assert [r["file"] for r in results] == list(map(str, paths))
    outcomes: list[np.ndarray | str] = []
    for r in results:
        if "refusal" in r:
            outcomes.append(r["refusal"])
            continue
        raw = np.fromfile(out / r["raw"], dtype=np.uint8)
        outcomes.append(oriented(raw.reshape(r["height"], r["width"], r["channels"]),
                                 r["orientation"]))
    return outcomes


@dataclass
class Tally:
    """Per kind of file: decoded equal, refused alike (and of those, with Java's wording equal
    to Python's), differing, with the differences named."""

    counts: Counter = field(default_factory=Counter)
    differences: list[str] = field(default_factory=list)
    reasons: Counter = field(default_factory=Counter)

    def add(self, kind: str, path: Path, color: str, py: np.ndarray | str,
            js: np.ndarray | str) -> None:
        if isinstance(py, str) and isinstance(js, str):
            self.counts[kind, "refused alike"] += 1
            if py == js:
                self.counts[kind, "same reason"] += 1
            else:
                self.reasons[_pattern(py), _pattern(js)] += 1
        elif isinstance(py, str) or isinstance(js, str):
            self.counts[kind, "differing"] += 1
            self.differences.append(f"{path.name} {color}: python {_show(py)}, js {_show(js)}")
        elif py.shape != js.shape or not np.array_equal(py, js):
            self.counts[kind, "differing"] += 1
            where = "" if py.shape != js.shape else f", {int((py != js).sum())} samples differ"
            self.differences.append(f"{path.name} {color}: python {py.shape}, js {js.shape}{where}")
        else:
            self.counts[kind, "decoded equal"] += 1

    def report(self) -> str:
        kinds = sorted({k for k, _ in self.counts})
        columns = ("decoded equal", "refused alike", "same reason", "differing")
        lines = ["cases (file x recipe) by the generator they come from:",
                 f"{'kind':<14}" + "".join(f"{c:>15}" for c in columns)]
        for k in kinds:
            lines.append(f"{k:<14}" + "".join(f"{self.counts[k, c]:>15}" for c in columns))
        lines.append("refusals worded differently (python | js: count):")
        lines += [f"  {p} | {j}: {n}" for (p, j), n in self.reasons.most_common()]
        return "\n".join(lines + self.differences)


def _pattern(reason: str) -> str:
    """A refusal's wording with its numbers, chunk types and bytes left out, for the tally."""
    reason = re.sub(r"b'[^']*'|b\"[^\"]*\"", "b'...'", reason)
    return re.sub(r"\d+", "N", re.sub(r"(checksum in) \w{4}", r"\1 XXXX", reason))


def _show(outcome: np.ndarray | str) -> str:
    return f"refused ({outcome})" if isinstance(outcome, str) else f"decoded {outcome.shape}"


def test_js_decodes_every_png_as_python_does(node: None, tmp_path: Path) -> None:
    """Every sample equal where Python decodes; a refusal exactly where Python refuses."""
    odd = [o.path for o in make_odd_pictures(tmp_path / "odd").values()]
    bad = list(make_bad_pictures(tmp_path / "bad").values())
    rgb = [Path(c["path"]) for c in write_pictures(tmp_path / "rgb")]
    kinds = write_kinds(tmp_path / "kinds")
    groups = {
        "odd": odd,
        "bad": bad,
        "rgb": rgb,
        "photo": png_photos(tmp_path / "photo"),
        "fuzz": [p for p in make_fuzz_pictures(tmp_path / "fuzz", FUZZ_COUNT, seed=0)
                 if p.suffix == ".png"],
        "kinds": kinds,
        "kinds-fuzz": damaged(kinds, tmp_path / "kinds-fuzz", KIND_FUZZ_COUNT, seed=1),
    }
    groups = {k: [p for p in v if p.suffix == ".png" and p.stat().st_size and is_png(p)]
              for k, v in groups.items()}
    tally = Tally()
    paths = [p for v in groups.values() for p in v]
    kind_of = {p: k for k, v in groups.items() for p in v}
    for color in RECIPES:
        js = js_outcomes(paths, color, tmp_path / f"js-{color}")
        for path, js_outcome in zip(paths, js, strict=True):
            tally.add(kind_of[path], path, color, python_outcome(path, color), js_outcome)
    figures = tally.report()
    print(figures)
    assert all(groups.values()), {k: len(v) for k, v in groups.items()}
    assert sum(n for (_, c), n in tally.counts.items() if c == "refused alike") > 100, figures
    assert tally.differences == [], figures


def test_large_plain_png_with_a_wrong_adler32(node: None, tmp_path: Path) -> None:
    """A large plain PNG whose zlib check is wrong (libspng, Python's decoder for it once,
    never read the check): refused by Python (Pillow) and JavaScript alike."""
    rng = np.random.default_rng(3)
    grey = rng.integers(0, 256, size=(180, 200, 1), dtype=np.int64)
    raw = image_data(grey, 8, False)
    z = zlib.compress(raw)
    path = tmp_path / "bad-adler-large.png"
    path.write_bytes(png_file(200, 180, 8, 0, raw, idat=[z[:-1] + bytes([z[-1] ^ 1])]))
    py = python_outcome(path, "grey")
    js = js_outcomes([path], "grey", tmp_path / "js")[0]
    assert isinstance(py, str) == isinstance(js, str), (_show(py), _show(js))
