"""The js/ package against Python: its parity cells (passing on a fresh export, failing on a
broken one), its command line beside ``python.predict``, and the model inputs it makes of
picture files of every kind, value for value, in Node and in headless Chromium.

Skipped with the reason where Node, js/node_modules or Chromium is missing;
``MODELPARITY_REQUIRE_JS=1`` (CI) turns the skip into a failure.
"""

from __future__ import annotations

import shutil
import subprocess
from collections import Counter
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from python.artifacts.manifest import read_manifest, write_manifest
from python.artifacts.registry import JS_RUNTIMES, js_artifacts
from python.data import preprocessing
from python.data.pictures import load_image
from python.errors import PictureError
from python.parity.compare import failures
from python.parity.matrix import js_matrix, written_pictures
from python.parity.tolerance import FLOAT_MAX_ABS_DIFF
from python.runtimes.js import PACKAGE, REQUIRE_JS, js_unavailable, prepare_with_js
from tests.conftest import require, run_module
from tests.recipecases import recipe_json
from tests.recipeinputs import RECIPES, pictures_in
from tests.test_parity import _nudge, _rewrite_onnx
from tests.test_user_models import EXPECTED, user_export, user_models  # noqa: F401 (fixtures)

CLI = PACKAGE / "bin" / "modelparity-node.js"
#: The pictures the js/ package refuses where Python answers, each for a stated reason
#: (docs/javascript.md): progressive JPEGs libjpeg block-smooths (as the Java library refuses them),
#: CMYK JPEGs, and transparent non-PNG pictures in a browser (a canvas premultiplies alpha).
STATED_REFUSALS = ("block smoothing", "a CMYK JPEG", "a transparent picture")
JS_CELLS = {f"{a}/{r}" for r in JS_RUNTIMES for a in js_artifacts(r)}


@pytest.fixture(scope="module")
def js() -> None:
    require(js_unavailable(), REQUIRE_JS, "the JavaScript cells")


@pytest.fixture
def artifacts(exported, tmp_path) -> Path:
    copy = tmp_path / "artifacts"
    shutil.copytree(exported, copy)
    return copy


def _check_cells(cells: dict, n_test: int) -> None:
    assert set(cells) == JS_CELLS
    for key, c in cells.items():
        assert c.ok, (key, c)
        if key.endswith("_files"):
            assert c.n == n_test, key
        else:
            assert set(c.inputs) == {"test", "lowest", "highest", "noise", "single", "batch64"}
        if key.startswith("onnx/"):  # a float model: Python ONNX Runtime's numbers
            assert c.max_abs_diff <= 1e-5, (key, c.max_abs_diff)


def test_every_js_cell_passes_on_a_fresh_export(js, exported):
    cells, skipped = js_matrix(exported, read_manifest(exported))
    assert skipped is None
    _check_cells(cells, read_manifest(exported).data.test)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_every_js_cell_passes_for_each_user_model(js, user_export, name):  # noqa: F811
    out, result = user_export(name)
    assert result.returncode == 0, result.stderr[-2000:]
    manifest = read_manifest(out)
    cells, skipped = js_matrix(out, manifest)
    assert skipped is None
    expected = {k for k in JS_CELLS if k.split("/")[0] in manifest.artifacts}
    assert set(cells) == expected
    assert all(c.ok for c in cells.values()), failures(cells)


def test_a_nudged_onnx_fails_every_js_cell_that_runs_it(js, artifacts):
    _rewrite_onnx(artifacts, _nudge)
    cells, _ = js_matrix(artifacts, read_manifest(artifacts))
    bad = {k for k, c in cells.items() if not c.ok}
    assert bad == {f"onnx/{r}" for r in JS_RUNTIMES}
    assert all(any(f.startswith(k) for f in failures(cells)) for k in bad)


def test_swapped_labels_fail_the_js_package_cells(js, artifacts):
    manifest = read_manifest(artifacts)
    write_manifest(artifacts, replace(manifest, labels=manifest.labels[::-1]))
    cells, _ = js_matrix(artifacts, read_manifest(artifacts))
    bad = {k for k, c in cells.items() if not c.ok}
    assert bad == {f"{a}/{r}" for r in ("node_files", "web_files") for a in ("onnx", "onnx_int8")}


