"""Users' own Keras classifiers, built from real architectures and trained here briefly:
the models ``python -m python.export --model`` is tested with (nothing is downloaded).

``python -m tests.usermodels OUT [--only NAME ...]`` writes, for each model, OUT/NAME/ with
the model file (``.keras``, ``.h5`` or a SavedModel folder), its picture folder ``data/``
(made by ``tests.userpictures``), its ``preprocessor_config.json`` when it has one, and
``export.json``: the flags its export takes. Each model is trained on inputs prepared by the
toolkit's own recipe for it, until it answers differently for different pictures:
keras.applications' batch norms move their statistics slowly (momentum 0.999), so after a
short training a model can answer one class for every picture and every comparison would
agree trivially; their momentum is lowered to 0.9 for these short trainings.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.recipeinputs import HF_CONFIGS

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

#: HF-style ImageNet statistics, on [0, 1] pixels and on 0..255 ones.
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


@dataclass(frozen=True)
class UserModel:
    """One test model: how to build it, its pictures, its file, its preprocessing file."""

    name: str
    build: Callable[[], object]
    classes: int
    grey: bool = False
    file: str = "model.keras"  # .keras, .h5, or a folder name: a SavedModel
    preprocessing: dict | None = None  # a preprocessor_config.json, or None: the default
    epochs: int = 6
    learning_rate: float = 2e-3
    logits: bool = False  # ends in logits (the export appends a softmax)
    extra_flags: tuple[str, ...] = ()
    #: Made by the test suite; the others only on demand (``--only``): they take minutes.
    tested: bool = True
    per_class: int = 48
    #: The pictures' sizes (height, width), taken in turn; None: tests.userpictures' own.
    sizes: tuple[tuple[int, int], ...] | None = None


def mobilenet_v3_small() -> object:
    """keras.applications' MobileNetV3Small: its own Rescaling inside, wants 0..255."""
    import keras

    return keras.applications.MobileNetV3Small(input_shape=(32, 32, 3), weights=None,
                                               classes=4, include_preprocessing=True)


def efficientnet_b0() -> object:
    """keras.applications' EfficientNetB0: Rescaling and Normalization inside, wants 0..255."""
    import keras

    return keras.applications.EfficientNetB0(input_shape=(32, 32, 3), weights=None, classes=3)


def normalized_logits() -> object:
    """A functional model with a Normalization layer holding HF-style mean and std (pixels in
    [0, 1]), ending in logits: the export appends a softmax."""
    import keras

    picture = keras.Input((40, 40, 3), name="image")
    x = keras.layers.Normalization(mean=list(IMAGENET_MEAN),
                                   variance=[s * s for s in IMAGENET_STD])(picture)
    for filters in (16, 32, 48):
        x = keras.layers.Conv2D(filters, 3, strides=2, padding="same", activation="relu")(x)
    x = keras.layers.GlobalAveragePooling2D()(x)
    return keras.Model(picture, keras.layers.Dense(4, name="logits")(x), name="normalized")


def grey_sigmoid() -> object:
    """A small non-square grey model with one sigmoid unit."""
    import keras

    return keras.Sequential([
        keras.Input((24, 32, 1), name="grey_picture"),
        keras.layers.Conv2D(8, 3, strides=2, padding="same", activation="relu"),
        keras.layers.Conv2D(16, 3, strides=2, padding="same", activation="relu"),
        keras.layers.GlobalAveragePooling2D(),
        keras.layers.Dense(1, activation="sigmoid"),
    ], name="grey_sigmoid")


def mobilenet_v2_96() -> object:
    """keras.applications' MobileNetV2 at 96 x 96: a MobileNet-class model with enough work per
    picture for int8 to pay for its quantize steps (the int8 measurement, not the tests)."""
    import keras

    return keras.applications.MobileNetV2(input_shape=(96, 96, 3), weights=None, classes=4)


def mobilenet_v2_224() -> object:
    """The model most users bring: keras.applications' MobileNetV2 (alpha 0.35, 1.6 MB) at
    ImageNet's 224 x 224, a softmax over 3 classes, with an ImageNet preprocessor_config."""
    import keras

    return keras.applications.MobileNetV2(input_shape=(224, 224, 3), alpha=0.35, weights=None,
                                          classes=3)


def augmented() -> object:
    """Shaped as Keras's image classification tutorial builds it: augmentation layers, then
    Rescaling, convolutions, logits."""
    import keras

    return keras.Sequential([
        keras.Input((40, 40, 3)),
        keras.layers.RandomFlip("horizontal"),
        keras.layers.RandomRotation(0.1),
        keras.layers.RandomZoom(0.1),
        keras.layers.Rescaling(1.0 / 255),
        keras.layers.Conv2D(16, 3, padding="same", activation="relu"),
        keras.layers.MaxPooling2D(),
        keras.layers.Conv2D(32, 3, padding="same", activation="relu"),
        keras.layers.MaxPooling2D(),
        keras.layers.Flatten(),
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(4),
    ], name="tutorial")


