"""The model to export: a user's Keras or SavedModel file, or the one the toolkit trains.

``source`` loads and checks it, ``inspect`` reads its input, output and own preprocessing
layers from the model itself (never from a guess), ``outputs`` turns its probabilities into
labels the one way every command and runtime uses.
"""