def _node(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["node", str(CLI), *args], capture_output=True, text=True, timeout=300)


#: The odd picture the js/ package refuses, as stated (STATED_REFUSALS): a CMYK JPEG.
CMYK = "cmyk.jpg"


def _pictures(exported: Path, folder: Path) -> list[str]:
    """The test split as PNGs, plus odd pictures of other kinds (JPEG, EXIF-turned, 16-bit),
    all but the one the package refuses as stated."""
    from tests.oddpictures import make_odd_pictures

    folder.mkdir(parents=True)
    from PIL import Image

    split = np.load(exported / "test_split.npz")
    files = []
    for i, grey in enumerate(written_pictures(split["x"])[:20]):
        Image.fromarray(grey).save(folder / f"test_{i:02d}.png")
        files.append(str(folder / f"test_{i:02d}.png"))
    odd = make_odd_pictures(folder / "odd")
    return files + sorted(str(o.path) for o in odd.values() if o.path.name != CMYK)


@pytest.mark.parametrize("flags", [(), ("--top", "2"), ("--format", "onnx_int8", "--top", "5")])
def test_cli_prints_what_python_predict_prints(js, exported, tmp_path, flags):
    pictures = _pictures(exported, tmp_path / "pictures")
    python = run_module("python.predict", "--artifacts", str(exported), *flags, *pictures)
    node = _node("--artifacts", str(exported), *flags, *pictures)
    assert python.returncode == 0, python.stderr[-1000:]
    assert node.returncode == 0, node.stderr[-1000:]
    assert node.stdout == python.stdout
    assert len(node.stdout.splitlines()) == len(pictures)


def test_cli_names_unreadable_pictures_and_classifies_the_rest(js, exported, tmp_path):
    from tests.oddpictures import make_bad_pictures

    good = _pictures(exported, tmp_path / "pictures")[:3]
    bad = {n: str(p) for n, p in make_bad_pictures(tmp_path / "bad").items()}
    bad[CMYK] = str(tmp_path / "pictures" / "odd" / CMYK)  # Python reads it; stated refusal
    missing = str(tmp_path / "no-such.png")
    empty = tmp_path / "empty"
    empty.mkdir()
    node = _node("--artifacts", str(exported), *good, *bad.values(), missing, str(empty))
    assert node.returncode == 1
    assert len(node.stdout.splitlines()) == len(good)
    errors = node.stderr.splitlines()
    assert len(errors) == len(bad) + 2, node.stderr
    # a folder stands for its pictures, as in python.predict: an empty one is named first
    for line, name in zip(errors, [str(empty), *bad.values(), missing], strict=True):
        assert line.startswith(f"modelparity-node: error: {name}: "), line
    assert "Traceback" not in node.stderr and "    at " not in node.stderr
    assert errors[-1].endswith("no such file") and "no pictures in this folder" in errors[0]
    assert "a CMYK JPEG" in errors[len(bad)]


def _kind(path: Path) -> str:
    """A picture's kind for the counts: its folder and suffix."""
    return f"{path.parent.name}/{path.suffix.lstrip('.').lower() or 'none'}"


def compare_inputs(files: list[Path], pre: preprocessing.Preprocessing, work: Path,
                   runtime: str) -> tuple[Counter, list[str]]:
    """Prepare the files in Python and in JavaScript: per kind, how many are equal in every
    value, refused alike, or differ (with the differing ones named)."""
    outcome = prepare_with_js(runtime, recipe_json(pre), [str(f) for f in files], work)
    assert outcome.error is None, outcome.error
    counts: Counter = Counter()
    differing = []
    for i, path in enumerate(files):
        try:
            python, refusal = load_image(path, pre).reshape(-1), None
        except PictureError as err:
            python, refusal = None, err.reason
        js_refusal = outcome.errors[i]
        if refusal is None and js_refusal is not None and any(
                r in js_refusal for r in STATED_REFUSALS):
            counts[(_kind(path), "refused by JavaScript, as stated")] += 1
        elif refusal is not None or js_refusal is not None:
            alike = refusal is not None and js_refusal is not None
            counts[(_kind(path), "refused alike" if alike else "refused by one")] += 1
            if not alike:
                differing.append(f"{path}: Python {refusal!r}, JavaScript {js_refusal!r}")
        elif np.array_equal(python, outcome.probability[i]):
            counts[(_kind(path), "equal")] += 1
        else:
            diff = float(np.max(np.abs(python - outcome.probability[i])))
            counts[(_kind(path), "differ")] += 1
            differing.append(f"{path}: max difference {diff:.3g}")
    return counts, differing


