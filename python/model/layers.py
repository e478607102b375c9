"""The toolkit's own Keras layers, which a model it trained holds: the mirror average.

Here, not beside the training code, because loading a model needs them too (the runtimes,
``python.model.source``), and loading must not depend on training.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # keras imports its backend: only the functions below pay for it
    import keras

#: The input's name in every network this toolkit builds, and so in its exported graphs.
INPUT_NAME = "picture"


def mirror_averaged(model: keras.Model) -> keras.Model:
    """The trained model wrapped to answer the mean of its probabilities for the picture and
    its left-right mirror image: the same weights, twice the (tiny) compute, steadier answers.

    The pictures and their mirror images go through the model as one batch of twice the
    size, then the two halves are averaged: the weights appear once in every exported graph
    and a runtime makes one call. Concatenation, a reversed slice, a reshape and a mean are
    ops every converter and runtime we ship knows.
    """
    import keras

    layers = custom_layers()
    inputs = keras.Input(shape=model.input_shape[1:], name=INPUT_NAME, dtype="float32")
    both = layers["WithMirror"](name="with_mirror")(inputs)
    outputs = layers["HalvesMean"](name="probability")(model(both))
    return keras.Model(inputs, outputs, name=f"{model.name}_mirror_averaged")


@functools.cache
def custom_layers() -> dict[str, type]:
    """This project's own Keras layers, registered so that model.keras loads them: call it
    before ``keras.saving.load_model``. Named, registered layers rather than Lambdas: a
    model.keras then loads in Keras's safe mode, which refuses the code a Lambda carries."""
    import keras

    @keras.saving.register_keras_serializable(package="selfie")
    class WithMirror(keras.layers.Layer):
        """[batch, h, w, c] pictures, then their left-right mirror images: [2 * batch, ...]."""

        def call(self, x):
            # A reversed slice (TensorFlow's StridedSlice, what every exported graph holds
            # and every converter and runtime knows) where the backend has one; PyTorch's
            # tensors take no negative step, so there the same mirror is a flip.
            mirrored = keras.ops.flip(x, axis=2) if keras.config.backend() == "torch" \
                else x[:, :, ::-1, :]
            return keras.ops.concatenate([x, mirrored], axis=0)

        def compute_output_shape(self, shape):
            return (None if shape[0] is None else 2 * shape[0], *shape[1:])

    @keras.saving.register_keras_serializable(package="selfie")
    class HalvesMean(keras.layers.Layer):
        """[2 * batch, k] answers to the mean of the first and second halves: [batch, k]."""

        keeps_probabilities = True  # a mean of probabilities is one: python.model.inspect

        def call(self, p):
            return keras.ops.mean(keras.ops.reshape(p, (2, -1, p.shape[-1])), axis=0)

        def compute_output_shape(self, shape):
            return (None if shape[0] is None else shape[0] // 2, *shape[1:])

    return {"WithMirror": WithMirror, "HalvesMean": HalvesMean}
