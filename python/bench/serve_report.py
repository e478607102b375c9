"""The load benchmark's report (python -m python.bench.serve): the table, each cell's median and
range against in-process over the repetitions, and the bound HTTP's floor puts on the ratio."""

from __future__ import annotations

import statistics

from python.bench.floor import bound_lines

BOUND_CELL = ("thumbnails", "v1", 8)  # pictures, route, concurrency: the target


def table(rows: list[dict]) -> str:
    out = ["| pictures | route | concurrency | pictures/s | p50 ms | p99 ms | errors |"
           " x in-process | server CPU ms/picture | of it in the kernel | wrk CPU ms/picture |",
           "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        errors = r["non_200"] + r.get("socket_errors", 0)
        out.append(f"| {r['pictures']} | {r['route']} | {r['concurrency']} | "
                   f"{r['per_second']:.0f} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} | {errors} | "
                   f"{r.get('of_in_process', float('nan')):.2f} | {r['server_cpu_ms']:.3f} | "
                   f"{r['server_kernel_ms']:.3f} | {r['load_cpu_ms']:.3f} |")
    return "\n".join(out)


def spread(values: list[float], digits: int = 2) -> str:
    """median (min to max), or the one value."""
    if len(values) == 1:
        return f"{values[0]:.{digits}f}"
    return (f"{statistics.median(values):.{digits}f} "
            f"({min(values):.{digits}f} to {max(values):.{digits}f})")


def floor_line(who: str, figures: dict) -> str:
    """One floor's figures: requests answered at once, and the CPU each cost either side."""
    return (f"HTTP alone, {who}: {figures['per_second']:.0f} requests/s, server CPU "
            f"{figures['server_cpu_ms']:.3f} ms (kernel {figures['server_kernel_ms']:.3f}), "
            f"wrk CPU {figures['load_cpu_ms']:.3f} ms a request")


def bounds(rows: list[dict], baseline: dict[str, list[dict]], floor: dict,
           nginx: dict | None) -> list[str]:
    """Each floor's line, and the bound each puts on BOUND_CELL, from this run's medians."""
    lines = [floor_line(f"this server (thumbnails POSTed to a model that does not exist, 404 at "
                        f"once, c={BOUND_CELL[2]})", floor)]
    floors = {"this server": floor["server_cpu_ms"]}
    if nginx is not None:
        lines.append(floor_line("nginx (the same bodies, 404 at once)", nginx))
        floors["nginx"] = nginx["server_cpu_ms"]
    cell = [r for r in rows if (r["pictures"], r["route"], r["concurrency"]) == BOUND_CELL]
    if not cell or BOUND_CELL[0] not in baseline:
        return lines
    in_process_ms = statistics.median(b["cpu_ms_per_picture"] for b in baseline[BOUND_CELL[0]])
    name = f"{BOUND_CELL[1]} at c={BOUND_CELL[2]}, {BOUND_CELL[0]}"
    return lines + bound_lines(name, in_process_ms,
                               statistics.median(r["load_cpu_ms"] for r in cell),
                               statistics.median(r["of_in_process"] for r in cell), floors)


def summary(rows: list[dict], baseline: dict[str, list[dict]], threads: int) -> list[str]:
    """Each cell's pictures a second against in-process, over the repetitions."""
    lines = []
    for name, runs in baseline.items():
        rates = [b["per_second"] for b in runs]
        cpu = [b["cpu_ms_per_picture"] for b in runs]
        lines.append(f"in process, {name}, {threads} threads: {spread(rates, 0)} pictures/s, "
                     f"CPU {spread(cpu, 3)} ms/picture")
    cells: dict[tuple, list[dict]] = {}
    for r in rows:
        cells.setdefault((r["pictures"], r["route"], r["concurrency"]), []).append(r)
    for (name, route, c), rs in cells.items():
        lines.append(f"{name}, {route}, c={c}: {spread([r['per_second'] for r in rs], 0)} "
                     f"pictures/s, x in-process {spread([r['of_in_process'] for r in rs])}, "
                     f"server CPU {spread([r['server_cpu_ms'] for r in rs], 3)} ms/picture, "
                     f"of it in the kernel {spread([r['server_kernel_ms'] for r in rs], 3)}")
    return lines
