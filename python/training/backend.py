"""Keras's backend as training sees it: where it trains, and how a seed repeats a run, asked
of the backend itself so that JAX or PyTorch runs never import TensorFlow."""

from __future__ import annotations

import sys


def training_device() -> str:
    """Name the device Keras's backend trains on: the first GPU it sees, else the CPU.

    Asked of the backend itself (JAX's devices, PyTorch's CUDA, TensorFlow's GPUs), so that a
    run under ``KERAS_BACKEND=jax`` or ``torch`` imports no TensorFlow to say where it ran.
    """
    import keras

    backend = keras.config.backend()
    if backend == "jax":
        import jax

        device = jax.devices()[0]
        return "CPU" if device.platform == "cpu" else \
            f"{device.platform.upper()} ({device.device_kind})"
    if backend == "torch":
        import torch

        return f"GPU ({torch.cuda.get_device_name(0)})" if torch.cuda.is_available() else "CPU"
    if backend == "tensorflow":
        import tensorflow as tf

        gpus = tf.config.list_physical_devices("GPU")
        if gpus:
            details = tf.config.experimental.get_device_details(gpus[0])
            return f"GPU ({details.get('device_name', gpus[0].name)})"
    return "CPU"


def set_seed(seed: int) -> None:
    """Seed Python, NumPy and Keras's backend, so that the same seed repeats a run.

    ``keras.utils.set_random_seed`` also seeds TensorFlow whenever it is installed, which
    imports it (seconds, and a process that trained under JAX then holds TensorFlow): under
    another backend TensorFlow is kept out for that call (a None in ``sys.modules`` makes its
    import fail, and Keras then takes it as absent).
    """
    import keras

    if keras.config.backend() == "tensorflow":
        import tensorflow as tf

        keras.utils.set_random_seed(seed)
        tf.config.experimental.enable_op_determinism()  # without it, kernels may not repeat
        return
    blocked = "tensorflow" not in sys.modules
    if blocked:
        sys.modules["tensorflow"] = None  # type: ignore[assignment]
    try:
        keras.utils.set_random_seed(seed)
    finally:
        if blocked:
            del sys.modules["tensorflow"]
