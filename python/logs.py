"""Messages go through ``logging`` to stderr: progress at INFO, problems at WARNING and up.

Commands call ``configure`` once: ``--quiet`` shows warnings and errors only, ``-v``
adds debug. Library modules only ever call ``logging.getLogger(__name__)``.
"""

from __future__ import annotations

import argparse
import logging
import sys

#: The packages whose loggers the commands configure.
PACKAGES = ("python", "converters")


class _Formatter(logging.Formatter):
    """Progress as plain lines; a warning or error names the command and its level."""

    def __init__(self, prog: str) -> None:
        super().__init__("%(message)s")
        self.prog = prog

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        if record.levelno >= logging.WARNING:
            return f"{self.prog}: {record.levelname.lower()}: {text}"
        return text


def configure(prog: str, quiet: bool = False, verbose: bool = False) -> None:
    """Send the toolkit's messages to stderr at the level the flags ask for."""
    level = logging.WARNING if quiet else logging.DEBUG if verbose else logging.INFO
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Formatter(prog))
    for name in PACKAGES:
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(level)
        logger.propagate = False


def add_flags(parser: argparse.ArgumentParser) -> None:
    """``--quiet`` and ``-v``, the same on every command."""
    parser.add_argument("--quiet", action="store_true", help="warnings and errors only")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug messages too")
