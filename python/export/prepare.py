"""What an export exports: the model (trained here, or the user's ``--model``), its pictures
and labels, and the preprocessing that turns a picture into its input.

Training and a given model end in the same ``Prepared`` value, so everything after this
stage (conversion, the int8 search, parity, the manifest) is the same for both.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from python.data import preprocessing
from python.data.datasets import Dataset
from python.data.preprocessing import Preprocessing
from python.errors import ToolkitError
from python.export.config import ExportConfig
from python.model.source import SourceModel

log = logging.getLogger(__name__)


@dataclass
class Prepared:
    """The model to export, its pictures, labels and recipe, and its training (if any)."""

    source: SourceModel
    data: Dataset
    labels: list[str]
    preprocessing: Preprocessing
    training: object | None = None  # python.training.fit.TrainingResult
    training_config: object | None = None  # python.training.fit.TrainingConfig


def prepare(config: ExportConfig) -> Prepared:
    """Train, or load the given model; either way load the pictures through its recipe."""
    return _given(config) if config.model is not None else _trained(config)


def _trained(config: ExportConfig) -> Prepared:
    from python.data.datasets import load_training_set
    from python.model.source import from_trained
    from python.training.fit import train
    from python.training.saving import save_keras_file

    t = config.training
    pre = preprocessing.default(t.channels, t.image_size, t.image_size)
    data = load_training_set(config.data, pre, config.positive, config.skip_bad)
    _log_counts(data)
    result = train(data, t)
    log.info("trained on %s in %.1f s; kept epoch %d", result.device, result.seconds,
             result.best_epoch)
    if config.save_model is not None:
        save_keras_file(result.model, config.save_model)
    return Prepared(from_trained(result.model), data, list(data.labels), pre, result, t)


def _given(config: ExportConfig) -> Prepared:
    from python.data.datasets import load_folder
    from python.model.source import load_source

    log.info("loading the model %s", config.model)
    source = load_source(config.model, config.output)
    if config.model_name is not None:
        source.path = config.model_name
    given = source.input
    log.info("model %s: input %r %d x %d x %d, %d output(s) of %s%s", source.format, given.name,
             given.height, given.width, given.channels, source.output.classes,
             source.output.ends_in, f" ({source.output.how})")
    pre = _recipe(config, source)
    log.info("preprocessing: %s (%s)", pre.describe(), pre.source)
    data = load_folder(config.data, pre, skip_bad=config.skip_bad, given_model=True)
    _log_counts(data)
    labels = _labels(config, source, data)
    if not data.labelled:
        log.warning("%s has no class folders: no accuracy, recall or confusion matrix; its"
                    " pictures still calibrate int8 and check parity", config.data)
    return Prepared(source, data, labels, pre)


def _recipe(config: ExportConfig, source: SourceModel) -> Preprocessing:
    """The preprocessing file's recipe, or the default; never scaling twice."""
    given, own = source.input, source.own
    if config.preprocessing is None:
        return preprocessing.default(given.channels, given.height, given.width,
                                     rescale=own.rescaling is None)
    pre = preprocessing.read_config(config.preprocessing, given.channels, given.height,
                                    given.width)
    if own.rescaling and pre.do_rescale:
        raise ToolkitError(f"{config.preprocessing}: do_rescale is true, but the model rescales"
                           f" its own input ({own.rescaling}): pictures would be scaled twice;"
                           " set do_rescale to false")
    if own.normalization and pre.do_normalize:  # on purpose for some (a Normalization
        # layer adapted to pictures normalised already): the file was given, so it holds
        log.warning("%s: do_normalize is true, and the model normalises its own input too"
                    " (%s): pictures are normalised twice, as the file and the model say; if"
                    " that is not how it was trained, set do_normalize to false",
                    config.preprocessing, own.normalization)
    return pre


def _labels(config: ExportConfig, source: SourceModel, data: Dataset) -> list[str]:
    """``--labels`` (one a line, in output order), else the class folders' names, sorted as
    Keras sorts them; their count must be the model's."""
    expected = 2 if source.output.classes == 1 else source.output.classes
    if config.labels is not None:
        try:
            lines = config.labels.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as err:
            raise ToolkitError(f"{config.labels}: cannot read the labels ({err})") from None
        labels = [ln.strip() for ln in lines if ln.strip()]
        where = config.labels
        if data.labelled and len(data.labels) != len(labels):
            raise ToolkitError(f"{config.data}: {len(data.labels)} class folders, but"
                               f" {config.labels} has {len(labels)} labels")
    elif data.labelled:
        labels, where = list(data.labels), config.data
    else:
        raise ToolkitError(f"{config.data}: no class folders, so no label names; give --labels"
                           " FILE (one label a line, in the model's output order)")
    if len(labels) != expected:
        unit = "one sigmoid unit (two labels)" if source.output.classes == 1 else \
            f"{source.output.classes} outputs"
        raise ToolkitError(f"{where}: {len(labels)} labels for a model with {unit}")
    if len(set(labels)) != len(labels):
        raise ToolkitError(f"{where}: labels must differ from each other")
    return labels


def _log_counts(data: Dataset) -> None:
    c = data.counts()
    log.info("data: %d train, %d val, %d test, %d skipped; labels %s", c["train"], c["val"],
             c["test"], c["skipped"], data.labels or "none")
