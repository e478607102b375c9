"""The JavaScript JPEG reader (js/src/core/jpeg) held to Pillow, as Java's JpegDc is.

``js/tools/jpeg-pixels.js`` gives decodeJpeg's answer for each file: its reduced pixels (at
1/8, 1/4 or 1/2 scale, by the recipe's draft_scales), ``whole`` (left to the platform's
libjpeg-turbo) or its refusal. Python's answer is ``python.data.pictures.load_image`` (refused
or not) and ``python.data.decode.decode_pixels`` (Pillow's draft("L") / draft("RGB") pixels,
which are compared before orientation is applied to both). The pictures: tests.jpegdcrgb's
large colour JPEGs (each held at the scale its entry states), the phone photos and odd and bad
pictures of tests.oddpictures, grey JPEGs made here, damaged marker segments made here, and the
seeded fuzzed JPEGs of tests.fuzzpictures.

The one stated exception, as in Java's PictureInputsParityTest: a progressive JPEG whose scans
leave coefficients for libjpeg-turbo's block smoothing is refused by the JS reader, which does
not reproduce the smoothing. Skipped without node or js/node_modules; MODELPARITY_REQUIRE_JS=1
turns that skip into a failure.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from python.data import preprocessing
from python.data.decode import SWAPPING_ORIENTATIONS, decode_pixels
from python.data.pictures import load_image
from python.data.preprocessing import Preprocessing
from python.errors import PictureError
from python.runtimes.js import REQUIRE_JS, js_unavailable
from tests.conftest import ROOT, require, run_module

JS = ROOT / "js"
TOOL = JS / "tools" / "jpeg-pixels.js"
#: CI sets this so that a machine without node fails these tests instead of skipping them.
#: Files per run of the tool: bounds its command line.
BATCH = 400
#: The stated exception's reason, and the reason of Pillow's own (Python) marker parser.
SMOOTHING = "block smoothing"
PILLOW_PARSER = "not a picture Pillow can read"
#: The count of pictures decoded reduced by both, every sample equal (and, suffixed, per scale).
REDUCED = "reduced pixels equal, every sample"
#: Pillow's transpose for each EXIF orientation, as ImageOps.exif_transpose applies it.
TRANSPOSE = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
             4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE,
             6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
             8: Image.Transpose.ROTATE_90}


@pytest.fixture(scope="module")
def node() -> str:
    """The node executable; a skip (or, with MODELPARITY_REQUIRE_JS=1, a failure) without it."""
    require(js_unavailable("node_files"), REQUIRE_JS, "the JavaScript JPEG reader")
    return str(shutil.which("node"))


@pytest.fixture(scope="module")
def jpegrgb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests.jpegdcrgb's large colour JPEGs, with Pillow's draft("RGB") pixels at each scale."""
    folder = tmp_path_factory.mktemp("jpegrgb")
    done = run_module("tests.jpegdcrgb", str(folder))
    assert done.returncode == 0, done.stderr[-3000:]
    return folder