MODELS = {m.name: m for m in (
    UserModel("mobilenet_v3_small", mobilenet_v3_small, classes=4, epochs=6,
              preprocessing={"do_resize": True, "size": {"shortest_edge": 36}, "resample": 3,
                             "do_center_crop": True, "crop_size": {"height": 32, "width": 32},
                             "do_rescale": False, "do_normalize": False}),
    UserModel("efficientnet_b0", efficientnet_b0, classes=3, epochs=6),
    UserModel("normalized_logits", normalized_logits, classes=4, file="savedmodel",
              logits=True, epochs=10,
              preprocessing={"do_resize": True, "size": {"height": 40, "width": 40},
                             "resample": 2, "do_rescale": True, "rescale_factor": 1 / 255,
                             "do_normalize": False}),
    UserModel("grey_sigmoid", grey_sigmoid, classes=2, grey=True, file="model.h5", epochs=40,
              learning_rate=5e-3),
    UserModel("augmented", augmented, classes=4, logits=True, epochs=10,
              preprocessing={"size": {"height": 40, "width": 40}, "do_rescale": False,
                             "do_normalize": True,
                             "image_mean": [255 * m for m in IMAGENET_MEAN],
                             "image_std": [255 * s for s in IMAGENET_STD]}),
    UserModel("mobilenet_v2_96", mobilenet_v2_96, classes=4, epochs=8, tested=False,
              per_class=64,
              preprocessing={"do_resize": True, "size": {"shortest_edge": 110}, "resample": 3,
                             "do_center_crop": True, "crop_size": {"height": 96, "width": 96},
                             "do_rescale": True, "rescale_factor": 1 / 255,
                             "do_normalize": True, "image_mean": [0.5, 0.5, 0.5],
                             "image_std": [0.5, 0.5, 0.5]}),
    UserModel("mobilenet_v2_224", mobilenet_v2_224, classes=3, epochs=4, per_class=24,
              sizes=((256, 320), (300, 240), (224, 224), (240, 380)),
              preprocessing=HF_CONFIGS["imagenet_bicubic_crop"]),
)}
#: The models the test suite makes.
TESTED = [name for name, m in MODELS.items() if m.tested]


def recipe(spec: UserModel, model: object, folder: Path) -> object:
    """The toolkit's own preprocessing for this model: what it trains on, as it is exported."""
    from python.data import preprocessing
    from python.model.inspect import keras_io

    given, _, own = keras_io(spec.name, model, "logits" if spec.logits else "probabilities")
    if spec.preprocessing is None:
        return preprocessing.default(given.channels, given.height, given.width,
                                     rescale=own.rescaling is None)
    path = folder / "preprocessor_config.json"
    path.write_text(json.dumps(spec.preprocessing, indent=2) + "\n")
    return preprocessing.read_config(path, given.channels, given.height, given.width)


def train(spec: UserModel, folder: Path, seed: int = 0) -> dict:
    """Build, train and save one model into ``folder``; what its export needs."""
    import keras
    import numpy as np

    from python.data.datasets import load_folder
    from tests.userpictures import make_folder

    keras.utils.set_random_seed(seed)
    folder.mkdir(parents=True, exist_ok=True)
    sized = {"sizes": spec.sizes} if spec.sizes else {}
    data_dir = make_folder(folder / "data", spec.classes, spec.per_class, grey=spec.grey,
                           seed=seed, **sized)
    model = spec.build()
    for layer in model.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            layer.momentum = 0.9
    pre = recipe(spec, model, folder)
    data = load_folder(data_dir, pre, given_model=True)
    binary = spec.classes == 2
    loss = keras.losses.BinaryCrossentropy() if binary else \
        keras.losses.SparseCategoricalCrossentropy(from_logits=spec.logits)
    model.compile(optimizer=keras.optimizers.Adam(spec.learning_rate), loss=loss,
                  metrics=["accuracy"])
    y = data.train.y.astype(np.float32 if binary else np.int64)
    started = time.perf_counter()
    spread, epochs = 0.0, 0
    for _ in range(3):  # until its answers differ from picture to picture
        model.fit(data.train.x, y, batch_size=16, epochs=spec.epochs, verbose=0, shuffle=True)
        epochs += spec.epochs
        answers = np.asarray(model(data.test.x, training=False))
        spread = float(np.ptp(answers, axis=0).max())
        if spread > 0.05:
            break
    accuracy = float(np.mean(_labels(answers, spec) == data.test.y))
    path = folder / spec.file
    if spec.file.endswith((".keras", ".h5")):
        model.save(path)
    else:
        from converters.savedmodel import export_savedmodel
        from python.model.inspect import keras_io

        given, _, _ = keras_io(spec.name, model, "logits")
        export_savedmodel(model, path, given.name, (given.height, given.width, given.channels))
    flags = ["--model", str(path), "--data", str(data_dir), *spec.extra_flags]
    if spec.preprocessing is not None:
        flags += ["--preprocessing", str(folder / "preprocessor_config.json")]
    summary = {"name": spec.name, "flags": flags, "epochs": epochs,
               "seconds": round(time.perf_counter() - started, 1), "test_accuracy": accuracy,
               "answer_spread": spread, "classes": spec.classes}
    (folder / "export.json").write_text(json.dumps(summary, indent=2) + "\n")
    return summary


def _labels(answers: object, spec: UserModel) -> object:
    import numpy as np

    a = np.asarray(answers)
    return (a[:, 0] >= 0.5).astype(int) if spec.classes == 2 else a.argmax(axis=1)


def main(argv: list[str] | None = None) -> int:
    import argparse

    p = argparse.ArgumentParser(prog="python -m tests.usermodels")
    p.add_argument("out", type=Path)
    p.add_argument("--only", nargs="+", choices=list(MODELS), default=TESTED,
                   help=f"the models to make (default: those the tests use, {', '.join(TESTED)})")
    args = p.parse_args(argv)
    from python.quiet import native_stderr_silenced

    with native_stderr_silenced():
        import keras  # noqa: F401 - TensorFlow's plugin lines kept off stderr
    for name in args.only:
        summary = train(MODELS[name], args.out / name)
        print(json.dumps(summary), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
