"""python.bench.routes' arithmetic: per-picture cost by differencing two sizes, fixed cost,
and the ratio to the CLI within a repetition."""

from __future__ import annotations

import pytest

from python.bench.routes import markdown, summarise


def _run(rep: int, route: str, n: int, fixed: float, ms: float) -> dict:
    return {"rep": rep, "dataset": "thumbnails", "route": route, "n": n,
            "wall_s": fixed + n * ms / 1000, "cpu_s": 2 * (fixed + n * ms / 1000)}


def test_costs_are_differenced_and_ratios_paired_by_repetition():
    # rep 1 ran on a slower machine: both routes twice as slow a picture, same ratio
    routes = (("cli", 1.0, 0.5), ("spark local[1]", 8.0, 0.6))
    runs = [_run(rep, route, n, fixed, ms * (1 + rep))
            for rep in (0, 1) for route, fixed, ms in routes for n in (3226, 6452)]
    table = summarise(runs, ["cli", "spark local[1]"])["thumbnails"]
    assert table["cli"]["ms_per_picture"]["min"] == pytest.approx(0.5)
    assert table["cli"]["ms_per_picture"]["max"] == pytest.approx(1.0)
    assert table["spark local[1]"]["fixed_s"]["median"] == pytest.approx(8.0)
    assert table["spark local[1]"]["cpu_ms_per_picture"]["median"] == pytest.approx(2 * 0.9)
    ratio = table["spark local[1]"]["to_cli"]
    assert ratio["min"] == pytest.approx(1.2) and ratio["max"] == pytest.approx(1.2)
    assert table["cli"]["to_cli"] is None
    lines = markdown({"summary": {"thumbnails": table}, "sizes": {"thumbnails": [3226, 6452]}})
    assert "| thumbnails (3,226 and 6,452) | spark local[1] | 0.90 (0.60 to 1.20) |" in lines[3]
