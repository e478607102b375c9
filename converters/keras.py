"""Keras model to a Keras 3 ``.keras`` file."""

from __future__ import annotations

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
    return out


def _layers(model: object):
    for layer in getattr(model, "layers", []):
        yield layer
        yield from _layers(layer)
