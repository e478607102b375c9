"""Damaged pictures: Python, Java and Node refuse the same files, label the rest alike."""

from __future__ import annotations

import os
import time

import pytest

from python.runtimes.js import REQUIRE_JS
from tests.conftest import require
from tests.fuzzcompare import (
    compare,
    compare3,
    java_unavailable,
    node_unavailable,
    report,
    report3,
    unexplained,
)
from tests.fuzzpictures import MUTATIONS, make_fuzz_pictures
from tests.structfuzz import JPEG_MUTATIONS, PNG_MUTATIONS, make_struct_pictures

#: The fuzzed files grow from the seed data's pictures when it is there (lfw_subset's if not).
pytestmark = pytest.mark.seed_data
COUNT = 500
#: At most this share of the files may be accepted by one side only (issue 16).
ONE_SIDED = 0.01


def test_same_seed_same_files_every_mutation(tmp_path):
    a = make_fuzz_pictures(tmp_path / "a", 60, seed=3)
    b = make_fuzz_pictures(tmp_path / "b", 60, seed=3)
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]
    kinds = {k for p in a for k in p.name.split("-")[1].split("+")}
    assert kinds == set(MUTATIONS)
    assert len({p.read_bytes() for p in a}) == len(a)  # every file damaged its own way


def test_structure_aware_files_are_reproducible_and_use_every_mutation(tmp_path):
    a = make_struct_pictures(tmp_path / "a", 150, seed=5)
    b = make_struct_pictures(tmp_path / "b", 150, seed=5)
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]
    kinds = {k for p in a for k in p.name.split("-")[1].split("+")}
    assert kinds == set(JPEG_MUTATIONS) | set(PNG_MUTATIONS)
    assert sum(p.suffix == ".jpg" for p in a) == sum(p.suffix == ".png" for p in a) == 150


def test_python_and_java_accept_the_same_damaged_pictures(exported, tmp_path):
    why = java_unavailable()
    if why is not None:
        if os.environ.get("MODELPARITY_REQUIRE_JAVA") == "1":
            pytest.fail(f"MODELPARITY_REQUIRE_JAVA=1 but the Java CLI cannot run: {why}")
        pytest.skip(f"the Java CLI cannot run here: {why}")
    start = time.monotonic()
    paths = make_fuzz_pictures(tmp_path / "fuzz", COUNT, seed=0)
    c = compare(paths, exported, timeout=120)  # a hang is subprocess.TimeoutExpired
    figures = report(c)
    print(figures, f"\nwhole test {time.monotonic() - start:.1f} s")
    assert c.python.returncode == 1 and c.java.returncode == 1, figures  # some refused, no crash
    assert c.python.crash_lines() == [] and c.java.crash_lines() == [], figures
    assert 0 < len(c.python.accepted) < COUNT, figures
    assert c.one_sided <= ONE_SIDED * COUNT, figures
    assert c.label_differences == [], figures


#: Structure-aware damaged files a side (JPEGs, and as many PNGs) for the three-language test.
STRUCT_COUNT = 200
#: One-sided files whose cause is known and not yet removed, by the one language that parts
#: from Python and the words of its refusal (issue 37's closing note says why each remains):
#: Java's ImageIO does not block-smooth a small progressive JPEG left incomplete as
#: libjpeg-turbo does, so JpegDecoder refuses it; Node's sharp (libvips) refuses a JPEG whose
#: data libjpeg only warns about (extraneous bytes before a marker; its message is sometimes
#: lost to "Unknown error"), and the JavaScript package converts no CMYK JPEG.
KNOWN_ONE_SIDED = (("java", "for libjpeg's block smoothing to estimate"),
                   ("node", "(VipsJpeg: Corrupt JPEG data: "), ("node", "(Unknown error)"),
                   ("node", "a CMYK JPEG"))


def test_three_languages_accept_the_same_structurally_damaged_pictures(exported, tmp_path):
    """tests.structfuzz's files (segment and chunk fields, lengths, ids, order, checksums,
    cuts): Java and Node accept and refuse what Python accepts and refuses, and label alike."""
    require(java_unavailable(), "MODELPARITY_REQUIRE_JAVA", "the Java CLI")
    require(node_unavailable(), REQUIRE_JS, "the Node CLI")
    start = time.monotonic()
    paths = make_struct_pictures(tmp_path / "struct", STRUCT_COUNT, seed=0)
    c = compare3(paths, exported, timeout=120)
    figures = report3(c, show=50)
    print(figures, f"\nwhole test {time.monotonic() - start:.1f} s")
    assert all(s.crash_lines() == [] and s.returncode == 1 for s in c.sides.values()), figures
    assert set(c.rows) == {"jpeg", "png"} and all(r.accepted > 0 and r.refused > 0
                                                  for r in c.rows.values()), figures
    assert unexplained(c, KNOWN_ONE_SIDED) == [], figures
    assert c.label_differences == [], figures
