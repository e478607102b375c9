"""Shared fixtures: the seed data set (skipped with a reason, or required in CI), exports."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SEED_DATA = ROOT.parent / "shared" / "datasets" / "selfie-or-not" / "thumbnails-40"
#: CI sets this so that tests needing the shared seed data fail instead of skipping.
REQUIRE_SEED = "MODELPARITY_REQUIRE_SEED_DATA"
#: Where the seed data is, if not beside the clone; "none" hides it, as on a user's clone.
SEED_DATA_VARIABLE = "MODELPARITY_SEED_DATA"
#: A folder that keeps the tests' exports (and the users' test models) between test runs:
#: CI's two runs share one. Reused only while the code that makes them is the same
#: (``code_key``); unset, each session makes them in a temporary folder.
TEST_CACHE = "MODELPARITY_TEST_CACHE"


def seed_data_path() -> Path | None:
    """The seed data folder the tests look at, or None when MODELPARITY_SEED_DATA=none hides it."""
    chosen = os.environ.get(SEED_DATA_VARIABLE, "")
    if chosen == "none":
        return None
    return Path(chosen) if chosen else DEFAULT_SEED_DATA


def seed_data_or_skip() -> Path:
    seed = seed_data_path()
    if seed is not None and seed.is_dir():
        return seed
    if seed is None:
        reason = f"{SEED_DATA_VARIABLE}=none hides the shared seed data set"
    else:
        where = seed.relative_to(ROOT.parent) if seed.is_relative_to(ROOT.parent) else seed
        reason = (f"the shared seed data set is not beside this clone ({where} missing);"
                  " it exists only on the team's machines")
    if os.environ.get(REQUIRE_SEED) == "1":
        pytest.fail(f"{REQUIRE_SEED}=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def seed_data() -> Path:
    return seed_data_or_skip()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that reads the seed data (through the fixture) ``seed_data``: the only
    tests whose outcome hangs on it, so CI's pass with the data required runs just these."""
    for item in items:
        if "seed_data" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.seed_data)


def require(why: str | None, variable: str, what: str) -> None:
    """Skip with the reason ``why`` when ``what`` cannot run here (None: it can), or fail when
    the environment variable ``variable`` is 1, as CI sets it."""
    if why is None:
        return
    if os.environ.get(variable) == "1":
        pytest.fail(f"{variable}=1 but {what} cannot run: {why}")
    pytest.skip(f"{what} cannot run here: {why}")


def run_module(module: str, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    """Run ``python -m module args`` from the repository root, capturing text output."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.run([sys.executable, "-m", module, *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


def code_key() -> str:
    """The sha256 of everything that makes the tests' exports: the Python code, the test
    models' own code and the Java library the parity cells run."""
    files = [*ROOT.glob("python/**/*.py"), *ROOT.glob("python/**/*.json"),
             *ROOT.glob("converters/*.py"), ROOT / "tests" / "usermodels.py",
             ROOT / "tests" / "userpictures.py", *ROOT.glob("build/libs/*.jar")]
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="session")
def test_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder of this session's exports: MODELPARITY_TEST_CACHE's, emptied when other code
    made it, else a temporary one."""
    chosen = os.environ.get(TEST_CACHE)
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("cache")
    key, stamp = code_key(), folder / "code.sha256"
    if folder.is_dir() and (not stamp.is_file() or stamp.read_text() != key):
        shutil.rmtree(folder)  # made by other code: made again
    folder.mkdir(parents=True, exist_ok=True)
    stamp.write_text(key)
    return folder


def cached_run(folder: Path, module: str, *args: str,
               timeout: float = 1200) -> subprocess.CompletedProcess:
    """``run_module`` once per cache: its exit status and output kept in folder/run.json."""
    record = folder / "run.json"
    if not record.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        result = run_module(module, *args, timeout=timeout)
        record.write_text(json.dumps({"returncode": result.returncode, "stdout": result.stdout,
                                      "stderr": result.stderr}))
    run = json.loads(record.read_text())
    return subprocess.CompletedProcess([module, *args], run["returncode"], run["stdout"],
                                       run["stderr"])


@pytest.fixture(scope="session")
def export_run(test_cache: Path) -> tuple[Path, subprocess.CompletedProcess]:
    """One real quiet export of the embedded data for the whole session (int8 included).

    Twenty epochs, not two: an undertrained model's probabilities crowd its threshold, and
    int8 rounding then flips labels (rightly failing parity) on a 26-picture test split, or
    every small recipe loses a selection picture (measured: at 10 epochs the only recipe
    within the accuracy bound was the 71% MatMul-only one).
    """
    out = test_cache / "export" / "artifacts"
    result = cached_run(out.parent, "python.export", "--quantize", "--epochs", "20", "--quiet",
                        "--out", str(out))
    assert result.returncode == 0, result.stderr[-3000:]
    return out, result


@pytest.fixture(scope="session")
def exported(export_run: tuple[Path, subprocess.CompletedProcess]) -> Path:
    return export_run[0]
