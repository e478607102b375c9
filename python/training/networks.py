"""The selfie-or-not network from the seed talk, and a place for variants."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # keras imports its backend: only the functions below pay for it
    import keras

from python.model.layers import INPUT_NAME

ARCHITECTURES = ("seed", "compact", "fast")
#: What ``python -m python.export`` trains when neither --architecture nor --config is
#: given: the configuration the search found (``default_config.json`` beside this file).
DEFAULT_CONFIG = Path(__file__).with_name("default_config.json")
#: Training settings each architecture does best with on the seed data (measured:
#: see docs/export.md's results); flags given on the command line override them.
TRAINING_DEFAULTS = {
    "seed": {"epochs": 30, "learning_rate": 1e-3, "augment": "mirror", "schedule": "constant"},
    "compact": {"epochs": 30, "learning_rate": 1e-3, "augment": "random",
                "schedule": "constant"},
    "fast": {"epochs": 100, "learning_rate": 3e-3, "augment": "random", "schedule": "cosine"},
}


def build_model(size: int, learning_rate: float = 1e-3, architecture: str = "seed",
                width: int = 16, head: int = 256, dropout: float = 0.3, channels: int = 1,
                classes: int = 2) -> keras.Model:
    """A compiled model of the named architecture for size x size pictures of ``channels``
    channels and ``classes`` labels: one sigmoid unit for two, a softmax for more.

    ``width``, ``head`` and ``dropout`` shape compact and fast; the seed network is the
    talk's, exactly.
    """
    import keras

    shape = (size, size, channels)
    if architecture == "seed":
        model = seed_network(shape, classes)
    elif architecture == "compact":
        model = compact_network(shape, classes, width, dropout)
    elif architecture == "fast":
        model = fast_network(shape, classes, width, head, dropout)
    else:
        raise ValueError(f"unknown architecture {architecture!r}; known: {ARCHITECTURES}")
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate),  # replaced when trained with a schedule
        loss=loss_for(classes),
        metrics=["accuracy"],
    )
    return model


def loss_for(classes: int) -> str:
    """Binary cross-entropy on one sigmoid unit; sparse categorical on a softmax."""
    return "binary_crossentropy" if classes == 2 else "sparse_categorical_crossentropy"


def _answer(x: object, classes: int) -> object:
    """The last layer: one sigmoid unit (the positive class) for two classes, else softmax."""
    import keras

    if classes == 2:
        return keras.layers.Dense(1, activation="sigmoid", name="probability")(x)
    return keras.layers.Dense(classes, activation="softmax", name="probabilities")(x)


def seed_network(shape: tuple[int, int, int], classes: int = 2) -> keras.Model:
    """The seed's 4-layer CNN: two Conv2D blocks, Dense 256, a sigmoid probability."""
    import keras

    inputs = keras.Input(shape=shape, name=INPUT_NAME, dtype="float32")
    x = keras.layers.Conv2D(64, 2, padding="same", activation="relu")(inputs)
    x = keras.layers.MaxPooling2D(2)(x)
    x = keras.layers.Dropout(0.3)(x)
    x = keras.layers.Conv2D(32, 2, padding="same", activation="relu")(x)
    x = keras.layers.MaxPooling2D(2)(x)
    x = keras.layers.Dropout(0.3)(x)
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dense(256, activation="relu")(x)
    x = keras.layers.Dropout(0.5)(x)
    return keras.Model(inputs, _answer(x, classes), name="selfie_seed")


def compact_network(shape: tuple[int, int, int], classes: int = 2, width: int = 16,
                    dropout: float = 0.3) -> keras.Model:
    """Three double-3x3-conv blocks with batch norm and global average pooling.

    Twelve times fewer weights than the seed network (72k against 828k), and more
    accurate on the seed data (0.89 against 0.87 test accuracy, 0.86 against 0.78
    balanced): most of the seed's weights sit in its Dense 256 layer, which mostly
    memorises the training set.
    """
    import keras

    inputs = keras.Input(shape=shape, name=INPUT_NAME, dtype="float32")
    x = inputs
    for filters in (width, 2 * width, 4 * width):
        for _ in range(2):
            x = keras.layers.Conv2D(filters, 3, padding="same", use_bias=False)(x)
            x = keras.layers.BatchNormalization()(x)
            x = keras.layers.ReLU()(x)
        x = keras.layers.MaxPooling2D(2)(x)
    x = keras.layers.GlobalAveragePooling2D()(x)
    x = keras.layers.Dropout(dropout)(x)
    return keras.Model(inputs, _answer(x, classes), name="selfie_compact")


def fast_network(shape: tuple[int, int, int], classes: int = 2, width: int = 16,
                 head: int = 256, dropout: float = 0.3) -> keras.Model:
    """Three stride-2 3x3 convolutions with batch norm, global average pooling, Dense 256.

    Built for serving latency: about 1 M multiply-adds, so one picture takes about
    0.02 ms in ONNX Runtime, where the seed network, whose 3.3 MB Dense layer must
    stream through the cache on every call, takes 0.2 ms. The Dense 256 head costs
    16 k multiply-adds; its weights keep an int8 file within 30% of the float one,
    where the convolutions' few weights alone weigh less than the file's fixed parts.
    """
    import keras

    inputs = keras.Input(shape=shape, name=INPUT_NAME, dtype="float32")
    x = inputs
    for filters in (width, 2 * width, 4 * width):
        x = keras.layers.Conv2D(filters, 3, strides=2, padding="same", use_bias=False)(x)
        x = keras.layers.BatchNormalization()(x)
        x = keras.layers.ReLU()(x)
    x = keras.layers.GlobalAveragePooling2D()(x)
    x = keras.layers.Dense(head, activation="relu")(x)
    x = keras.layers.Dropout(dropout)(x)
    return keras.Model(inputs, _answer(x, classes), name="selfie_fast")


def random_augmentation(shape: tuple[int, int, int]) -> keras.Sequential:
    """Training-only distortions: mirror, shift up to 8%, zoom up to 10%."""
    import keras

    return keras.Sequential([
        keras.Input(shape=shape),
        keras.layers.RandomFlip("horizontal"),
        keras.layers.RandomTranslation(0.08, 0.08, fill_mode="nearest"),
        keras.layers.RandomZoom(0.1, fill_mode="nearest"),
    ], name="augmentation")
