"""Aligned text tables: the parity cells, and any rows of strings."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from python.artifacts.manifest import ParityCell


def aligned(rows: Sequence[Sequence[str]], right: tuple[int, ...] = ()) -> str:
    """Columns padded to their widest cell; the columns in ``right`` right-aligned."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.rjust(w) if i in right else c.ljust(w)
                               for i, (c, w) in enumerate(zip(r, widths, strict=True))).rstrip()
                     for r in rows)


def parity_table(cells: Mapping[str, ParityCell]) -> str:
    """One row per cell: its numbers, and its error when it failed."""
    rows = [("artifact/runtime", "max_abs_diff", "label_agreement", "n", "ok")]
    for key, c in cells.items():
        diff = "-" if c.max_abs_diff is None else f"{c.max_abs_diff:.3g}"
        ok = "yes" if c.ok else f"n/a: {c.not_applicable}"[:120] if c.not_applicable \
            else f"NO {c.error or ''}".rstrip()[:120]
        rows.append((key, diff, f"{c.label_agreement:.4f}", str(c.n), ok))
    return aligned(rows)
