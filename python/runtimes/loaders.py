"""One loader per Python runtime: an artifact file in, pictures to probabilities out.

Every loader returns a ``Predictor``: it takes a float32 batch ``[n, H, W, C]`` of model
inputs and returns the model's probabilities as float32 ``[n, k]`` (k = 1: the positive
class's; k >= 2: each label's), int8 artifacts included (their input is quantized and
their output turned back into probabilities here). Export verification, parity,
predict, reference and the benchmark all load through this module; ``threads`` is the
benchmark's setting (intra-op threads), None keeps each runtime's default.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from python.artifacts.registry import ArtifactSpec

Predictor = Callable[[np.ndarray], np.ndarray]

#: Pictures per call for the TensorFlow runtimes: bounds their memory on a large split.
BATCH = 256


def keras_probabilities(model: object, x: np.ndarray) -> np.ndarray:
    """Keras probabilities by calling the model on batches.

    Not ``model.predict``: it retraces per batch shape, and hands each batch's outputs
    to its callbacks as logs, where Keras's ``pythonify_logs`` calls ``float()`` on the
    array: a NumPy DeprecationWarning for every one-picture batch.
    """
    import keras

    # convert_to_numpy: a backend's tensor, a PyTorch GPU one too, to NumPy
    return _batched(lambda part: keras.ops.convert_to_numpy(model(part, training=False)), x)


def _batched(call: Callable[[np.ndarray], np.ndarray], x: np.ndarray) -> np.ndarray:
    parts = [_rows(call(x[i:i + BATCH]), min(BATCH, len(x) - i))
             for i in range(0, len(x), BATCH)]
    return np.concatenate(parts) if parts else np.zeros((0, 1), np.float32)


def _rows(y: object, n: int) -> np.ndarray:
    """A runtime's answer for n pictures as float32 [n, k]."""
    return np.asarray(y, dtype=np.float32).reshape(n, -1)


def _import_tensorflow() -> object:
    """TensorFlow, its CUDA plugins' registration lines (printed at import) kept off stderr."""
    from python.quiet import native_stderr_silenced

    with native_stderr_silenced():
        import tensorflow as tf
    return tf


def _tf_threads(threads: int | None) -> None:
    tf = _import_tensorflow()
    if threads is None:
        return

    tf.config.threading.set_intra_op_parallelism_threads(threads)
    tf.config.threading.set_inter_op_parallelism_threads(1)


def _keras(path: Path, threads: int | None) -> Predictor:
    from python.quiet import native_stderr_silenced

    _tf_threads(threads)
    import keras

    from python.model.layers import custom_layers

    custom_layers()  # registered before loading: a model may hold them
    with native_stderr_silenced():  # TensorFlow's device set-up (cuInit) speaks here
        model = keras.saving.load_model(str(path), compile=False)
    return lambda x: keras_probabilities(model, x)


def _tensorflow(path: Path, threads: int | None) -> Predictor:
    _tf_threads(threads)
    tf = _import_tensorflow()

    from converters.savedmodel import SIGNATURE
    from python.quiet import native_stderr_silenced

    with native_stderr_silenced():  # TensorFlow's device set-up (cuInit) speaks here
        fn = tf.saved_model.load(str(path)).signatures[SIGNATURE]
    (name,) = fn.structured_input_signature[1].keys()
    (out,) = fn.structured_outputs.keys()
    return lambda x: _batched(lambda part: fn(**{name: tf.constant(part)})[out].numpy(), x)


def _litert(path: Path, threads: int | None) -> Predictor:
    """One interpreter per batch size, so a repeated size costs no resize."""
    from ai_edge_litert.interpreter import Interpreter

    from python.quiet import native_stderr_silenced

    interpreters: dict[int, object] = {}

    def interpreter(shape: tuple[int, ...]) -> object:
        if shape[0] not in interpreters:
            # its "Created TensorFlow Lite XNNPACK delegate" INFO line stays off stderr
            with native_stderr_silenced():
                it = Interpreter(model_path=str(path), num_threads=threads)
                it.resize_tensor_input(it.get_input_details()[0]["index"], list(shape))
                it.allocate_tensors()
            interpreters[shape[0]] = it
        return interpreters[shape[0]]

    def predict(x: np.ndarray) -> np.ndarray:
        if len(x) == 0:
            return np.zeros((0, 1), np.float32)
        it = interpreter(x.shape)
        inp, outp = it.get_input_details()[0], it.get_output_details()[0]
        feed = x.astype(np.float32)
        if inp["dtype"] != np.float32:  # full-integer int8: quantize as the model asks
            scale, zero = inp["quantization"]
            info = np.iinfo(inp["dtype"])
            feed = np.clip(np.round(feed / scale + zero), info.min, info.max).astype(inp["dtype"])
        it.set_tensor(inp["index"], feed)
        with native_stderr_silenced():
            it.invoke()
        y = it.get_tensor(outp["index"])
        if outp["dtype"] != np.float32:  # and turn the int8 output back into probabilities
            scale, zero = outp["quantization"]
            y = (y.astype(np.float32) - zero) * scale
        return _rows(y, len(x))

    return predict


def onnx_session(path: Path, threads: int | None = None) -> object:
    """An onnxruntime CPU session for the file, quiet below errors."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.log_severity_level = 3
    if threads is not None:
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def _onnxruntime(path: Path, threads: int | None) -> Predictor:
    session = onnx_session(path, threads)
    name = session.get_inputs()[0].name

    def predict(x: np.ndarray) -> np.ndarray:
        if len(x) == 0:
            return np.zeros((0, 1), np.float32)
        return _rows(session.run(None, {name: x.astype(np.float32)})[0], len(x))

    return predict


#: Python runtime (the registry's ``python_runtime``) -> loader.
LOADERS: dict[str, Callable[[Path, int | None], Predictor]] = {
    "keras": _keras,
    "tensorflow": _tensorflow,
    "litert": _litert,
    "onnxruntime": _onnxruntime,
}


def load(runtime: str, path: str | Path, threads: int | None = None) -> Predictor:
    """Load an artifact file into the named Python runtime."""
    if runtime not in LOADERS:
        raise ValueError(f"no Python runtime {runtime!r}; known: {', '.join(LOADERS)}")
    return LOADERS[runtime](Path(path), threads)


def load_artifact(artifact: ArtifactSpec, path: str | Path,
                  threads: int | None = None) -> Predictor:
    """Load an artifact into the Python runtime the registry names for it."""
    return load(artifact.python_runtime, path, threads)


def predict_file(artifact: ArtifactSpec, path: str | Path, x: np.ndarray) -> np.ndarray:
    """Load and run once: probabilities of one batch."""
    return load_artifact(artifact, path)(x)
