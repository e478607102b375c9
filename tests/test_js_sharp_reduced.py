"""The Node route for large JPEGs held to Pillow: sharp decoding them reduced.

In Node a plain JPEG (js/src/core/jpeg JpegDc.plain(): its markers checked as the reader
checks them, its entropy-coded data not decoded) on a reduced route comes from sharp's
libjpeg-turbo at 1/8, 1/4 or 1/2 scale (js/src/node.js decodeReducedWithSharp), the reader
decoding the rest. ``js/tools/jpeg-pixels.js`` takes that route with
MODELPARITY_JPEG_PLATFORM=sharp; here tests/test_js_jpeg.py's comparisons with Pillow are run on
it, and tests.jpegdcrgb's colour JPEGs show how many sharp decoded.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from tests import test_js_jpeg as base
from tests.test_js_jpeg import jpegrgb, node, references  # noqa: F401 (fixtures)


@pytest.fixture(autouse=True)
def by_sharp(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tool decodes plain JPEGs on a reduced route with sharp, as the Node CLI does."""
    monkeypatch.setenv("MODELPARITY_JPEG_PLATFORM", "sharp")


def test_sharp_gives_pillows_draft_rgb(node: str, jpegrgb: Path, tmp_path: Path) -> None:  # noqa: F811
    """Every picture of tests.jpegdcrgb with Pillow's pixels at its scale: sharp's (or, where
    the file is not plain, the reader's) equal them sample for sample, and most are sharp's;
    those Pillow refuses or libjpeg smooths are refused (the reader decides)."""
    index = json.loads((jpegrgb / "jpegrgb.json").read_text(encoding="utf-8"))
    counts: Counter[str] = Counter()
    failures: list[str] = []
    for scale in (8, 4, 2):
        at = [e for e in index if e["scale"] == scale]
        results = base._run_js(node, [jpegrgb / f"{e['name']}.jpg" for e in at], 3, 1, (scale,),
                               tmp_path / f"s{scale}")
        for e, r in zip(at, results, strict=True):
            if e["expect"] != "pixels":
                counts[f"expected {e['expect']}, {r['kind']}"] += 1
                if r["kind"] != "refused":
                    failures.append(f"{e['name']} at 1/{scale}: {r['kind']}, expected refused")
                continue
            ours = np.fromfile(r["raw"], np.uint8) if r["kind"] == "draft" else None
            pillow = np.fromfile(jpegrgb / e["pixels"], np.uint8)
            if ours is None or ours.shape != pillow.shape or (ours != pillow).any():
                failures.append(f"{e['name']} at 1/{scale}: {r['kind']} by {r.get('by')},"
                                " not Pillow's pixels")
            else:
                counts[f"equal, by {r['by']}"] += 1
    message = base._report("Node reduced route (sharp) vs Pillow draft('RGB')", counts, failures)
    assert not failures, message
    assert counts["equal, by sharp"] >= 190, message


@pytest.mark.parametrize("size", [18, 60], ids=["18", "60"])
@pytest.mark.parametrize("channels", [1, 3], ids=["grey", "rgb"])
def test_sharp_route_equals_pillow(node: str, jpegrgb: Path, references: Path,  # noqa: F811
                                   tmp_path: Path, channels: int, size: int) -> None:
    """test_js_jpeg's phone photos, grey JPEGs and colour ones, through the sharp route."""
    base.test_dc_routes_equal_pillow_before_orientation(node, jpegrgb, references, tmp_path,
                                                       channels, size)


@pytest.mark.parametrize("channels", [1, 3], ids=["grey", "rgb"])
def test_sharp_route_refuses_as_python(node: str, references: Path, tmp_path: Path,  # noqa: F811
                                       channels: int) -> None:
    """Odd and bad JPEGs (truncated, broken header, bomb), and damaged marker segments."""
    base.test_odd_and_bad_jpegs_refused_as_python_refuses(node, references, tmp_path / "odd",
                                                           channels)
    base.test_damaged_markers_refused_as_pillow_refuses(node, tmp_path / "markers", channels)


@pytest.mark.seed_data
def test_sharp_route_fuzzed(node: str, tmp_path: Path) -> None:  # noqa: F811
    """tests.fuzzpictures' damaged JPEGs through the sharp route, as test_js_jpeg's."""
    base.test_fuzzed_jpegs_refused_as_pillow_refuses(node, tmp_path)
