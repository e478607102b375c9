"""Keep TensorFlow's native log lines (converter chatter, plugin registration) off stderr.

TF_CPP_MIN_LOG_LEVEL does not reach every native logger TensorFlow 2.18 carries, so
the converters' C++ lines are silenced at the file-descriptor level while they run.
Python exceptions still carry their messages; set TF_CPP_MIN_LOG_LEVEL=0 (or 1) to
see everything.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def native_stderr_silenced() -> Iterator[None]:
    """Send fd 2 to /dev/null for the block, unless the user asked for TF's logs."""
    if os.environ.get("TF_CPP_MIN_LOG_LEVEL", "3") in ("0", "1"):
        yield
        return
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)
