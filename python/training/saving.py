"""A trained model written as a .keras file: the one thing training hands on, under any
backend, for ``python -m python.export --model`` to export."""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

from converters.keras import without_dates
from python.errors import ToolkitError

log = logging.getLogger(__name__)


def save_keras_file(model: object, path: Path) -> None:
    """The trained model as a .keras file, written whole or not at all: an export that fails
    later still leaves it, for ``--model`` to export again."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, partial = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".keras",
                                       dir=path.parent)
        os.close(fd)
        model.save(partial)
        without_dates(Path(partial))
        os.replace(partial, path)
    except OSError as err:
        raise ToolkitError(f"{path}: cannot write the trained model ({err.strerror})") from None
    finally:
        if "partial" in locals() and Path(partial).exists():
            Path(partial).unlink()
    log.info("wrote the trained model to %s (export it again with --model %s)", path, path)

