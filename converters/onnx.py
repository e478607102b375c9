"""SavedModel to ONNX through tf2onnx, with the SavedModel's input name and a dynamic batch."""

from __future__ import annotations

from pathlib import Path

from converters import ConversionError

#: tf2onnx 1.17 fails on opsets 19 and newer; 17 runs on every current ONNX Runtime.
OPSET = 17
#: The output's name: the positive class's probability (one unit), or every class's.
OUTPUT_NAMES = {True: "probability", False: "probabilities"}
#: Operator domains ONNX Runtime's CPU provider implements besides the standard one.
KNOWN_DOMAINS = ("", "ai.onnx", "ai.onnx.ml", "com.microsoft")


def to_onnx(savedmodel: str | Path, out: str | Path, opset: int = OPSET) -> Path:
    """Convert ``serving_default`` of the SavedModel to ONNX, renaming its ends plainly.

    The input keeps the signature's input name (the Keras input's), so one name serves
    every format; the output is called ``probability`` for one unit, else
    ``probabilities``. A graph holding an op ONNX lacks (tf2onnx leaves such ops in as they
    were) raises ConversionError naming them.
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
    input_name, _, units = signature_names(savedmodel)
    renames[inputs[0]] = input_name
    renames[outputs[0]] = OUTPUT_NAMES[units == 1]
    out = Path(out)
    with tf.device("/cpu:0"):
        model_proto, _ = convert._convert_common(
            graph_def, name=Path(savedmodel).name, opset=opset, input_names=inputs,
            output_names=outputs, tensors_to_rename=renames, initialized_tables=tables,
        )
    missing = unknown_ops(model_proto, opset)
    if missing:
        raise ConversionError(f"ONNX opset {opset} has no op for {', '.join(missing)}", missing)
    model = shorten_names(model_proto)
    out.write_bytes(model.SerializeToString())
    return out


def unknown_ops(model: object, opset: int = OPSET) -> list[str]:
    """Op types of the graph that no ONNX Runtime can run: not in the standard opset (nor
    in a domain ONNX Runtime implements)."""
    import onnx

    found = set()
    for node in model.graph.node:
        if node.domain not in KNOWN_DOMAINS:
            found.add(f"{node.domain}.{node.op_type}")
        elif node.domain in ("", "ai.onnx"):
            try:
                if onnx.defs.get_schema(node.op_type, opset, "").deprecated:
                    found.add(node.op_type)
            except onnx.defs.SchemaError:  # no such op, or none before this opset
                found.add(node.op_type)
    return sorted(found)


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
