"""The float artifacts, made by the converters the registry names: no per-artifact code here.

Converters read Keras's inference-mode SavedModel of the model (made in the stage and
removed before it is published) or the Keras model itself. A converter that cannot convert
the model (an op it lacks) costs that artifact only: the others are still made, and the
manifest says what is missing and why. ``--require`` turns a missing one into a failure.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from pathlib import Path

from python.artifacts.manifest import MissingArtifact
from python.artifacts.registry import ArtifactSpec, float_artifacts
from python.errors import ParityError, is_disk_full
from python.model.source import SourceModel
from python.quiet import native_stderr_silenced

log = logging.getLogger(__name__)

#: Keras's own SavedModel, the converters' input; removed from the stage once they ran.
KERAS_SAVEDMODEL = ".keras-savedmodel"


def converter(spec: ArtifactSpec) -> Callable[[object, Path], Path]:
    """The registry's ``module:function``, looked up when called (tests may replace it)."""
    module, _, name = str(spec.converter).partition(":")
    return getattr(importlib.import_module(module), name)


def convert_all(stage: Path, source: SourceModel) -> tuple[Path, dict[str, MissingArtifact]]:
    """Every float artifact into ``stage``; Keras's SavedModel (the int8 search reads it too)
    and what could not be made."""
    from converters import ConversionError
    from converters.savedmodel import export_savedmodel

    given = source.input
    savedmodel = stage / KERAS_SAVEDMODEL
    with native_stderr_silenced():
        export_savedmodel(source.model, savedmodel, given.name,
                          (given.height, given.width, given.channels))
    inputs = {"savedmodel": savedmodel, "model": source.model}
    missing: dict[str, MissingArtifact] = {}
    for spec in float_artifacts():
        log.info("converting to %s (%s)", spec.name, spec.description)
        try:
            with native_stderr_silenced():
                converter(spec)(inputs[spec.reads], stage / spec.file)
        except ConversionError as err:
            missing[spec.name] = MissingArtifact(err.reason, err.ops)
        except (OSError, MemoryError, KeyboardInterrupt):
            raise
        except Exception as err:  # noqa: BLE001 - a converter's own failure costs one artifact
            if is_disk_full(err):
                raise
            first = (str(err).strip().splitlines() or [type(err).__name__])[0]
            missing[spec.name] = MissingArtifact(f"{type(err).__name__}: {first[:300]}")
        if spec.name in missing:
            _remove(stage / spec.file)
            m = missing[spec.name]
            log.warning("%s not made: %s%s", spec.name, m.reason,
                        f" (ops: {', '.join(m.ops)})" if m.ops else "")
    return savedmodel, missing


def _remove(path: Path) -> None:
    import shutil

    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    elif path.exists():
        path.unlink()


def check_required(required: tuple[str, ...], missing: dict[str, MissingArtifact]) -> None:
    """Fail the export when an artifact named by ``--require`` could not be made."""
    lost = [name for name in required if name in missing]
    if lost:
        raise ParityError("required artifact(s) not made: " + "; ".join(
            f"{n}: {missing[n].reason}" for n in lost))
