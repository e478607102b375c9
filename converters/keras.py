"""Keras model to a Keras 3 ``.keras`` file."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from converters import ConversionError


def save_keras(model: object, out: str | Path) -> Path:
    """Write the model as ``.keras``; a model that wraps a SavedModel is refused.

    Keras's ``TFSMLayer`` saves a reference to its SavedModel folder, not the model: such a
    file would load nowhere else (and only outside Keras's safe mode).
    """
    wrapped = [layer.name for layer in _layers(model) if type(layer).__name__ == "TFSMLayer"]
    if wrapped:
        raise ConversionError("the model wraps a SavedModel (TFSMLayer " + wrapped[0]
                              + "): a .keras file cannot hold it")
    out = Path(out)
    model.save(out)
    without_dates(out)
    return out


def _layers(model: object):
    for layer in getattr(model, "layers", []):
        yield layer
        yield from _layers(layer)


#: The date a .keras file's metadata and zip entries get: the zip format's earliest, which
#: Keras already gives two of its three entries.
FIXED_DATE = (1980, 1, 1, 0, 0, 0)


def without_dates(path: Path) -> None:
    """Rewrite a .keras file so that it depends on the model only: Keras stamps the time of
    saving into metadata.json's ``date_saved`` and into the weights' zip entry, so two
    exports of one model differed. Loading never reads either."""
    with zipfile.ZipFile(path) as z:
        entries = [(info, z.read(info)) for info in z.infolist()]
    with zipfile.ZipFile(path, "w") as z:
        for info, data in entries:
            if info.filename == "metadata.json":
                metadata = json.loads(data)
                metadata["date_saved"] = "{:04d}-{:02d}-{:02d}@{:02d}:{:02d}:{:02d}".format(
                    *FIXED_DATE)
                data = json.dumps(metadata).encode()
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_DATE)
            fixed.compress_type, fixed.external_attr = info.compress_type, info.external_attr
            z.writestr(fixed, data)