@pytest.fixture(scope="module")
def picture_folders(tmp_path_factory) -> list[Path]:
    """The cases the Java library's inputs are held to (tests.recipeinputs): odd and bad
    pictures, phone photos, RGB pictures, large colour JPEGs."""
    from tests.jpegdcrgb import write_pictures as write_jpegs
    from tests.oddpictures import write_reference_pictures
    from tests.rgbpictures import write_pictures

    root = tmp_path_factory.mktemp("jspictures")
    write_reference_pictures(root)
    write_pictures(root / "rgb", odd=root / "odd")
    write_jpegs(root / "jpegrgb")
    return [root / "odd", root / "bad", root / "rgb", root / "jpegrgb"]


#: Node's preparation of these pictures (node_files) is held by the conformance corpus in npm
#: test (js/test/conformance.test.js, tests/conformance.py), the same files under the same
#: recipes and more, refusals by class: only the browser's is held here.
@pytest.mark.parametrize("runtime", ["web_files"])
@pytest.mark.parametrize("recipe", list(RECIPES))
def test_js_prepares_every_picture_as_python(js, picture_folders, tmp_path, runtime, recipe):
    channels, height, width, fields, _ = RECIPES[recipe]
    pre = preprocessing.from_config(fields, channels, height, width, recipe)
    files = pictures_in(picture_folders)
    counts, differing = compare_inputs(files, pre, tmp_path, runtime)
    print(f"\n{runtime} {recipe}: " + ", ".join(f"{k[0]} {k[1]}: {n}"
                                              for k, n in sorted(counts.items())))
    assert not differing, "\n".join(differing[:20])


@pytest.mark.parametrize("runtime", ["web_files"])  # node_files: the conformance corpus
def test_js_prepares_the_seed_data_as_python(js, seed_data, tmp_path, runtime):
    files = sorted(p for p in seed_data.rglob("*") if p.suffix.lower() in (".png", ".jpg"))
    counts, differing = compare_inputs(files, preprocessing.default(1, 40, 40), tmp_path, runtime)
    print(f"\n{runtime} seed data: {dict(counts)}")
    assert not differing, "\n".join(differing[:20])
    assert sum(n for (_, how), n in counts.items() if how == "equal") == len(files)


def test_demo_page_shows_what_the_cli_prints(js, exported, tmp_path):
    """The demo page, used as a person would (pictures picked in headless Chromium), shows
    each picture's label as python.predict prints it, and its probability within the float
    tolerance (WebAssembly's kernels round differently: a few 1e-7 apart, which can move the
    sixth decimal)."""
    import json

    pictures = _pictures(exported, tmp_path / "pictures")[:6]
    python = run_module("python.predict", "--artifacts", str(exported), *pictures)
    assert python.returncode == 0, python.stderr[-1000:]
    shot = tmp_path / "demo.png"
    page = subprocess.run(["node", str(PACKAGE / "tools" / "demo-check.js"), str(exported),
                           str(shot), *pictures], capture_output=True, text=True, timeout=300)
    assert page.returncode == 0, page.stderr[-2000:]
    seen = json.loads(page.stdout)
    assert seen["ready"] and not seen["errors"], seen
    expected = [line.split("\t")[1:3] for line in python.stdout.splitlines()]
    assert [s["label"] for s in seen["shown"]] == [label for label, _ in expected]
    for s, (_, p) in zip(seen["shown"], expected, strict=True):
        assert abs(float(s["probability"]) - float(p)) <= FLOAT_MAX_ABS_DIFF + 1e-6, (s, p)
    assert [s["name"] for s in seen["shown"]] == [Path(p).name for p in pictures]
    assert shot.stat().st_size > 10_000  # a real screenshot, not an empty page
