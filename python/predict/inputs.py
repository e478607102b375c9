"""The pictures python.predict's command line names, as users of find and xargs expect.

A file is itself, as typed; a folder is its pictures, recursively, sorted by path (the
whole path as a string), hidden names skipped, links followed; ``@LIST`` is the lines of
the file LIST and ``-`` those of standard input, one picture or folder a line. The Java
CLI reads its arguments the same way (PictureArguments.java), so both print the same paths
in the same order.
"""

from __future__ import annotations

import io
import os
import sys
from dataclasses import dataclass, field
from typing import BinaryIO

from python.data.datasets import PICTURE_SUFFIXES
from python.errors import ToolkitError

#: A folder's pictures: the formats both this and the Java library read (Java reads no
#: .ppm or .pgm).
SUFFIXES = frozenset(PICTURE_SUFFIXES - {".ppm", ".pgm"})
#: As the help and the errors spell them: "bmp, gif, ...".
SPELLED = ", ".join(sorted(s[1:] for s in SUFFIXES))


class ListError(ToolkitError):
    """A list of pictures (@LIST, or - for standard input) that cannot be read."""


@dataclass
class Expanded:
    """The pictures, in order, and one line for each folder that gave none or failed."""

    pictures: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def is_picture_name(name: str) -> bool:
    """Whether a file of this name is taken from a folder: a picture suffix, not hidden."""
    stem, suffix = os.path.splitext(name)
    return not name.startswith(".") and bool(stem) and suffix.lower() in SUFFIXES


def expand(arguments: list[str], stdin: BinaryIO | None = None) -> Expanded:
    """The pictures the arguments name; raises ListError for a list that cannot be read."""
    found = Expanded()
    for argument in arguments:
        if argument == "-":
            lines = _lines(stdin if stdin is not None else sys.stdin.buffer, "standard input")
        elif argument.startswith("@") and len(argument) > 1:
            name = argument[1:]
            try:
                with open(name, "rb") as f:
                    lines = _lines(f, name)
            except OSError as err:
                why = "no such file" if isinstance(err, FileNotFoundError) else err.strerror
                raise ListError(f"{name}: cannot read the list of pictures ({why})") from err
        else:
            lines = [argument]
        for line in lines:
            _add(line, found)
    return found


def _lines(stream: BinaryIO, name: str) -> list[str]:
    # Universal newlines and U+FFFD for bad bytes: what Java's readLine and decoder do.
    try:
        text = io.TextIOWrapper(stream, encoding="utf-8", errors="replace", newline=None)
        lines = [line.rstrip("\n") for line in text]
        text.detach()
    except OSError as err:
        raise ListError(f"{name}: cannot read the list of pictures ({err.strerror})") from err
    return [line for line in lines if line]


def _add(typed: str, found: Expanded) -> None:
    if not os.path.isdir(typed):
        found.pictures.append(typed)
        return
    pictures: list[str] = []
    ids: dict[str, tuple[int, int]] = {}

    def failed(err: OSError) -> None:
        found.problems.append(f"{err.filename}: cannot read ({err.strerror})")

    for root, dirs, files in os.walk(typed, onerror=failed, followlinks=True):
        st = os.stat(root)
        ids[os.path.normpath(root)] = (st.st_dev, st.st_ino)
        # a link back up: walked once already, and skipped, as Java's walk skips it
        if _loops(os.path.normpath(root), os.path.normpath(typed), ids):
            dirs[:] = []
            continue
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        pictures += [os.path.join(root, f) for f in files
                     if is_picture_name(f) and os.path.isfile(os.path.join(root, f))]
    if not pictures:
        found.problems.append(f"{typed}: no pictures in this folder ({SPELLED})")
    found.pictures += sorted(pictures)


def _loops(folder: str, top: str, ids: dict[str, tuple[int, int]]) -> bool:
    """Whether folder (normalised, as top) is one of the folders above it in the walk from
    top: a link's loop."""
    above = folder
    while above != top and os.path.dirname(above) != above:
        above = os.path.dirname(above)
        if ids.get(above) == ids[folder]:
            return True
    return False
