"""What a person reads after an export: metrics, the size table, two pictures."""

from __future__ import annotations

from pathlib import Path

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


def size_table(artifacts: dict[str, dict[str, object]]) -> str:
    """Artifact, bytes and ratio to the SavedModel, as aligned text."""
    base = artifacts.get("savedmodel", {}).get("bytes") or 1
    rows = [("artifact", "format", "bytes", "ratio to savedmodel")]
    for name, entry in artifacts.items():
        rows.append((name, str(entry["format"]), f"{entry['bytes']:,}",
                     f"{entry['bytes'] / base:.3f}"))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = []
    for r in rows:
        cells = zip(r, widths, strict=True)
        lines.append("  ".join(c.ljust(w) if i < 2 else c.rjust(w)
                               for i, (c, w) in enumerate(cells)))
    return "\n".join(lines)


def parity_table(parity: dict[str, dict[str, object]]) -> str:
    rows = [("artifact/runtime", "max_abs_diff", "label_agreement", "n", "ok")]
    for key, cell in parity.items():
        rows.append((key, f"{cell['max_abs_diff']:.3g}", f"{cell['label_agreement']:.4f}",
                     str(cell["n"]), "yes" if cell["ok"] else "NO"))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows)


def plot_training(history: dict[str, list[float]], best_epoch: int, path: Path) -> Path:
    """Loss and accuracy per epoch, training against validation, best epoch marked."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    epochs = np.arange(1, len(history.get("loss", [])) + 1)
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    for ax, key in zip(axes, ("loss", "accuracy"), strict=True):
        ax.plot(epochs, history.get(key, []), label=f"training {key}")
        ax.plot(epochs, history.get(f"val_{key}", []), label=f"validation {key}")
        ax.axvline(best_epoch, color="grey", linestyle=":", label=f"kept: epoch {best_epoch}")
        ax.set_xlabel("epoch")
        ax.set_title(key)
        ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def plot_confusion(counts: list[list[int]], labels: list[str], path: Path) -> Path:
    """The test split's confusion matrix with counts in each cell."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    m = np.asarray(counts)
    fig, ax = plt.subplots(figsize=(4.5, 4))
    ax.imshow(m, cmap="Blues")
    for (i, j), v in np.ndenumerate(m):
        ax.text(j, i, str(v), ha="center", va="center",
                color="white" if v > m.max() / 2 else "black", fontsize=14)
    ax.set_xticks([0, 1], labels)
    ax.set_yticks([0, 1], labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(f"test split, n={int(m.sum())}")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
