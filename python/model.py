"""The selfie-or-not network from the seed talk, and a place for variants."""

from __future__ import annotations

import keras

INPUT_NAME = "picture"
ARCHITECTURES = ("seed",)


def build_model(size: int, learning_rate: float = 1e-3, architecture: str = "seed") -> keras.Model:
    """The seed's 4-layer CNN: two Conv2D blocks, Dense 256, a sigmoid probability."""
    if architecture != "seed":
        raise ValueError(f"unknown architecture {architecture!r}; known: {ARCHITECTURES}")
    inputs = keras.Input(shape=(size, size, 1), name=INPUT_NAME, dtype="float32")
    x = keras.layers.Conv2D(64, 2, padding="same", activation="relu")(inputs)
    x = keras.layers.MaxPooling2D(2)(x)
    x = keras.layers.Dropout(0.3)(x)
    x = keras.layers.Conv2D(32, 2, padding="same", activation="relu")(x)
    x = keras.layers.MaxPooling2D(2)(x)
    x = keras.layers.Dropout(0.3)(x)
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dense(256, activation="relu")(x)
    x = keras.layers.Dropout(0.5)(x)
    outputs = keras.layers.Dense(1, activation="sigmoid", name="probability")(x)
    model = keras.Model(inputs, outputs, name=f"selfie_{architecture}")
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss="binary_crossentropy",
        metrics=["accuracy"],
    )
    return model
