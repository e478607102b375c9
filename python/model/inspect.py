"""What a model takes and answers, read from the model itself: never from a guess.

The input is one float32 picture tensor ``[batch, height, width, channels]`` with a fixed
height and width and 1 or 3 channels; the output one ``[batch, k]`` tensor: one sigmoid unit
(binary) or k >= 2 softmax probabilities. Whether it ends in probabilities or logits is read
from its last layer (or, for a SavedModel, its graph's last op); where the model does not
say, ``--output`` decides. Anything else is refused in one line that says what is supported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from python.errors import ToolkitError

SUPPORTED_INPUT = ("supported: one float32 input [batch, height, width, channels] with a fixed"
                   " height and width and 1 (grey) or 3 (RGB) channels")
SUPPORTED_OUTPUT = ("supported: one output [batch, k], one sigmoid unit (binary) or k >= 2"
                    " softmax probabilities (or logits, which the export turns into them)")
ENDINGS = ("probabilities", "logits")
#: Layers that may come before a model's own scaling without changing pixel values' scale.
_PASSING = ("InputLayer", "RandomFlip", "RandomRotation", "RandomZoom", "RandomTranslation",
            "RandomContrast", "RandomBrightness", "RandomCrop", "Resizing", "CenterCrop")


@dataclass(frozen=True)
class ModelInput:
    """The picture input: its name (the model's own) and shape."""

    name: str
    height: int
    width: int
    channels: int


@dataclass(frozen=True)
class ModelOutput:
    """The output: k units, whether the model ends in probabilities or logits, and how that
    is known. Logits get a softmax (k >= 2) or sigmoid (k = 1) appended in every artifact."""

    classes: int
    ends_in: str
    how: str

    @property
    def activation(self) -> str:
        return "sigmoid" if self.classes == 1 else "softmax"

    @property
    def appended(self) -> str | None:
        return self.activation if self.ends_in == "logits" else None


@dataclass(frozen=True)
class OwnPreprocessing:
    """Scaling the model does itself at its input: the export must not do it again."""

    rescaling: str | None = None  # the layer (or op) that rescales, if any
    normalization: str | None = None


def check_input(where: str, name: str, shape: tuple, dtype: str) -> ModelInput:
    """The input, or a ToolkitError saying what is wrong with it and what is supported."""
    shape = tuple(shape)
    if len(shape) != 4:
        raise ToolkitError(f"{where}: input {name!r} has shape {_shape(shape)}; {SUPPORTED_INPUT}")
    _, h, w, c = shape
    if shape[1] in (1, 3) and c not in (1, 3, None):
        raise ToolkitError(f"{where}: input {name!r} of shape {_shape(shape)} is channels-first"
                           f" (NCHW); {SUPPORTED_INPUT}")
    if c not in (1, 3):
        raise ToolkitError(f"{where}: input {name!r} has {c} channels; {SUPPORTED_INPUT}")
    if h is None or w is None:
        raise ToolkitError(f"{where}: input {name!r} of shape {_shape(shape)} has a free height"
                           f" or width; {SUPPORTED_INPUT}")
    if dtype != "float32":
        raise ToolkitError(f"{where}: input {name!r} is {dtype}; {SUPPORTED_INPUT}")
    return ModelInput(name=_tensor_name(name), height=int(h), width=int(w), channels=int(c))


def _shape(shape: tuple) -> str:
    return "[" + ", ".join("batch" if i == 0 else "?" if d is None else str(d)
                           for i, d in enumerate(shape)) + "]"


def _tensor_name(name: str) -> str:
    """A name every format accepts (TensorFlow's op-name rule); the model's own when it is."""
    cleaned = re.sub(r"[^A-Za-z0-9_.\-]", "_", name)
    return cleaned if re.match(r"[A-Za-z0-9.]", cleaned) else f"input_{cleaned}"


def check_output(where: str, shape: tuple, said: str | None, flag: str | None) -> ModelOutput:
    """The output, reconciling what the model says (``said``: probabilities, logits or None)
    with ``--output`` (``flag``)."""
    shape = tuple(shape)
    if len(shape) != 2 or shape[1] is None or shape[1] < 1:
        raise ToolkitError(f"{where}: output of shape {_shape(shape)}; {SUPPORTED_OUTPUT}")
    k = int(shape[1])
    if said is None and flag is None:
        raise ToolkitError(f"{where}: the model does not say whether its {k} output(s) are"
                           " probabilities or logits; give --output probabilities or"
                           " --output logits")
    if said is not None and flag is not None and said != flag:
        raise ToolkitError(f"{where}: the model ends in {said}, but --output {flag} was given")
    how = "--output" if said is None else "read from the model"
    return ModelOutput(classes=k, ends_in=said or flag, how=how)


def keras_io(where: str, model: object, flag: str | None,
             ) -> tuple[ModelInput, ModelOutput, OwnPreprocessing]:
    """Input, output and own preprocessing of a Keras model."""
    if len(model.inputs) != 1:
        raise ToolkitError(f"{where}: the model has {len(model.inputs)} inputs; {SUPPORTED_INPUT}")
    if len(model.outputs) != 1:
        raise ToolkitError(f"{where}: the model has {len(model.outputs)} outputs;"
                           f" {SUPPORTED_OUTPUT}")
    tensor = model.inputs[0]
    history = getattr(tensor, "_keras_history", None)
    name = history.operation.name if history is not None else tensor.name
    given = check_input(where, name, tuple(tensor.shape), str(tensor.dtype))
    said = _keras_ending(where, model)
    output = check_output(where, tuple(model.outputs[0].shape), said, flag)
    return given, output, _keras_own_preprocessing(model)


def _last_layer(model: object) -> object:
    """The layer that makes the model's output, looking inside nested models and through
    layers that say they keep probabilities (``keeps_probabilities``: a mean of them)."""
    layer = model.outputs[0]._keras_history.operation
    while True:
        if getattr(layer, "keeps_probabilities", False):
            layer = layer._inbound_nodes[0].input_tensors[0]._keras_history.operation
        elif hasattr(layer, "outputs") and hasattr(layer, "layers") and layer is not model:
            model, layer = layer, layer.outputs[0]._keras_history.operation
        else:
            return layer


def _keras_ending(where: str, model: object) -> str | None:
    """probabilities, logits, or None where the last layer does not say."""
    layer = _last_layer(model)
    kind = type(layer).__name__
    k = int(model.outputs[0].shape[-1])
    activation = "softmax" if kind == "Softmax" else getattr(
        getattr(layer, "activation", None), "__name__", None)
    if activation == "sigmoid" and k > 1:
        raise ToolkitError(f"{where}: {k} sigmoid outputs (multi-label) are not supported;"
                           f" {SUPPORTED_OUTPUT}")
    if activation == "softmax" and k == 1:
        raise ToolkitError(f"{where}: a softmax over one unit always answers 1;"
                           f" {SUPPORTED_OUTPUT}")
    if activation in ("softmax", "sigmoid"):
        return "probabilities"
    if activation == "linear":
        return "logits"
    return None


def _keras_own_preprocessing(model: object) -> OwnPreprocessing:
    """Rescaling and Normalization layers at the model's input (augmentation may precede)."""
    rescaling = normalization = None
    for layer in _leading_layers(model):
        kind = type(layer).__name__
        if kind == "Rescaling" and rescaling is None:
            rescaling = f"layer {layer.name!r} (Rescaling)"
        elif kind == "Normalization" and normalization is None:
            normalization = f"layer {layer.name!r} (Normalization)"
        elif kind not in _PASSING:
            break
    return OwnPreprocessing(rescaling, normalization)


def _leading_layers(model: object):
    """The model's layers in order, nested models opened where they stand."""
    for layer in model.layers:
        if hasattr(layer, "layers") and hasattr(layer, "inputs"):
            yield from _leading_layers(layer)
        else:
            yield layer


#: Ops of a frozen TensorFlow graph that pass a value on unchanged.
_IDENTITIES = ("Identity", "IdentityN", "Cast", "Placeholder")


def graph_io(where: str, graph_def: object, input_key: str, input_node: str, shape: tuple,
             dtype: str, output_node: str, output_shape: tuple, flag: str | None,
             ) -> tuple[ModelInput, ModelOutput, OwnPreprocessing]:
    """Input, output and own scaling of a SavedModel, from its frozen graph: its last op
    Softmax or Sigmoid means probabilities, BiasAdd or MatMul logits; a first op that
    multiplies or divides the input by a constant is its own rescaling, a Sub its own
    normalisation."""
    given = check_input(where, input_key, shape, dtype)
    nodes = {n.name: n for n in graph_def.node}
    node = nodes.get(output_node.split(":")[0])
    while node is not None and node.op in _IDENTITIES and node.input:
        node = nodes.get(node.input[0].split(":")[0].lstrip("^"))
    op = node.op if node is not None else None
    k = output_shape[-1] if output_shape else None
    said = {"Softmax": "probabilities", "Sigmoid": "probabilities", "BiasAdd": "logits",
            "MatMul": "logits"}.get(op)
    if op == "Sigmoid" and k not in (1, None):
        raise ToolkitError(f"{where}: {k} sigmoid outputs (multi-label) are not supported;"
                           f" {SUPPORTED_OUTPUT}")
    output = check_output(where, output_shape, said, flag)
    consumers = _consumers(graph_def, input_node.split(":")[0])
    first = {n.op for n in consumers}
    own = OwnPreprocessing(
        rescaling=f"op {sorted(first)[0]} at the input" if first & {"Mul", "RealDiv"} else None,
        normalization="op Sub at the input" if "Sub" in first else None)
    return given, output, own


def _consumers(graph_def: object, name: str) -> list[object]:
    """The first real ops fed by ``name`` (passing through identities and casts)."""
    out, frontier, seen = [], [name], set()
    while frontier:
        current = frontier.pop()
        for node in graph_def.node:
            if any(i.split(":")[0] == current for i in node.input) and node.name not in seen:
                seen.add(node.name)
                (frontier if node.op in _IDENTITIES else out).append(
                    node.name if node.op in _IDENTITIES else node)
    return out
