"""One Python runtime's timings, in a process of its own so its peak memory is its own.

``python -m python.bench_worker --runtime R --path P --size S --iterations N`` prints
one JSON object: load_ms, latency_ms_p50, latency_ms_p99 (one picture, after
warm-up), throughput_per_s (batch of 64). Every runtime gets the same number of
intra-op threads (one by default), as the Java benchmark does, so the figures
compare runtimes, not thread counts.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

BATCH = 64


def _tf_threads(threads: int) -> None:
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(threads)
    tf.config.threading.set_inter_op_parallelism_threads(1)


def load(runtime: str, path: str, threads: int = 1) -> Callable[[np.ndarray], np.ndarray]:
    """Load the artifact; return a function from a batch to probabilities."""
    if runtime == "keras":
        _tf_threads(threads)
        import keras

        model = keras.saving.load_model(path, compile=False)
        return lambda x: np.asarray(model(x, training=False))
    if runtime == "tensorflow":
        _tf_threads(threads)
        import tensorflow as tf

        fn = tf.saved_model.load(path).signatures["serving_default"]
        (name,) = fn.structured_input_signature[1].keys()
        (out,) = fn.structured_outputs.keys()
        return lambda x: fn(**{name: tf.constant(x)})[out].numpy()
    if runtime == "onnxruntime":
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        sess = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
        name = sess.get_inputs()[0].name
        return lambda x: sess.run(None, {name: x})[0]
    if runtime == "litert":
        return _litert(path, threads)
    raise ValueError(f"unknown runtime {runtime!r}")


def _litert(path: str, threads: int) -> Callable[[np.ndarray], np.ndarray]:
    from ai_edge_litert.interpreter import Interpreter

    interpreters: dict[int, object] = {}

    def run(x: np.ndarray) -> np.ndarray:
        n = len(x)
        if n not in interpreters:  # one interpreter per batch size: no resize per call
            it = Interpreter(model_path=path, num_threads=threads)
            it.resize_tensor_input(it.get_input_details()[0]["index"], list(x.shape))
            it.allocate_tensors()
            interpreters[n] = it
        it = interpreters[n]
        inp, out = it.get_input_details()[0], it.get_output_details()[0]
        if inp["dtype"] != np.float32:
            scale, zero = inp["quantization"]
            x = np.clip(np.round(x / scale + zero), -128, 127).astype(inp["dtype"])
        it.set_tensor(inp["index"], x)
        it.invoke()
        return it.get_tensor(out["index"])

    return run


def measure(run: Callable[[np.ndarray], np.ndarray], size: int, iterations: int) -> dict:
    rng = np.random.default_rng(0)
    one = rng.uniform(0, 1, (1, size, size, 1)).astype(np.float32)
    batch = rng.uniform(0, 1, (BATCH, size, size, 1)).astype(np.float32)
    for _ in range(max(10, iterations // 10)):
        run(one)
    times = []
    for _ in range(iterations):
        t = time.perf_counter()
        run(one)
        times.append(time.perf_counter() - t)
    run(batch)
    rounds = max(3, iterations // 20)
    t = time.perf_counter()
    for _ in range(rounds):
        run(batch)
    per_batch = (time.perf_counter() - t) / rounds
    ms = np.asarray(times) * 1e3
    return {"latency_ms_p50": float(np.percentile(ms, 50)),
            "latency_ms_p99": float(np.percentile(ms, 99)),
            "throughput_per_s": BATCH / per_batch}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m python.bench_worker")
    p.add_argument("--runtime", required=True,
                   choices=["keras", "tensorflow", "litert", "onnxruntime", "pillow"])
    p.add_argument("--path", required=True, help="artifact, or for pillow a picture folder")
    p.add_argument("--size", type=int, default=40)
    p.add_argument("--iterations", type=int, default=2000)
    p.add_argument("--threads", type=int, default=1, help="intra-op threads (default 1)")
    args = p.parse_args(argv)
    if args.runtime == "pillow":
        print(json.dumps(preprocessing(args.path, args.size, args.iterations)))
        return 0
    start = time.perf_counter()
    run = load(args.runtime, args.path, args.threads)
    run(np.zeros((1, args.size, args.size, 1), np.float32))  # the first call finishes loading
    load_ms = (time.perf_counter() - start) * 1e3
    print(json.dumps({"load_ms": load_ms, **measure(run, args.size, args.iterations)}))
    return 0


def preprocessing(folder: str, size: int, limit: int) -> dict:
    """Pillow decode plus python.data preprocessing, milliseconds per picture."""
    from pathlib import Path

    from python.data import load_image

    files = sorted(p for p in Path(folder).rglob("*") if p.is_file())[: max(limit, 50)]
    for f in files[:20]:
        load_image(f, size)
    t = time.perf_counter()
    for f in files:
        load_image(f, size)
    return {"preprocess_ms_per_picture": (time.perf_counter() - t) * 1e3 / len(files),
            "pictures": len(files)}


if __name__ == "__main__":
    sys.exit(main())
