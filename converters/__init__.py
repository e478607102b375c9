"""One module per target format: a function from a SavedModel (or a Keras model) to a file.

Converters convert; running an artifact is ``python.runtimes.loaders``'s job, and
checking it against Keras is ``python.parity``'s. A converter that cannot convert a model
raises ``ConversionError`` naming the ops it lacks, so the export can publish the others.
"""

from __future__ import annotations


class ConversionError(Exception):
    """A model this converter cannot convert: why, and the ops it lacks (when known)."""

    def __init__(self, reason: str, ops: list[str] | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.ops = sorted(set(ops or []))
