"""Classify pictures in this process from an artifacts folder: the Python twin of the Java
and JavaScript ``Classifier`` (open a folder, classify files or bytes, top K).

The same preprocessing as ``python -m python.predict`` (the manifest's recipe) and the
same runtimes, so a picture gets the same probabilities here as on that command's line.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from python.errors import PictureError

#: Pictures a model call takes, as python.predict and the Java library batch them.
BATCH = 64


@dataclass(frozen=True)
class Classification:
    """One picture's answer: its label, the probability shown beside it (of the positive
    label for one sigmoid unit, of the label for a softmax), every label's probability, and
    with ``top`` the most probable labels first."""

    path: str
    label: str
    probability: float
    probabilities: dict[str, float]
    top: list[tuple[str, float]]


class Classifier:
    """An artifacts folder opened for classifying; close it, or use it in a ``with``."""

    def __init__(self, artifacts: str | Path = "artifacts", format: str = "onnx") -> None:
        """Read the manifest, check the artifact's sha256 and load it.

        :param artifacts: a folder written by ``python -m python.export``
        :param format: the artifact to run: keras, savedmodel, tflite, tflite_int8, onnx or
            onnx_int8
        :raises python.errors.ArtifactError: if the manifest or the artifact is missing,
            altered or from another version
        """
        from python.artifacts.manifest import checked_artifact, read_manifest
        from python.artifacts.registry import spec
        from python.runtimes.loaders import load_artifact

        self.artifacts = Path(artifacts)
        self.manifest = read_manifest(self.artifacts)
        self.format = format
        self._run = load_artifact(spec(format), checked_artifact(self.artifacts, self.manifest,
                                                                 format))

    @property
    def labels(self) -> list[str]:
        """The labels, in the model's output order."""
        return list(self.manifest.labels)

    def prepare(self, picture: str | Path | bytes, name: str | None = None) -> np.ndarray:
        """The model's input for one picture file or its bytes (``name`` names bytes in
        errors): float32 [height, width, channels].

        :raises python.errors.PictureError: if it cannot be read as a picture
        """
        from python.data.decode import PictureBytes
        from python.data.pictures import load_image

        if isinstance(picture, bytes | bytearray | memoryview):
            picture = PictureBytes(name or "picture", bytes(picture))
        return load_image(picture, self.manifest.preprocessing)

    def classify(self, picture: str | Path | bytes, name: str | None = None,
                 top: int = 0) -> Classification:
        """Classify one picture file, or its bytes read elsewhere (named ``name``).

        :raises python.errors.PictureError: if it cannot be read as a picture
        """
        path = name or ("picture" if isinstance(picture, bytes | bytearray | memoryview)
                        else str(picture))
        return self._answers([path], [self.prepare(picture, path)], top)[0]

    def classify_all(self, pictures: Iterable[str | Path], top: int = 0,
                     unreadable: list[PictureError] | None = None) -> list[Classification]:
        """Classify picture files in order, ``BATCH`` to a model call. A picture that cannot
        be read raises, or with ``unreadable`` is added to it and left out."""
        out: list[Classification] = []
        batch: list[tuple[str, np.ndarray]] = []
        for picture in [*pictures, None]:
            if picture is not None:
                try:
                    batch.append((str(picture), self.prepare(picture)))
                except PictureError as err:
                    if unreadable is None:
                        raise
                    unreadable.append(err)
            if batch and (picture is None or len(batch) == BATCH):
                names, inputs = zip(*batch, strict=True)
                out += self._answers(list(names), list(inputs), top)
                batch = []
        return out

    def _answers(self, names: list[str], inputs: list[np.ndarray],
                 top: int) -> list[Classification]:
        from python.model.outputs import class_probabilities, shown_probability, top_k

        answers = self._run(np.stack(inputs))
        labels = self.manifest.labels
        k = min(top, len(labels))
        tops = top_k(answers, labels, k) if k else [[] for _ in names]
        every = class_probabilities(answers)
        return [Classification(n, label, float(p), dict(zip(labels, map(float, row),
                                                             strict=True)), t)
                for n, label, p, row, t in zip(names, self.manifest.labels_for(answers),
                                               shown_probability(answers), every, tops,
                                               strict=True)]

    def close(self) -> None:
        """Let the runtime go (the predictor holds the loaded model)."""
        self._run = None

    def __enter__(self) -> Classifier:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
