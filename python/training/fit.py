"""Training: class-balanced, best epoch by validation loss, repeatable with a seed."""

from __future__ import annotations

import json
import logging
import time
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path

import numpy as np

from python.data.datasets import Dataset
from python.data.pictures import DEFAULT_IMAGE_SIZE
from python.data.preprocessing import COLORS
from python.training.networks import ARCHITECTURES, TRAINING_DEFAULTS

log = logging.getLogger(__name__)
AUGMENTATIONS = ("none", "mirror", "random")
SCHEDULES = ("constant", "cosine")
CLASS_WEIGHTS = ("balanced", "none")


@dataclass(frozen=True)
class TrainingConfig:
    """How to train: every setting a run depends on, so the same config repeats a run."""

    architecture: str = "seed"
    epochs: int = 30
    batch_size: int = 32
    learning_rate: float = 1e-3
    schedule: str = "constant"
    augment: str = "mirror"
    seed: int = 0
    image_size: int = DEFAULT_IMAGE_SIZE
    width: int = 16  # compact and fast: filters of the first convolution
    head: int = 256  # fast: units of the Dense layer before the probability
    dropout: float = 0.3  # compact and fast (the seed network keeps the talk's)
    class_weight: str = "balanced"  # "balanced": both classes count equally; "none"
    #: The exported model averages its probability for the picture and for its mirror image
    #: (in the graph, so every runtime and language does it): a mirrored selfie is a selfie.
    mirror_average: bool = False
    color: str = "grey"  # the pictures the model takes: grey (one channel) or rgb

    @property
    def channels(self) -> int:
        return {v: k for k, v in COLORS.items()}[self.color]

    def __post_init__(self) -> None:
        for name, allowed in (("architecture", ARCHITECTURES), ("augment", AUGMENTATIONS),
                              ("schedule", SCHEDULES), ("class_weight", CLASS_WEIGHTS),
                              ("color", tuple(COLORS.values()))):
            if getattr(self, name) not in allowed:
                raise ValueError(f"{name} must be one of {', '.join(allowed)},"
                                 f" not {getattr(self, name)!r}")
        if not 0.0 <= self.dropout < 1.0:
            raise ValueError("dropout must be in [0, 1)")
        for name in ("epochs", "batch_size", "image_size", "width", "head"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")
        if self.learning_rate <= 0:
            raise ValueError("learning_rate must be positive")

    @classmethod
    def for_architecture(cls, architecture: str, **given: object) -> TrainingConfig:
        """The architecture's measured defaults, with the settings given (not None) on top."""
        chosen = {k: v for k, v in given.items() if v is not None}
        return cls(architecture=architecture,
                   **{**TRAINING_DEFAULTS.get(architecture, {}), **chosen})

    def to_json(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_file(cls, path: Path) -> TrainingConfig:
        """A configuration file (``best.json`` of a search): its settings, nothing else."""
        from python.errors import ToolkitError

        try:
            raw = json.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ToolkitError(f"{path}: no such configuration file") from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
            raise ToolkitError(f"{path}: not a JSON configuration ({err})") from None
        settings = raw.get("training", raw) if isinstance(raw, dict) else None
        if isinstance(raw, dict) and "training" in raw:
            settings = raw["training"]
        known = {f.name for f in fields(cls)}
        if not isinstance(settings, dict) or not set(settings) <= known:
            extra = sorted(set(settings or {}) - known) if isinstance(settings, dict) else []
            raise ToolkitError(f"{path}: not a training configuration"
                               + (f" (unknown settings: {', '.join(extra)})" if extra else ""))
        try:
            return cls(**settings)
        except (TypeError, ValueError) as err:
            raise ToolkitError(f"{path}: {err}") from None

    def updated(self, **given: object) -> TrainingConfig:
        known = {f.name for f in fields(self)}
        return replace(self, **{k: v for k, v in given.items() if k in known and v is not None})


@dataclass
class TrainingResult:
    """The trained Keras model and how it got there."""

    model: object
    history: dict[str, list[float]]
    best_epoch: int
    seconds: float
    device: str
    class_weight: dict[int, float]
    backend: str = "tensorflow"  # Keras's backend that trained it
    epoch_seconds: list[float] = field(default_factory=list)  # the first compiles the steps


def balanced_class_weight(y: np.ndarray, classes: int = 2) -> dict[int, float]:
    """Weights that make every class count equally: n / (classes * n_class)."""
    counts = np.bincount(y.astype(np.int64), minlength=classes)
    return {c: float(len(y) / (classes * counts[c])) if counts[c] else 0.0
            for c in range(classes)}


def augment(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Add left-right mirror images: a mirrored selfie is still a selfie."""
    return np.concatenate([x, x[:, :, ::-1, :]]), np.concatenate([y, y])


def train(data: Dataset, config: TrainingConfig,
          callbacks: tuple[object, ...] = ()) -> TrainingResult:
    """Train and keep the weights of the epoch with the lowest validation loss.

    ``mirror`` adds mirrored copies of the training pictures once; ``random``
    mirrors, shifts and zooms the training pictures anew every epoch, outside the model, so
    the model (and what is exported) holds no augmentation ops. Only Keras's own API and
    NumPy arrays: the same code trains under ``KERAS_BACKEND`` tensorflow, jax or torch.
    """
    from python.quiet import native_stderr_silenced

    with native_stderr_silenced():  # the CUDA plugins' registration lines on a CPU machine
        import keras

    from python.training.backend import set_seed, training_device
    from python.training.networks import build_model, loss_for, random_augmentation

    epochs, batch_size, seed = config.epochs, config.batch_size, config.seed
    learning_rate, augmentation = config.learning_rate, config.augment
    set_seed(seed)
    device = training_device()
    size, channels, classes = int(data.train.x.shape[1]), int(data.train.x.shape[3]), \
        len(data.labels)
    model = build_model(size, learning_rate, config.architecture, config.width, config.head,
                        config.dropout, channels, classes)
    x, y = data.train.x, data.train.y
    if augmentation == "mirror":
        x, y = augment(x, y)
    if config.schedule == "cosine":
        steps = epochs * int(np.ceil(len(x) / batch_size))
        rate = keras.optimizers.schedules.CosineDecay(learning_rate, steps)
        model.compile(optimizer=keras.optimizers.Adam(rate),
                      loss=loss_for(classes), metrics=["accuracy"])
    targets = y.astype(np.float32) if classes == 2 else y.astype(np.int64)
    inputs: dict[str, object] = {"x": x, "y": targets, "batch_size": batch_size,
                                 "shuffle": True}
    if augmentation == "random":
        distort = random_augmentation((size, size, channels))
        inputs = {"x": _distorted_epochs(x, targets, batch_size, distort, seed),
                  "shuffle": False}  # it shuffles each epoch itself
    weights = balanced_class_weight(y, classes) if config.class_weight == "balanced" \
        else dict.fromkeys(range(classes), 1.0)
    best, progress = _BestEpoch(model), _Progress(epochs)
    log.info("training under %s on %s: %d pictures, %d epochs, batch %d",
             keras.config.backend(), device, len(x), epochs, batch_size)
    start = time.perf_counter()
    fit = model.fit(
        **inputs, epochs=epochs,
        validation_data=(data.val.x, data.val.y.astype(targets.dtype)),
        class_weight=weights, callbacks=[best, progress, *callbacks],
        verbose=0,
    )
    seconds = time.perf_counter() - start
    model.set_weights(best.weights)
    if config.mirror_average:
        from python.model.layers import mirror_averaged

        model = mirror_averaged(model)
    history = {k: [float(v) for v in vals] for k, vals in fit.history.items()}
    return TrainingResult(model, history, best.epoch, seconds, device, weights,
                          keras.config.backend(), progress.seconds)


def _distorted_epochs(x: np.ndarray, y: np.ndarray, batch_size: int, distort: object,
                      seed: int) -> object:
    """A ``keras.utils.PyDataset`` of NumPy batches: every epoch the pictures in a new order,
    each mirrored, shifted and zoomed anew by ``distort``, in one call for the whole epoch
    (the layers draw for each picture)."""
    import keras

    class DistortedEpochs(keras.utils.PyDataset):
        def __init__(self) -> None:
            super().__init__()
            self.order = np.random.default_rng(seed)
            self.on_epoch_end()

        def __len__(self) -> int:
            return int(np.ceil(len(x) / batch_size))

        def __getitem__(self, index: int) -> tuple[np.ndarray, np.ndarray]:
            chosen = slice(index * batch_size, (index + 1) * batch_size)
            return self.x[chosen], self.y[chosen]

        def on_epoch_end(self) -> None:
            shuffled = self.order.permutation(len(x))
            self.x = keras.ops.convert_to_numpy(distort(x[shuffled], training=True))
            self.y = y[shuffled]

    return DistortedEpochs()


class _Progress:
    """Keras callback: one log line per epoch (Keras's own bar writes to stdout), and each
    epoch's seconds in ``seconds``."""

    def __new__(cls, epochs: int):
        import keras

        class Progress(keras.callbacks.Callback):
            seconds: list[float]

            def on_train_begin(self, logs: dict | None = None) -> None:
                self.seconds = []

            def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
                self.started = time.perf_counter()

            def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
                logs = logs or {}
                shown = ", ".join(f"{k} {float(logs[k]):.4f}" for k in
                                  ("loss", "accuracy", "val_loss", "val_accuracy") if k in logs)
                self.seconds.append(time.perf_counter() - self.started)
                log.info("epoch %d/%d: %s (%.1f s)", epoch + 1, epochs, shown,
                         self.seconds[-1])

        return Progress()


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
