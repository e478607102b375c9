"""How well a model classifies: accuracy, balanced accuracy, recall, the confusion matrix.

These numbers gate the export (an int8 file may lose at most a set share of
accuracy), so they live with training, apart from the tables that show them. Labels come
from ``python.model.outputs``: the threshold for one sigmoid unit, the top class otherwise.
"""

from __future__ import annotations

import numpy as np

from python.model.outputs import as_rows, label_indices


def metrics(y: np.ndarray, probability: np.ndarray, threshold: float | None,
            labels: list[str]) -> dict[str, object]:
    """Accuracy, balanced accuracy, per-class recall and the confusion matrix."""
    predicted = label_indices(probability, threshold)
    y = y.astype(np.int64)
    k = len(labels)
    confusion = [[int(np.sum((y == t) & (predicted == p))) for p in range(k)] for t in range(k)]
    recall = {labels[c]: float(np.mean(predicted[y == c] == c)) if np.any(y == c) else 0.0
              for c in range(k)}
    return {
        "test_accuracy": float(np.mean(predicted == y)) if len(y) else 0.0,
        "balanced_accuracy": balanced_accuracy(y, probability, threshold),
        "recall": recall,
        "confusion_matrix": {"rows": "true label", "columns": "predicted label",
                             "labels": labels, "counts": confusion},
    }


def accuracy(probability: np.ndarray, y: np.ndarray, threshold: float | None) -> float:
    """Share of pictures whose label is right."""
    if not len(y):
        return 0.0
    return float(np.mean(label_indices(probability, threshold) == y))


def balanced_accuracy(y: np.ndarray, probability: np.ndarray, threshold: float | None) -> float:
    """Mean recall over the classes present: what always answering one class cannot fake."""
    predicted = label_indices(probability, threshold)
    recalls = [float(np.mean(predicted[y == c] == c)) for c in np.unique(y)]
    return float(np.mean(recalls)) if recalls else 0.0


def best_threshold(y: np.ndarray, probability: np.ndarray) -> float:
    """The threshold that maximises balanced accuracy on (validation) pictures, for one
    sigmoid unit.

    Candidates are the midpoints between neighbouring distinct probabilities (and 0.5);
    of equally good ones, the one nearest 0.5 wins, so an uninformative split keeps 0.5.
    """
    probability = as_rows(probability)[:, 0]
    p = np.unique(probability)
    candidates = np.concatenate([[0.5], (p[:-1] + p[1:]) / 2.0]) if len(p) > 1 else np.array([0.5])
    candidates = candidates[(candidates > 0.0) & (candidates < 1.0)]
    scores = np.array([balanced_accuracy(y, probability, float(t)) for t in candidates])
    best = np.flatnonzero(scores >= scores.max() - 1e-12)
    return float(candidates[best[np.argmin(np.abs(candidates[best] - 0.5))]])
