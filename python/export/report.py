"""What a person reads after an export: the size and parity tables, two pictures."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from python.artifacts.manifest import ArtifactEntry, Manifest
from python.parity.tables import aligned, parity_table


def size_table(artifacts: dict[str, ArtifactEntry]) -> str:
    """Artifact, bytes and ratio to the SavedModel, as aligned text."""
    base = artifacts["savedmodel"].bytes if "savedmodel" in artifacts else 1
    rows = [("artifact", "format", "bytes", "ratio to savedmodel")]
    for name, entry in artifacts.items():
        rows.append((name, entry.format, f"{entry.bytes:,}", f"{entry.bytes / base:.3f}"))
    return aligned(rows, right=(2, 3))


def summary(manifest: Manifest, out: Path) -> str:
    """What the export command prints at the end: metrics, sizes, parity, what is missing."""
    m = manifest.metrics
    lines = [""]
    if m is None:
        lines.append("no labels: no accuracy (the pictures calibrate int8 and check parity)")
    else:
        recall = ", ".join(f"{k} {v:.3f}" for k, v in m.recall.items())
        lines.append(f"test accuracy {m.test_accuracy:.4f}, balanced {m.balanced_accuracy:.4f},"
                     f" recall {recall}")
        if m.device is not None:
            lines.append(f"trained on {m.device} in {m.training_seconds:.1f} s")
    lines += ["", size_table(manifest.artifacts), "", parity_table(manifest.parity)]
    if manifest.missing:
        lines += ["", "not made:"] + [
            f"  {name}: {why.reason}" + (f" (ops: {', '.join(why.ops)})" if why.ops else "")
            for name, why in manifest.missing.items()]
    lines += ["", f"wrote {out}/ ({manifest.export_seconds or 0:.0f} s in all)"]
    return "\n".join(lines)


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
    k = len(labels)
    side = max(4.0, 1.0 + 0.6 * k)
    fig, ax = plt.subplots(figsize=(side + 0.5, side))
    ax.imshow(m, cmap="Blues")
    for (i, j), v in np.ndenumerate(m):
        ax.text(j, i, str(v), ha="center", va="center",
                color="white" if v > m.max() / 2 else "black", fontsize=14 if k <= 4 else 9)
    ax.set_xticks(range(k), labels, rotation=45 if k > 4 else 0, ha="right" if k > 4 else
                  "center")
    ax.set_yticks(range(k), labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(f"test split, n={int(m.sum())}")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
