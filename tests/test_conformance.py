"""The conformance corpus (tests.conformance) is whole and is Python's own answer: every picture
under every recipe once, each input's sha256 what ``load_image`` gives again, each refusal in a
stated class, every manifest with Python's version-gate line. Java (ConformanceTest, gradle
check) and JavaScript (js/test/conformance.test.js, npm test) are held to the same files.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from python.artifacts.manifest import version_problem
from python.data import preprocessing
from python.data.pictures import load_image
from python.errors import PictureError
from tests.conformance import (
    CLASSES,
    INDEX,
    RECIPES,
    STATED,
    input_digest,
    reason_class,
    summary,
    write,
)

#: Every case of these groups is prepared again; of the others (fuzzed, large JPEGs) every
#: STRIDE-th, which keeps the test to seconds.
WHOLE = ("odd", "bad", "rgb", "random")
STRIDE = 5


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("conformance") / "corpus"
    print(f"\n{summary(write(out, seed=None))}")
    return out, json.loads((out / INDEX).read_text("utf-8"))


def test_every_picture_is_a_case_under_every_recipe(corpus):
    out, index = corpus
    assert set(index["recipes"]) == set(RECIPES)
    assert {c["class"] for c in index["classes"]} == {c for c, _, _ in CLASSES}
    assert set(index["stated"]) == set(STATED) == {"java", "javascript"}
    pairs = Counter((c["picture"], c["recipe"]) for c in index["cases"])
    assert set(pairs.values()) == {1}
    assert set(pairs) == {(p, r) for p in index["pictures"] for r in RECIPES}
    assert all((out / p).is_file() for p in index["pictures"])
    groups = Counter(p.split("/")[1] for p in index["pictures"])
    assert set(groups) >= {"odd", "bad", "rgb", "jpegrgb", "random", "fuzz"}, groups
    for name, recipe in index["recipes"].items():
        channels, height, width, _, _ = RECIPES[name]
        assert recipe["shape"] == [height, width, channels]


def test_every_refusal_has_a_class_and_every_class_but_the_stated_ones_occurs(corpus):
    _, index = corpus
    names = {c for c, _, _ in CLASSES}
    refusals = Counter(c["refusal"] for c in index["cases"] if "refusal" in c)
    assert set(refusals) <= names
    # wrong_size: no recipe here leaves a picture too small; unsupported: Java's and
    # JavaScript's stated refusals, never Python's.
    assert set(refusals) == names - {"wrong_size", "unsupported"}, refusals
    read = [c for c in index["cases"] if "refusal" not in c]
    assert len(read) > len(index["cases"]) // 2
    assert all(len(c["sha256"]) == 64 and c["shape"] == index["recipes"][c["recipe"]]["shape"]
               for c in read)


def test_python_gives_its_inputs_and_refusals_again(corpus):
    out, index = corpus
    recipes = {name: preprocessing.from_config(fields, channels, height, width, name)
               for name, (channels, height, width, fields, _) in RECIPES.items()}
    checked = 0
    for i, case in enumerate(index["cases"]):
        if case["picture"].split("/")[1] not in WHOLE and i % STRIDE:
            continue
        path = out / case["picture"]
        try:
            values = load_image(path, recipes[case["recipe"]])
        except PictureError as err:
            assert case.get("reason") == err.reason, case
            assert case["refusal"] == reason_class(err.reason, path.read_bytes()[:16])
        else:
            assert case.get("sha256") == input_digest(values), case
            assert case["shape"] == list(values.shape)
        checked += 1
    assert checked > 1000


def test_reason_classes_by_words_then_by_signature():
    png, jpeg = b"\x89PNG\r\n\x1a\n" + bytes(8), b"\xff\xd8\xff\xe0" + bytes(12)
    assert reason_class("empty file", b"") == "empty"
    assert reason_class("decompression bomb: 10000x6000 exceeds 50000000 pixels", jpeg) \
        == "too_large"
    assert reason_class("a progressive JPEG whose scans leave coefficients for libjpeg's block"
                        " smoothing", jpeg) == "unsupported"
    assert reason_class("40x40 is smaller than the centre crop 48x48", png) == "wrong_size"
    # The same damage, worded by three parsers: the file tells damaged from not a picture.
    for words in ("truncated picture", "unreadable picture (Truncated File Read)",
                  "not a picture Pillow can read", "unreadable picture (corrupt JPEG data: x)"):
        assert reason_class(words, jpeg) == "damaged"
        assert reason_class(words, png) == "damaged"
        assert reason_class(words, b"this is a text file") == "not_a_picture"
    assert reason_class("x", b"RIFF\0\0\0\0WEBPVP8L") == "damaged"
    assert reason_class("x", b"RIFF\0\0\0\0WAVEfmt ") == "not_a_picture"


def test_every_manifest_gets_pythons_version_gate_line(corpus):
    out, index = corpus
    listed = json.loads((out / "manifests" / "cases.json").read_text("utf-8"))
    assert index["manifests"] == listed
    for case in listed:
        raw = json.loads((out / "manifests" / case["name"] / "manifest.json").read_text("utf-8"))
        assert version_problem(raw) == case["problem"], case["name"]
    problems = [c["problem"] or "" for c in listed]
    assert any(p.startswith("written by a newer exporter") for p in problems)
    assert any(p == "" for p in problems)
