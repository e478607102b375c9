"""Atomic replacement of an output folder: all new artifacts or the old ones, never a mix."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from python.errors import ToolkitError


@contextmanager
def staged_folder(out: Path) -> Iterator[Path]:
    """Yield a fresh folder beside ``out``; swap it in only if the block succeeds.

    On any exception (Ctrl-C included) the staging folder is removed and ``out``
    is left exactly as it was.
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ToolkitError(f"{out}: exists and is not a folder")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.parent))
    except OSError as err:
        raise ToolkitError(f"{out.parent}: cannot write here ({err.strerror})") from None
    try:
        yield stage
        replace_folder(stage, out)
    finally:
        if stage.exists():
            shutil.rmtree(stage, ignore_errors=True)


def replace_folder(new: Path, out: Path) -> None:
    """Put ``new`` in place of ``out`` with renames on one file system."""
    old = None
    if out.exists():
        old = out.parent / f".{out.name}.old-{os.getpid()}"
        if old.exists():
            shutil.rmtree(old)
        os.rename(out, old)
    try:
        os.rename(new, out)
    except BaseException:
        if old is not None:
            os.rename(old, out)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
