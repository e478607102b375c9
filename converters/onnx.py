"""SavedModel to ONNX through tf2onnx, with a named input and a dynamic batch."""

from __future__ import annotations

from pathlib import Path

import numpy as np

#: tf2onnx 1.17 fails on opsets 19 and newer; 17 runs on every current ONNX Runtime.
OPSET = 17
INPUT_NAME = "picture"
OUTPUT_NAME = "probability"


def to_onnx(savedmodel: str | Path, out: str | Path, opset: int = OPSET) -> Path:
    """Convert ``serving_default`` of the SavedModel to ONNX, renaming its ends plainly."""
    import tensorflow as tf
    from tf2onnx import convert, tf_loader

    from converters.savedmodel import SIGNATURE, TAG

    graph_def, inputs, outputs, tables, renames = tf_loader.from_saved_model(
        str(savedmodel), None, None, tag=TAG, signatures=[SIGNATURE],
        return_initialized_tables=True, return_tensors_to_rename=True,
    )
    if len(inputs) != 1 or len(outputs) != 1:
        raise ValueError(f"expected one input and one output, got {inputs} -> {outputs}")
    renames = dict(renames)
    renames[inputs[0]] = INPUT_NAME
    renames[outputs[0]] = OUTPUT_NAME
    out = Path(out)
    with tf.device("/cpu:0"):
        model_proto, _ = convert._convert_common(
            graph_def, name=Path(savedmodel).name, opset=opset, input_names=inputs,
            output_names=outputs, tensors_to_rename=renames, initialized_tables=tables,
        )
    model = shorten_names(model_proto)
    out.write_bytes(model.SerializeToString())
    return out


def shorten_names(model: object) -> object:
    """Rename tf2onnx's long internal names (``StatefulPartitionedCall/...``) to short ones.

    The graph's input and output keep their names. Names are repeated by every
    quantization node, so on a small network they can outweigh its int8 weights.
    """
    graph = model.graph
    keep = {v.name for v in graph.input} | {v.name for v in graph.output}
    renamed: dict[str, str] = {}

    def new(name: str, prefix: str) -> str:
        if not name or name in keep:
            return name
        if name not in renamed:
            renamed[name] = f"{prefix}{len(renamed)}"
        return renamed[name]

    for init in graph.initializer:
        init.name = new(init.name, "w")
    for i, node in enumerate(graph.node):
        node.name = f"{node.op_type}_{i}"
        node.input[:] = [new(n, "t") for n in node.input]
        node.output[:] = [new(n, "t") for n in node.output]
    for info in graph.value_info:
        info.name = new(info.name, "t")
    return model


def session(path: str | Path) -> object:
    """An onnxruntime CPU session for the file."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.log_severity_level = 3
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def run_onnx(path: str | Path, x: np.ndarray) -> np.ndarray:
    """Probabilities from an ONNX model in onnxruntime."""
    sess = session(path)
    name = sess.get_inputs()[0].name
    if len(x) == 0:
        return np.zeros(0, np.float32)
    return sess.run(None, {name: x.astype(np.float32)})[0].reshape(-1).astype(np.float32)
