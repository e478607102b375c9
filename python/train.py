"""Training: class-balanced, best epoch by validation loss, repeatable with a seed."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass

import numpy as np

from python.dataset import Dataset


@dataclass
class TrainingResult:
    """The trained Keras model and how it got there."""

    model: object
    history: dict[str, list[float]]
    best_epoch: int
    seconds: float
    device: str
    class_weight: dict[int, float]


def training_device() -> str:
    """Name the device TensorFlow trains on: the first GPU it sees, else the CPU."""
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    if gpus:
        details = tf.config.experimental.get_device_details(gpus[0])
        return f"GPU ({details.get('device_name', gpus[0].name)})"
    return "CPU"


def balanced_class_weight(y: np.ndarray) -> dict[int, float]:
    """Weights that make both classes count equally: n / (2 * n_class)."""
    counts = np.bincount(y.astype(np.int64), minlength=2)
    return {c: float(len(y) / (2.0 * counts[c])) for c in range(2)}


def augment(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Add left-right mirror images: a mirrored selfie is still a selfie."""
    return np.concatenate([x, x[:, :, ::-1, :]]), np.concatenate([y, y])


AUGMENTATIONS = ("none", "mirror", "random")
SCHEDULES = ("constant", "cosine")


def train(
    data: Dataset, epochs: int, batch_size: int, learning_rate: float, seed: int,
    architecture: str = "seed", augmentation: str = "mirror", quiet: bool = False,
    schedule: str = "constant",
) -> TrainingResult:
    """Train and keep the weights of the epoch with the lowest validation loss.

    ``mirror`` adds mirrored copies of the training pictures once; ``random``
    mirrors, shifts and zooms each batch anew in the input pipeline, so the model
    (and what is exported) holds no augmentation ops, and training runs about a
    quarter faster than with the augmentation layers inside a wrapping model.
    """
    from python.quiet import native_stderr_silenced

    with native_stderr_silenced():  # the CUDA plugins' registration lines on a CPU machine
        import keras
        import tensorflow as tf

    from python.model import build_model, random_augmentation

    if augmentation not in AUGMENTATIONS:
        raise ValueError(f"unknown augmentation {augmentation!r}; known: {AUGMENTATIONS}")
    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()
    device = training_device()
    size = int(data.train.x.shape[1])
    model = build_model(size, learning_rate, architecture)
    x, y = data.train.x, data.train.y
    if augmentation == "mirror":
        x, y = augment(x, y)
    if schedule == "cosine":
        steps = epochs * int(np.ceil(len(x) / batch_size))
        rate = keras.optimizers.schedules.CosineDecay(learning_rate, steps)
        model.compile(optimizer=keras.optimizers.Adam(rate),
                      loss="binary_crossentropy", metrics=["accuracy"])
    inputs: dict[str, object] = {"x": x, "y": y.astype(np.float32), "batch_size": batch_size,
                                 "shuffle": True}
    if augmentation == "random":
        distort = random_augmentation(size)
        pipeline = (tf.data.Dataset.from_tensor_slices((x, y.astype(np.float32)))
                    .shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
                    .batch(batch_size)
                    .map(lambda a, b: (distort(a, training=True), b))
                    .prefetch(2))
        inputs = {"x": pipeline, "shuffle": False}  # the pipeline shuffles
    weights = balanced_class_weight(y)
    best = _BestEpoch(model)
    verbose = 0 if quiet else (1 if sys.stdout.isatty() else 2)
    if not quiet:
        print(f"training on {device}: {len(x)} pictures, {epochs} epochs, batch {batch_size}")
    start = time.perf_counter()
    fit = model.fit(
        **inputs, epochs=epochs, validation_data=(data.val.x, data.val.y.astype(np.float32)),
        class_weight=weights, callbacks=[best], verbose=verbose,
    )
    seconds = time.perf_counter() - start
    model.set_weights(best.weights)
    history = {k: [float(v) for v in vals] for k, vals in fit.history.items()}
    return TrainingResult(model, history, best.epoch, seconds, device, weights)


class _BestEpoch:
    """Keras callback remembering the weights of the lowest validation loss."""

    def __new__(cls, target: object):  # built lazily: importing this module needs no keras
        import keras

        class BestEpoch(keras.callbacks.Callback):
            def __init__(self) -> None:
                super().__init__()
                self.loss, self.epoch, self.weights = float("inf"), 0, None

            def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
                loss = float((logs or {}).get("val_loss", float("inf")))
                if loss < self.loss or self.weights is None:
                    self.loss, self.epoch = loss, epoch + 1
                    self.weights = target.get_weights()

        return BestEpoch()
