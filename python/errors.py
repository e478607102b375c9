"""User-facing errors: one line, the file named, a non-zero exit, never a traceback."""

from __future__ import annotations

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

    return wrapper
