"""User-facing errors: one line, the file named, a non-zero exit, never a traceback."""

from __future__ import annotations

import errno
import functools
import sys
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class ToolkitError(Exception):
    """An error caused by the user's input or environment, printed as one line."""

    exit_code = 2


class PictureError(ToolkitError):
    """A picture file that cannot be read as a picture (empty, truncated, a bomb...)."""

    def __init__(self, path: object, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class DataError(ToolkitError):
    """A data folder that cannot make a training set (missing, one class, too small)."""


class ArtifactError(ToolkitError):
    """A missing, altered or unreadable exported artifact."""


class ParityError(ToolkitError):
    """An exported artifact disagrees with the Keras model beyond tolerance."""

    exit_code = 1


class DiskFullError(ToolkitError):
    """Something could not be written because the disk (or the user's quota) is full."""

    exit_code = 3


#: Exit statuses every command uses (docs/export.md lists them).
EXIT_STATUSES = {0: "done", 1: "parity failed (an artifact out of tolerance)",
                 2: "bad input (a picture, a data folder, artifacts, flags)",
                 3: "the disk is full", 130: "interrupted (Ctrl-C)"}


def is_disk_full(err: BaseException) -> bool:
    """ENOSPC or EDQUOT, from Python's own I/O or from a native library's message."""
    if isinstance(err, OSError) and err.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    text = str(err)
    return "No space left on device" in text or "Disk quota exceeded" in text


def disk_full(err: BaseException, where: object) -> DiskFullError:
    """One line: what could not be written, and that the disk is full."""
    target = getattr(err, "filename", None) or where
    return DiskFullError(f"{target}: cannot write: the disk is full")


def cli_main(func: Callable[..., int]) -> Callable[..., int]:
    """Turn ToolkitError and Ctrl-C into one line on stderr and an exit code."""

    @functools.wraps(func)
    def wrapper(*args: object, **kwargs: object) -> int:
        module = func.__module__
        if module == "__main__":  # run as python -m python.NAME
            module = sys.modules["__main__"].__spec__.name if sys.modules["__main__"].__spec__ \
                else sys.argv[0]
        parts = str(module).removesuffix(".py").split(".")
        # python.export.command -> export: a command is named by its stage's package
        prog = parts[-2] if parts[-1] in ("command", "__main__") and len(parts) > 1 \
            else parts[-1]
        try:
            return func(*args, **kwargs)
        except ToolkitError as err:
            print(f"{prog}: error: {err}", file=sys.stderr)
            return err.exit_code
        except KeyboardInterrupt:
            print(f"{prog}: interrupted; nothing was replaced", file=sys.stderr)
            return 130
        except Exception as err:  # a native library's own error for a full disk, too
            if not is_disk_full(err):
                raise
            print(f"{prog}: error: {disk_full(err, 'output')}", file=sys.stderr)
            return DiskFullError.exit_code

    return wrapper
