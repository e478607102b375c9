"""SavedModel to ONNX through tf2onnx, with the SavedModel's input name and a dynamic batch."""

from __future__ import annotations

from pathlib import Path

#: tf2onnx 1.17 fails on opsets 19 and newer; 17 runs on every current ONNX Runtime.
OPSET = 17
OUTPUT_NAME = "probability"


def to_onnx(savedmodel: str | Path, out: str | Path, opset: int = OPSET) -> Path:
    """Convert ``serving_default`` of the SavedModel to ONNX, renaming its ends plainly.

    The input keeps the signature's input name (the Keras input's), so one name serves
    every format; the output is called ``probability``.
    """
    import tensorflow as tf
    from tf2onnx import convert, tf_loader

    from converters.savedmodel import SIGNATURE, TAG, signature_names

    graph_def, inputs, outputs, tables, renames = tf_loader.from_saved_model(
        str(savedmodel), None, None, tag=TAG, signatures=[SIGNATURE],
        return_initialized_tables=True, return_tensors_to_rename=True,
    )
    if len(inputs) != 1 or len(outputs) != 1:
        raise ValueError(f"expected one input and one output, got {inputs} -> {outputs}")
    renames = dict(renames)
    renames[inputs[0]] = signature_names(savedmodel)[0]
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
