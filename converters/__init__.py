"""One module per target format: a function from a SavedModel (or ONNX) path to a file.

Converters convert; running an artifact is ``python.runtimes.loaders``'s job, and
checking it against Keras is ``python.parity``'s.
"""
