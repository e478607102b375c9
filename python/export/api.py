"""Export from Python code: a model file or a ``keras.Model`` held in memory (a notebook's),
with the same checks and the same folder as ``python -m python.export --model``."""

from __future__ import annotations

import tempfile
from pathlib import Path

from python.artifacts.manifest import Manifest


def export_model(model: object, data: str | Path, out: str | Path = "artifacts", *,
                 preprocessing: str | Path | None = None, labels: str | Path | None = None,
                 quantize: bool = True, atol: float | None = None,
                 photos: str | Path | None = None) -> Manifest:
    """Export ``model`` to ``out`` and return the manifest written there.

    :param model: a .keras or .h5 file, a SavedModel folder, or a ``keras.Model``
    :param data: its pictures, a folder of class folders (int8 calibration, parity checks)
    :param out: the artifacts folder; replaced only when every check passes
    :param preprocessing: a Hugging Face ``preprocessor_config.json``
    :param labels: a file of labels, one a line, in the model's output order
    :param quantize: also search the int8 recipes
    :param atol: the float bound; None derives it from the model's own float32 noise
    :param photos: large pictures for the fidelity report
    :raises python.errors.ToolkitError: for anything the command line refuses (one line
        naming the file); the folder at ``out`` is then left as it was
    """
    from python.export.config import ExportConfig
    from python.export.pipeline import run_export

    def run(model_path: Path, name: str | None = None) -> Manifest:
        config = ExportConfig(
            model=model_path, model_name=name, data=Path(data), out=Path(out),
            quantize=quantize, atol=atol,
            preprocessing=None if preprocessing is None else Path(preprocessing),
            labels=None if labels is None else Path(labels),
            photos=None if photos is None else Path(photos))
        return run_export(config)

    if isinstance(model, str | Path):
        return run(Path(model))
    with tempfile.TemporaryDirectory(prefix="export-model-") as folder:
        name = getattr(model, "name", None) or "model"
        path = Path(folder) / "model.keras"
        model.save(path)  # Keras's own file: what --model reads, layers and weights whole
        return run(path, f"keras.Model {name!r} (in memory)")
