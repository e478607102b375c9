"""Atomic replacement of an output folder: all new artifacts or the old ones, never a mix."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from python.errors import DiskFullError, ToolkitError, is_disk_full


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
        # mkdtemp makes the folder 0700; published, it must read like a plain mkdir's
        # (0755 under umask 022), or a service running as another user cannot load it.
        os.chmod(stage, 0o777 & ~current_umask())
    except OSError as err:
        raise ToolkitError(f"{out.parent}: cannot write here ({err.strerror})") from None
    try:
        yield stage
        replace_folder(stage, out)
    except Exception as err:
        if is_disk_full(err):
            what = getattr(err, "filename", None)
            raise DiskFullError(f"{out}: cannot write the new artifacts"
                                f"{f' ({what})' if what else ''}: the disk is full;"
                                f" the previous {out.name}/ is untouched") from None
        raise
    finally:
        if stage.exists():
            shutil.rmtree(stage, ignore_errors=True)


def current_umask() -> int:
    """The process's umask; POSIX can only read it by setting it, so set it back at once."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


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
