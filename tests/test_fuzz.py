"""Damaged pictures: Python and Java refuse the same files, label the rest alike, never crash."""

from __future__ import annotations

import os
import time

import pytest

from tests.fuzzcompare import compare, java_unavailable, report
from tests.fuzzpictures import MUTATIONS, make_fuzz_pictures

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


def test_python_and_java_accept_the_same_damaged_pictures(exported, tmp_path):
    why = java_unavailable()
    if why is not None:
        if os.environ.get("SELFIE_REQUIRE_JAVA") == "1":
            pytest.fail(f"SELFIE_REQUIRE_JAVA=1 but the Java CLI cannot run: {why}")
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
