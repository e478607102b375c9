"""One module per target format: a function from a SavedModel path to a file, and a runner.

Each runner takes a float32 batch ``[n, H, W, 1]`` in [0, 1] and returns the
probability of the positive class as float32 ``[n]``, so every artifact can be
checked against the Keras model the same way.
"""
