"""How well a model classifies: accuracy, balanced accuracy, recall, the confusion matrix.

These numbers gate the export (an int8 file may lose at most a set share of
accuracy), so they live with training, apart from the tables that show them.
"""

from __future__ import annotations

import numpy as np


def metrics(y: np.ndarray, probability: np.ndarray, threshold: float,
            labels: list[str]) -> dict[str, object]:
    """Accuracy, balanced accuracy, per-class recall and the confusion matrix."""
    predicted = (probability >= threshold).astype(np.int64)
    y = y.astype(np.int64)
    confusion = [[int(np.sum((y == t) & (predicted == p))) for p in (0, 1)] for t in (0, 1)]
    recall = {labels[c]: float(np.mean(predicted[y == c] == c)) if np.any(y == c) else 0.0
              for c in (0, 1)}
    return {
        "test_accuracy": float(np.mean(predicted == y)) if len(y) else 0.0,
        "balanced_accuracy": float(np.mean(list(recall.values()))),
        "recall": recall,
        "confusion_matrix": {"rows": "true label", "columns": "predicted label",
                             "labels": labels, "counts": confusion},
    }


def accuracy(probability: np.ndarray, y: np.ndarray, threshold: float) -> float:
    """Share of pictures whose label (probability at or above threshold) is right."""
    return float(np.mean((probability >= threshold).astype(np.int64) == y)) if len(y) else 0.0


def balanced_accuracy(y: np.ndarray, probability: np.ndarray, threshold: float) -> float:
    """Mean of the two classes' recall: what always answering one class cannot fake."""
    predicted = (probability >= threshold).astype(np.int64)
    recalls = [float(np.mean(predicted[y == c] == c)) for c in (0, 1) if np.any(y == c)]
    return float(np.mean(recalls)) if recalls else 0.0


def best_threshold(y: np.ndarray, probability: np.ndarray) -> float:
    """The threshold that maximises balanced accuracy on (validation) pictures.

    Candidates are the midpoints between neighbouring distinct probabilities (and 0.5);
    of equally good ones, the one nearest 0.5 wins, so an uninformative split keeps 0.5.
    """
    p = np.unique(np.asarray(probability, dtype=np.float64))
    candidates = np.concatenate([[0.5], (p[:-1] + p[1:]) / 2.0]) if len(p) > 1 else np.array([0.5])
    candidates = candidates[(candidates > 0.0) & (candidates < 1.0)]
    scores = np.array([balanced_accuracy(y, probability, float(t)) for t in candidates])
    best = np.flatnonzero(scores >= scores.max() - 1e-12)
    return float(candidates[best[np.argmin(np.abs(candidates[best] - 0.5))]])