@pytest.fixture(scope="module")
def references(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests.oddpictures' odd pictures (the phone photos among them) and bad ones."""
    folder = tmp_path_factory.mktemp("reference")
    done = run_module("tests.oddpictures", str(folder))
    assert done.returncode == 0, done.stderr[-3000:]
    return folder


def _jpegs(folder: Path) -> list[Path]:
    """The JPEGs (by their first bytes) under folder."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.read_bytes()[:2] == b"\xff\xd8")


def _grey_jpegs(folder: Path) -> list[Path]:
    """One-component JPEGs of the grey route's cases: odd sizes, progressive, restarts,
    qualities 30 to 100, optimised tables. Seeded: the same files every run."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(5)
    cases = [((301, 333), {"quality": 75}), ((640, 480), {"quality": 95, "progressive": True}),
             ((1283, 997), {"quality": 50, "optimize": True, "restart_marker_blocks": 7}),
             ((333, 1299), {"quality": 100, "progressive": True}),
             ((905, 713), {"quality": 85, "restart_marker_rows": 2}), ((512, 384), {"quality": 30}),
             ((799, 601), {"quality": 90, "progressive": True, "optimize": True})]
    paths = []
    for i, ((w, h), opts) in enumerate(cases):
        yy, xx = np.mgrid[0:h, 0:w]
        wave = 128 + 90 * np.sin(xx / rng.uniform(9, 40) + yy / rng.uniform(9, 40))
        grey = np.clip(wave + rng.normal(0, rng.uniform(2, 30), (h, w)), 0, 255).astype(np.uint8)
        path = folder / f"grey{i}-{w}x{h}.jpg"
        Image.fromarray(grey, "L").save(path, "JPEG", **opts)
        paths.append(path)
    return paths


def _marker_cases(folder: Path) -> list[Path]:
    """Single-scan JPEGs with one damaged marker segment: after the last row (every marker
    code, cut at the file's end after 0 to 4 bytes, and some checked mid-segment) and before
    the scan. Where libjpeg errors or merely runs out of data there decides refusal."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(3)
    tails = [(f"{m:02x}-{n}", bytes([0xFF, m]) + t) for m in range(0xC0, 0xFF)
             for n, t in (("cut", b""), ("half", b"\x00"), ("long", b"\xff\xff"),
                          ("len1", b"\x00\x01"), ("len4", b"\x00\x04\x00\x00"))]
    counts = bytes([0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0])
    tails += [("sos-bad-length", b"\xff\xda\x00\x09\x01"),
              ("sos-no-components", b"\xff\xda\x00\x06\x00"),
              ("dqt-bad-index", b"\xff\xdb\x00\x43\x05"), ("dqt-cut", b"\xff\xdb\x00\x43\x00\x01"),
              ("dht-count-over-length", b"\xff\xc4\x00\x14\x00" + counts),
              ("dht-cut", b"\xff\xc4\x00\x1f\x00" + counts),
              ("dht-bad-index", b"\xff\xc4\x00\x40\x05" + bytes([0, 1] + [0] * 14) + b"\x00"),
              ("dac-bad", b"\xff\xcc\x00\x10\x40\x10"),
              ("eoi-then-garbage", b"\xff\xd9garbage\xff\xc0"),
              ("dqt-second-bad", b"\xff\xdb\x00\x90\x00" + bytes(range(1, 65)) + b"\x07"),
              ("dri-length-5", b"\xff\xdd\x00\x05"), ("dri", b"\xff\xdd\x00\x04\x00\x10")]
    before = [("jpg", b"\xff\xc8\x00\x04\x00\x00"), ("dac-bad-index", b"\xff\xcc\x00\x04\x40\x10"),
              ("dac-bad-bounds", b"\xff\xcc\x00\x04\x00\x0f"), ("dac", b"\xff\xcc\x00\x04\x00\x10"),
              ("dac-odd-length", b"\xff\xcc\x00\x05\x00\x10\x00"),
              ("dqt-precision-2", b"\xff\xdb\x00\x83\x21" + bytes(range(1, 129))),
              ("dri-length-5", b"\xff\xdd\x00\x05\x00\x00\x00"),
              ("dqt-long", b"\xff\xdb\x00\x44\x01" + bytes(range(1, 66))),
              ("dht-short", b"\xff\xc4\x00\x05\x00\x00\x00")]
    paths = []
    for size, mode in ((40, "RGB"), (700, "RGB"), (700, "L")):
        buf = Image.fromarray(rng.integers(0, 256, (size, size, 3), np.uint8)).convert(mode)
        path = folder / "base.jpg"
        buf.save(path, "JPEG", quality=80)
        data = path.read_bytes()
        body, sos = data[:-2], data.index(b"\xff\xda")
        header = data[sos:sos + 2 + int.from_bytes(data[sos + 2:sos + 4], "big")]
        second = [("sos", header), ("sos-eoi", header + b"\xff\xd9"), ("sos-cut-6", header[:6]),
                  ("sos-cut-7", header[:7]), ("nothing", b"")]
        for name, tail in tails + second:
            paths.append(folder / f"{mode}{size}-after-{name}.jpg")
            paths[-1].write_bytes(body + tail)
        for name, segment in before:
            paths.append(folder / f"{mode}{size}-before-{name}.jpg")
            paths[-1].write_bytes(data[:sos] + segment + data[sos:])
    (folder / "base.jpg").unlink()
    return paths


def _draft_side(pre: Preprocessing) -> int:
    """What decodeJpeg's draftSide is for the recipe: reduce_to * reduce_side, 0 without draft."""
    return pre.reduce_to * pre.reduce_side() if pre.draft and not pre.faithful else 0


def _run_js(node: str, files: list[Path], channels: int, side: int, scales: tuple[int, ...],
            out: Path) -> list[dict]:
    """decodeJpeg's answer for each file for a model of those channels, draft side and draft
    scales; each 'draft' answer with the path of its raw pixels."""
    results: list[dict] = []
    for at in range(0, len(files), BATCH):
        folder = out / f"batch{at}"
        done = subprocess.run([node, str(TOOL), str(folder), *map(str, files[at:at + BATCH]),
                               "--channels", str(channels), "--draft-side", str(side),
                               "--draft-scales", ",".join(map(str, scales))],
                              cwd=ROOT, capture_output=True, text=True, timeout=600)
        assert done.returncode in (0, 2), done.stderr[-3000:]  # 2: a crash, listed in result
        batch = json.loads((folder / "result.json").read_text(encoding="utf-8"))
        for i, r in enumerate(batch):
            r["raw"] = folder / f"{i}.raw"
        results += batch
    assert len(results) == len(files)
    return results


def _run_recipe(node: str, files: list[Path], pre: Preprocessing, out: Path) -> list[dict]:
    """decodeJpeg's answer for each file under the recipe."""
    return _run_js(node, files, pre.channels, _draft_side(pre), pre.draft_scales, out)


def _orientation(path: Path) -> int:
    with Image.open(path) as im:
        return int(im.getexif().get(0x0112, 1))


def _js_upright(r: dict, path: Path, channels: int) -> tuple[np.ndarray, tuple[int, int]]:
    """The JS pixels and full size as decode_pixels gives them: oriented, grey repeated for
    an RGB model, grey as [h, w]."""
    pixels = np.fromfile(r["raw"], np.uint8).reshape(r["height"], r["width"], r["channels"])
    if channels == 3 and r["channels"] == 1:
        pixels = np.repeat(pixels, 3, axis=-1)
    im = Image.fromarray(pixels[..., 0] if channels == 1 else pixels)
    orientation = _orientation(path)
    if orientation in TRANSPOSE:
        im = im.transpose(TRANSPOSE[orientation])
    full = (r["fullWidth"], r["fullHeight"])
    return np.asarray(im), full[::-1] if orientation in SWAPPING_ORIENTATIONS else full


def _verdict(path: Path, pre: Preprocessing) -> str | None:
    """Python's refusal of the picture (load_image's PictureError reason), or None."""
    try:
        load_image(path, pre)
    except PictureError as err:
        return err.reason
    return None


def _smaller_side(path: Path) -> int:
    """The picture's smaller side, or a large number for a file Pillow cannot open."""
    try:
        with Image.open(path) as im:
            return min(im.size)
    except Exception:  # a fuzzed file: any failure means it does not count
        return 1 << 30


def _progressive(path: Path) -> bool:
    with Image.open(path) as im:
        return bool(im.info.get("progressive") or im.info.get("progression"))


def _held_to_pillow(node: str, files: list[Path], pre: Preprocessing, out: Path,
                    lenient: bool = False) -> tuple[Counter[str], list[str]]:
    """Counts of each kind of agreement, and every disagreement, JS against Python.

    Strict: each refusal on both sides or neither (but the stated exception), the reduced
    route taken on both sides or neither, at the same scale, its pixels equal sample for
    sample. Lenient (fuzzed
    files) also lets pass what neither JavaScript nor Java reproduces: a refusal by Pillow's
    own Python marker parser, and a Python refusal of a file the JS leaves to the platform's
    decoder because this reader does not decode it.
    """
    counts: Counter[str] = Counter()
    failures: list[str] = []
    for r in _run_recipe(node, files, pre, out):
        path, kind = Path(r["file"]), r["kind"]
        why = _verdict(path, pre)
        if kind in ("crash", "not-jpeg"):
            failures.append(f"{path.name}: {kind} {r.get('error', '')}")
        elif why is not None:
            if kind == "refused":
                counts["refused by both"] += 1
            elif lenient and why.startswith(PILLOW_PARSER):
                counts["refused by Pillow's own marker parser only"] += 1
            elif lenient and kind == "whole" and r["header"] and not r["header"]["decodable"]:
                counts["refused by Python, left to the platform's decoder"] += 1
            else:
                failures.append(f"{path.name}: JS {kind}, Python refused it ({why})")
        elif kind == "refused":
            if SMOOTHING in r["reason"] and _progressive(path):
                counts["refused by JS only: block smoothing (the stated exception)"] += 1
            else:
                failures.append(f"{path.name}: JS refused it ({r['reason']}), Python decodes it")
        else:
            pixels, full = decode_pixels(path, pre)
            reduced = pixels.shape[:2] != (full[1], full[0])
            if kind == "whole":
                if reduced:
                    failures.append(f"{path.name}: JS leaves it whole, Python decodes it reduced")
                else:
                    counts["decoded whole by both"] += 1
                continue
            ours, our_full = _js_upright(r, path, pre.channels)
            if ours.shape != pixels.shape or our_full != tuple(full) or not reduced:
                failures.append(f"{path.name}: JS {ours.shape} for {our_full} (1/{r['scale']}),"
                                f" Python {pixels.shape} for {tuple(full)}")
            elif (ours != pixels).any():
                failures.append(f"{path.name}: {(ours != pixels).sum()} of {ours.size} samples"
                                f" differ at 1/{r['scale']}, by up to"
                                f" {np.abs(ours.astype(int) - pixels).max()}")
            else:
                counts[REDUCED] += 1
                counts[f"{REDUCED} at 1/{r['scale']}"] += 1
                counts["samples compared"] += ours.size
    return counts, failures


def _report(title: str, counts: Counter[str], failures: list[str]) -> str:
    """One summary line (printed, and the assertion's message) and the first failures."""
    line = f"{title}: " + "; ".join(f"{k} {v}" for k, v in sorted(counts.items()))
    print(line)
    return "\n  ".join([line, f"{len(failures)} disagreements:", *failures[:25]])


def test_rgb_route_equals_pillows_draft_rgb(node: str, jpegrgb: Path, tmp_path: Path) -> None:
    """Every sample of tests.jpegdcrgb's colour JPEGs, each at its entry's scale, is Pillow's
    draft("RGB"); those libjpeg block-smooths at that scale and those Pillow refuses are
    refused, as Java's JpegRgbDcTest asserts."""
    index = json.loads((jpegrgb / "jpegrgb.json").read_text(encoding="utf-8"))
    answers: dict[int, dict] = {}
    for scale in sorted({e["scale"] for e in index}, reverse=True):
        at = [i for i, e in enumerate(index) if e["scale"] == scale]
        # draft side 1: every picture is large enough for 1/scale, the only scale allowed
        results = _run_js(node, [jpegrgb / f"{index[i]['name']}.jpg" for i in at], 3, 1,
                          (scale,), tmp_path / f"s{scale}")
        answers.update(zip(at, results, strict=True))
    counts: Counter[str] = Counter()
    failures: list[str] = []
    for i, e in enumerate(index):
        r = answers[i]
        name, kind, scale = f"{e['name']} at 1/{e['scale']}", r["kind"], e["scale"]
        if e["expect"] != "pixels":
            ok = kind == "refused" and (e["expect"] == "refused" or SMOOTHING in r["reason"])
            counts[f"expected {e['expect']}, refused"] += ok
            if not ok:
                failures.append(f"{name}: JS {kind} {r.get('reason', '')}, expected {e['expect']}")
            continue
        if kind != "draft" or (r["scale"], r["width"], r["height"], r["channels"]) \
                != (scale, e["width"], e["height"], 3):
            failures.append(f"{name}: JS {kind} {r.get('reason', '')} {r.get('width')}x"
                            f"{r.get('height')}, Pillow {e['width']}x{e['height']} RGB")
            continue
        ours = np.fromfile(r["raw"], np.uint8)
        pillow = np.fromfile(jpegrgb / e["pixels"], np.uint8)
        if ours.shape != pillow.shape or (ours != pillow).any():
            differ = (ours != pillow).sum() if ours.shape == pillow.shape else "all"
            failures.append(f"{name}: {differ} samples differ from Pillow's draft('RGB')")
            continue
        counts[f"equal, every sample, at 1/{scale}"] += 1
        counts[f"of them 4:2:0, at 1/{scale}"] += "-420-" in e["name"]
        counts["samples compared"] += ours.size
    message = _report("JS RGB route vs Pillow draft('RGB')", counts, failures)
    assert not failures, message
    for scale in (8, 4, 2):
        assert counts[f"equal, every sample, at 1/{scale}"] >= 25, message
        assert counts[f"of them 4:2:0, at 1/{scale}"] >= 10, message
    assert counts["expected smoothed, refused"] >= 3, message
    assert counts["expected refused, refused"] >= 1, message


@pytest.mark.parametrize("size", [18, 60], ids=["18", "60"])
@pytest.mark.parametrize("channels", [1, 3], ids=["grey", "rgb"])
def test_dc_routes_equal_pillow_before_orientation(node: str, jpegrgb: Path, references: Path,
                                                   tmp_path: Path, channels: int,
                                                   size: int) -> None:
    """The phone photos, grey JPEGs, and tests.jpegdcrgb's colour ones through decodeJpeg are
    decode_pixels' reduced pixels (draft('L') for a grey model, draft('RGB') or repeated grey
    for an RGB one), once both are oriented; what Python refuses the JS refuses. The default
    recipe of that size: 18 (side 36) takes nearly all at 1/8, 60 (side 120) at 1/8 from 960
    pixels, 1/4 from 480, 1/2 from 240."""
    files = [*_jpegs(references / "odd" / "photos"), *_grey_jpegs(tmp_path / "grey"),
             *sorted(jpegrgb.glob("*.jpg"))]
    pre = preprocessing.default(channels, size, size)
    assert tuple(pre.draft_scales) == (8, 4, 2)
    counts, failures = _held_to_pillow(node, files, pre, tmp_path / "out")
    model = "grey" if channels == 1 else "RGB"
    message = _report(f"JS reduced route, {model} model, size {size}, vs decode_pixels", counts,
                      failures)
    assert not failures, message
    assert counts[REDUCED] >= 100, message
    if size == 60:
        assert all(counts[f"{REDUCED} at 1/{s}"] >= 10 for s in (8, 4, 2)), message


@pytest.mark.parametrize("channels", [1, 3], ids=["grey", "rgb"])
def test_odd_and_bad_jpegs_refused_as_python_refuses(node: str, references: Path,
                                                      tmp_path: Path, channels: int) -> None:
    """tests.oddpictures' JPEGs (odd, photos, bad: truncated, broken header, bomb) under the
    default 40 x 40 recipe: refused by JS exactly where load_image refuses them."""
    files = _jpegs(references)
    counts, failures = _held_to_pillow(node, files, preprocessing.default(channels, 40, 40),
                                       tmp_path)
    message = _report(f"JS vs Python on {len(files)} odd and bad JPEGs, {channels} channels",
                      counts, failures)
    assert not failures, message
    assert counts["refused by both"] >= 3 and counts[REDUCED] >= 5, message


@pytest.mark.parametrize("channels", [1, 3], ids=["grey", "rgb"])
def test_damaged_markers_refused_as_pillow_refuses(node: str, tmp_path: Path,
                                                   channels: int) -> None:
    """Marker segments damaged after the last row and before the scan: refused by JS
    exactly where Pillow's libjpeg-turbo refuses them (an error, not a suspension)."""
    files = _marker_cases(tmp_path / "markers")
    counts, failures = _held_to_pillow(node, files, preprocessing.default(channels, 40, 40),
                                       tmp_path / "out")
    message = _report(f"JS vs Python on {len(files)} damaged marker segments, {channels}"
                      " channels", counts, failures)
    assert not failures, message
    assert counts["refused by both"] >= 300 and counts["decoded whole by both"] >= 100, message


@pytest.mark.seed_data
def test_fuzzed_jpegs_refused_as_pillow_refuses(node: str, tmp_path: Path) -> None:
    """tests.fuzzpictures' damaged JPEGs (seed 0): JS refuses what Python refuses, decodes
    the rest to Python's pixels, never crashes; what neither JS nor Java reproduces (Pillow's
    own marker parser) is counted, not failed. Under the default 40 x 40 recipe (the large
    ones, 660 pixels, at 1/8) and smaller ones that take the small ones (40 pixels, or 25
    without the seed data) at 1/2 and at 1/4."""
    from tests.fuzzpictures import make_fuzz_pictures

    files = [p for p in make_fuzz_pictures(tmp_path / "fuzz", 500, seed=0) if p.suffix == ".jpg"]
    # The small seeds are the seed data's 40 pixels, or lfw_subset's 25 without it: sides that
    # take them at 1/2 (4 x side <= small < 8 x side) and at 1/4 (8 x side <= small < 16 x side).
    small = min(_smaller_side(p) for p in files)
    counts: Counter[str] = Counter()
    failures: list[str] = []
    for channels, size in ((c, s) for s in (40, small // 4, small // 8) for c in (1, 3)):
        c, f = _held_to_pillow(node, files, preprocessing.default(channels, size, size),
                               tmp_path / f"out{channels}-{size}", lenient=True)
        counts.update(c)
        failures += f
    message = _report(f"JS vs Python on {len(files)} fuzzed JPEGs, grey and RGB", counts, failures)
    assert not failures, message
    assert counts["refused by both"] > 0, message
    assert all(counts[f"{REDUCED} at 1/{s}"] > 0 for s in (8, 4, 2)), message
