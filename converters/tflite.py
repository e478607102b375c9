"""SavedModel to TFLite: float32, and full-integer int8 calibrated on training pictures."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from converters import ConversionError

#: Calibration pictures for int8: the TFLite docs ask for 100 to 500 samples.
CALIBRATION_SAMPLES = 300


def to_tflite(savedmodel: str | Path, out: str | Path) -> Path:
    """Convert the SavedModel to a float32 TFLite flatbuffer."""
    import tensorflow as tf

    converter = tf.lite.TFLiteConverter.from_saved_model(str(savedmodel))
    out = Path(out)
    out.write_bytes(_converted(converter))
    return shorten_tensor_names(out)


def _converted(converter: object) -> bytes:
    """The flatbuffer; an op TFLite lacks is a ConversionError naming it."""
    from tensorflow.lite.python.convert_phase import ConverterError

    try:
        return converter.convert()
    except ConverterError as err:
        text = str(err)
        ops = re.findall(r"'tf\.(\w+)' op is neither a custom op nor a flex op", text)
        for line in re.findall(r"Custom ops: ([^\n]+)", text):
            ops += [o.strip() for o in line.split(",") if o.strip()]
        first = next((ln.strip() for ln in text.splitlines() if "error:" in ln), text[:200])
        why = (f"TFLite's built-in ops lack {', '.join(sorted(set(ops)))}" if ops
               else f"the TFLite converter failed ({first[:300]})")
        raise ConversionError(why, ops) from None


def shorten_tensor_names(path: Path) -> Path:
    """Rename inner tensors ``t<i>``: the converter names them after every op it fused
    (``sequential/conv2d/...;...``), strings that on a small network weigh more than
    its weights. The model's own inputs and outputs keep their names."""
    from tensorflow.lite.tools import flatbuffer_utils

    model = flatbuffer_utils.read_model(str(path))
    for graph in model.subgraphs:
        keep = set(graph.inputs) | set(graph.outputs)
        for i, tensor in enumerate(graph.tensors):
            if i not in keep:
                tensor.name = f"t{i}".encode()
    flatbuffer_utils.write_model(model, str(path))
    return path


@dataclass(frozen=True)
class TfliteRecipe:
    """One way to make an int8 TFLite file."""

    name: str
    full_integer: bool = True  # int8 activations too (calibrated), not only int8 weights
    int8_io: bool = True  # the model's own input and output int8 (else float32, quantized inside)
    per_channel: bool = True
    #: Layers left in float (full integer only; the input and output then stay float32):
    #: the last fully connected layer, or the one the debugger ranks worst.
    float_last_dense: bool = False
    float_worst: bool = False

    @property
    def selective(self) -> bool:
        return self.float_last_dense or self.float_worst


RECIPES = (
    TfliteRecipe("full_int8_per_channel"),
    TfliteRecipe("full_int8_per_tensor", per_channel=False),
    TfliteRecipe("int8_float_io", int8_io=False),
    TfliteRecipe("dynamic_range", full_integer=False, int8_io=False),
    TfliteRecipe("dynamic_range_per_tensor", full_integer=False, int8_io=False,
                 per_channel=False),
    TfliteRecipe("int8_float_last_dense", int8_io=False, float_last_dense=True),
    TfliteRecipe("int8_float_worst", int8_io=False, float_worst=True),
)
#: Ops with weights: the layers a selective recipe may leave in float.
WEIGHTED_OPS = ("CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "TRANSPOSE_CONV")
BY_NAME = {r.name: r for r in RECIPES}


def to_tflite_int8(savedmodel: str | Path, out: str | Path, calibration: np.ndarray,
                   recipe: TfliteRecipe | str = "full_int8_per_channel",
                   float_layers: dict[str, str] | None = None) -> Path:
    """Write an int8 TFLite file by the named recipe; ``float_layers``, if given, receives
    the layers it left in float, each with why.

    Full-integer recipes calibrate activations on training pictures; ``dynamic_range``
    stores int8 weights only and computes in float (XNNPACK's dynamically quantized
    kernels where it has them). The selective ones leave layers in float through
    TensorFlow's quantization debugger, TFLite's one way to choose per layer.
    """
    import tensorflow as tf

    if isinstance(recipe, str):
        if recipe not in BY_NAME:
            raise ValueError(f"unknown TFLite int8 recipe {recipe!r}; known: {list(BY_NAME)}")
        recipe = BY_NAME[recipe]

    def representative() -> Iterator[list[np.ndarray]]:
        for picture in calibration[:CALIBRATION_SAMPLES]:
            yield [picture[np.newaxis].astype(np.float32)]

    converter = tf.lite.TFLiteConverter.from_saved_model(str(savedmodel))
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    out = Path(out)
    if recipe.selective:
        converter.representative_dataset = representative
        kept = _selective(converter, representative, recipe, out)
        if float_layers is not None:
            float_layers.update(kept)
        return shorten_tensor_names(out)
    if recipe.full_integer:
        converter.representative_dataset = representative
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    if recipe.int8_io:
        converter.inference_input_type = tf.int8
        converter.inference_output_type = tf.int8
    converter._experimental_disable_per_channel = not recipe.per_channel  # no public switch
    out.write_bytes(_converted(converter))
    return shorten_tensor_names(out)


def _selective(converter: object, representative: Callable, recipe: TfliteRecipe,
               out: Path) -> dict[str, str]:
    """Full integer with one layer left in float, through the quantization debugger: it
    quantizes the whole model once, runs the calibration pictures through it, and names each
    op's output tensor with its error (RMSE over the quantization step: how many steps off the
    float answer). The layer left in float, with why."""
    import tensorflow as tf

    debugger = tf.lite.experimental.QuantizationDebugger(converter=converter,
                                                         debug_dataset=representative)
    debugger.run()
    buffer = io.StringIO()
    debugger.layer_statistics_dump(buffer)
    weighted = [r for r in csv.DictReader(io.StringIO(buffer.getvalue()))
                if r["op_name"] in WEIGHTED_OPS]
    if not weighted:
        raise ConversionError("no layer with weights to leave in float", [])
    if recipe.float_worst:
        chosen = max(weighted, key=lambda r: float(r["mean_squared_error"]) ** 0.5
                     / max(float(r["scale"]), 1e-30))
        why = ("the layer whose output the quantization debugger finds furthest from float on"
               " the calibration pictures (root mean square error over its quantization step)")
    else:
        dense = [r for r in weighted if r["op_name"] == "FULLY_CONNECTED"]
        chosen = (dense or weighted)[-1]
        why = "the last fully connected layer (the last weighted one where there is none)"
    options = tf.lite.experimental.QuantizationDebugOptions(
        denylisted_nodes=[chosen["tensor_name"]])
    selective = tf.lite.experimental.QuantizationDebugger(
        converter=converter, debug_dataset=representative, debug_options=options)
    out.write_bytes(selective.get_nondebug_quantized_model())
    return {_layer_name(chosen["op_name"], chosen["tensor_name"]): why}


def _layer_name(op: str, tensor: str) -> str:
    """``FULLY_CONNECTED probability_1``: the op and the Keras layer the converter named its
    output after (the first fused name's last path part before the op's own)."""
    parts = tensor.split(";")[0].split("/")
    return f"{op} {parts[-2] if len(parts) > 1 else parts[0]}"
