"""Probabilities to labels, the one rule every command, check and runtime uses.

A model answers float32 ``[n, k]``: k = 1 is one sigmoid unit, the probability of the
positive class (labels[1]), labelled by a threshold; k >= 2 is a softmax over k classes,
labelled by the most probable one (the first of equals).
"""

from __future__ import annotations

import numpy as np


def as_rows(probabilities: np.ndarray) -> np.ndarray:
    """[n, k] float64 from [n] or [n, k]."""
    p = np.asarray(probabilities, dtype=np.float64)
    return p.reshape(len(p), -1) if p.ndim != 2 else p


def label_indices(probabilities: np.ndarray, threshold: float | None) -> np.ndarray:
    """Each picture's label index: p >= threshold for one unit, else the top class."""
    p = as_rows(probabilities)
    if p.shape[1] == 1:
        if threshold is None:
            raise ValueError("a one-unit (sigmoid) output needs a threshold")
        return (p[:, 0] >= threshold).astype(np.int64)
    return np.argmax(p, axis=1).astype(np.int64)


def shown_probability(probabilities: np.ndarray) -> np.ndarray:
    """What the command lines print beside the label: the positive class's probability for
    one unit (whatever the label), the top class's probability for a softmax."""
    p = as_rows(probabilities)
    return p[:, 0] if p.shape[1] == 1 else p.max(axis=1)


def class_probabilities(probabilities: np.ndarray) -> np.ndarray:
    """[n, classes]: a sigmoid's one unit as [1 - p, p], a softmax as it is."""
    p = as_rows(probabilities)
    return np.concatenate([1.0 - p, p], axis=1) if p.shape[1] == 1 else p


def top_k(probabilities: np.ndarray, labels: list[str], k: int) -> list[list[tuple[str, float]]]:
    """For each picture, its k most probable (label, probability) pairs, most probable first
    (equals in label order)."""
    p = class_probabilities(probabilities)
    order = np.argsort(-p, axis=1, kind="stable")[:, :k]
    return [[(labels[j], float(row[j])) for j in idx] for row, idx in zip(p, order, strict=True)]
