"""``python -m python.reference``: Python's inputs and probabilities as .npy, for Java's tests."""
