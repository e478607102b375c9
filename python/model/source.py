"""The model an export starts from: a user's file (``--model``) or the model just trained.

Every source becomes one Keras model that answers probabilities in inference mode: logits
get a softmax (or sigmoid) appended, and a SavedModel is wrapped in Keras's ``TFSMLayer``.
Converters then read Keras's inference-mode SavedModel of it (``converters.savedmodel``), so
augmentation layers inside a model are switched off in every artifact.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from python.errors import ToolkitError
from python.model.inspect import (
    ModelInput,
    ModelOutput,
    OwnPreprocessing,
    graph_io,
    keras_io,
)

log = logging.getLogger(__name__)

#: How a model file is read, by what it is.
FORMATS = {".keras": "keras", ".h5": "h5", ".hdf5": "h5"}
SUPPORTED_FILES = "supported: a Keras 3 .keras file, a legacy .h5 file, or a TensorFlow" \
                  " SavedModel folder with a serving_default signature"
SIGNATURE = "serving_default"


@dataclass
class SourceModel:
    """A model ready to export: it answers probabilities [batch, k] in inference mode."""

    model: object  # keras.Model
    input: ModelInput
    output: ModelOutput
    own: OwnPreprocessing
    path: str  # where it came from ("trained by this export" for a trained one)
    format: str  # keras, h5, savedmodel, trained

    @property
    def keras_file(self) -> bool:
        """Whether the model can be written as a self-contained model.keras: a SavedModel
        wrapped in TFSMLayer cannot (the file would point back at the folder)."""
        return self.format != "savedmodel"


def from_trained(model: object) -> SourceModel:
    """The model this export trained: it ends in probabilities by construction."""
    given, output, own = keras_io("the trained model", model, "probabilities")
    return SourceModel(model, given, output, own, "trained by this export", "trained")


def load_source(path: Path, output_flag: str | None = None) -> SourceModel:
    """Load ``--model PATH``; anything unsupported is one ToolkitError naming the file."""
    path = Path(path)
    if not path.exists():
        raise ToolkitError(f"{path}: no such model file or folder")
    if path.is_dir():
        return _savedmodel(path, output_flag)
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise ToolkitError(f"{path}: not a model file this toolkit reads; {SUPPORTED_FILES}")
    model = _load_keras(path)
    given, output, own = keras_io(str(path), model, output_flag)
    return SourceModel(_probabilities(model, given, output), given, output, own, str(path), kind)


def _load_keras(path: Path) -> object:
    from python.quiet import native_stderr_silenced

    with native_stderr_silenced():
        import keras

        from python.model.layers import custom_layers

        custom_layers()  # a model this toolkit trained holds its own layers
        try:
            return keras.saving.load_model(str(path), compile=False)
        except Exception as err:  # noqa: BLE001 - Keras raises many kinds; one line for each
            first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
            raise ToolkitError(f"{path}: Keras {keras.__version__} cannot load it ({first[:300]})"
                               ) from None


def _savedmodel(path: Path, output_flag: str | None) -> SourceModel:
    """A SavedModel folder: read its serving_default signature, wrap it for Keras."""
    if not (path / "saved_model.pb").is_file():
        raise ToolkitError(f"{path}: a folder without saved_model.pb; {SUPPORTED_FILES}")
    from python.quiet import native_stderr_silenced

    with native_stderr_silenced():
        import keras
        import tensorflow as tf
        from tensorflow.python.framework.convert_to_constants import (
            convert_variables_to_constants_v2,
        )

        try:
            loaded = tf.saved_model.load(str(path))
        except Exception as err:  # noqa: BLE001 - a damaged folder may raise anything
            raise ToolkitError(f"{path}: TensorFlow cannot load this SavedModel"
                               f" ({str(err).strip().splitlines()[0][:300]})") from None
    if SIGNATURE not in loaded.signatures:
        found = ", ".join(loaded.signatures) or "none"
        raise ToolkitError(f"{path}: no {SIGNATURE} signature (has {found}); {SUPPORTED_FILES}")
    fn = loaded.signatures[SIGNATURE]
    inputs = fn.structured_input_signature[1]
    outputs = fn.structured_outputs
    if len(inputs) != 1 or len(outputs) != 1:
        raise ToolkitError(f"{path}: {SIGNATURE} has {len(inputs)} inputs and {len(outputs)}"
                           " outputs; supported: one picture input and one output")
    (key, spec), (out_key, out_spec) = next(iter(inputs.items())), next(iter(outputs.items()))
    with native_stderr_silenced():  # Grappler's "Starting new session" line
        frozen = convert_variables_to_constants_v2(fn)
    given, output, own = graph_io(
        str(path), frozen.graph.as_graph_def(), key, frozen.inputs[0].name, tuple(spec.shape),
        spec.dtype.name, frozen.outputs[0].name, tuple(out_spec.shape), output_flag)
    layer = keras.layers.TFSMLayer(str(path), call_endpoint=SIGNATURE)
    picture = keras.Input(shape=(given.height, given.width, given.channels), name=given.name)
    answer = layer(picture)
    model = keras.Model(picture, answer[out_key] if isinstance(answer, dict) else answer)
    return SourceModel(_probabilities(model, given, output), given, output, own, str(path),
                       "savedmodel")


def _probabilities(model: object, given: ModelInput, output: ModelOutput) -> object:
    """The model as is when it ends in probabilities, else with the activation appended."""
    if output.appended is None:
        return model
    import keras

    log.info("the model ends in logits (%s): a %s is appended in every artifact", output.how,
             output.appended)
    picture = keras.Input(shape=(given.height, given.width, given.channels), name=given.name)
    answer = keras.layers.Activation(output.appended, name="probabilities")(model(picture))
    return keras.Model(picture, answer, name=f"{model.name}_probabilities")
