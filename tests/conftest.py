"""Shared fixtures: the seed data set (skipped with a reason, or required in CI), exports."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED_DATA = ROOT.parent / "shared" / "datasets" / "selfie-or-not" / "thumbnails-40"
#: CI sets this so that tests needing the shared seed data fail instead of skipping.
REQUIRE_SEED = "SELFIE_REQUIRE_SEED_DATA"


def seed_data_or_skip() -> Path:
    if SEED_DATA.is_dir():
        return SEED_DATA
    where = SEED_DATA.relative_to(ROOT.parent)
    reason = (f"the shared seed data set is not beside this clone ({where} missing);"
              " it exists only on the team's machines")
    if os.environ.get(REQUIRE_SEED) == "1":
        pytest.fail(f"{REQUIRE_SEED}=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def seed_data() -> Path:
    return seed_data_or_skip()


def run_module(module: str, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    """Run ``python -m module args`` from the repository root, capturing text output."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.run([sys.executable, "-m", module, *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="session")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One real export of the embedded data for the whole session (a few epochs, quantized)."""
    out = tmp_path_factory.mktemp("export") / "artifacts"
    result = run_module("python.export", "--quantize", "--epochs", "2", "--out", str(out))
    assert result.returncode == 0, result.stderr[-3000:]
    return out
