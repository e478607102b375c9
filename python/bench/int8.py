"""python -m python.bench.int8: each int8 artifact against its float twin, side by side.

Both files load in the same Python runtime in this one process, one intra-op thread, and
their calls alternate round by round (``python.runtimes.timing.side_by_side``), so a slow
spell of a shared machine falls on both; the whole comparison runs ``--runs`` times and the
ratios are given as mean and standard deviation over the runs. Bytes come from the manifest.
A benchmark, not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from python import logs  # noqa: E402
from python.errors import ToolkitError, cli_main  # noqa: E402


def compare(artifacts: Path, runs: int, rounds: int) -> list[dict]:
    """One row per int8 artifact: bytes and speed ratios against its float twin."""
    from python.artifacts.manifest import checked_artifact, read_manifest
    from python.artifacts.registry import quantized_artifacts, spec
    from python.runtimes.loaders import load_artifact
    from python.runtimes.timing import side_by_side

    manifest = read_manifest(artifacts)
    i = manifest.input
    shape, ranges = (i.height, i.width, i.channels), manifest.preprocessing.input_range()
    rows = []
    for q in quantized_artifacts():
        if q.name not in manifest.artifacts or q.float_twin not in manifest.artifacts:
            continue
        twin = spec(str(q.float_twin))
        pair = {name: load_artifact(spec(name), checked_artifact(artifacts, manifest, name), 1)
                for name in (twin.name, q.name)}
        latency, throughput, p50s, rates = [], [], {n: [] for n in pair}, {n: [] for n in pair}
        for _ in range(runs):
            speed = side_by_side(pair, shape, rounds=rounds, ranges=ranges)
            latency.append(speed[q.name]["latency_ms_p50"] / speed[twin.name]["latency_ms_p50"])
            throughput.append(speed[q.name]["throughput_per_s"]
                              / speed[twin.name]["throughput_per_s"])
            for n in pair:
                p50s[n].append(speed[n]["latency_ms_p50"])
                rates[n].append(speed[n]["throughput_per_s"])
        rows.append({
            "int8": q.name, "float": twin.name, "runtime": q.python_runtime, "runs": runs,
            "size_ratio": manifest.artifacts[q.name].bytes / manifest.artifacts[twin.name].bytes,
            "latency_ratio": _spread(latency), "throughput_ratio": _spread(throughput),
            "latency_ms_p50": {n: _spread(v) for n, v in p50s.items()},
            "throughput_per_s": {n: _spread(v) for n, v in rates.items()}})
    if not rows:
        raise ToolkitError(f"{artifacts}: no int8 artifact beside its float twin"
                           " (export with --quantize)")
    return rows


def _spread(values: list[float]) -> dict[str, float]:
    return {"mean": statistics.fmean(values),
            "sd": statistics.stdev(values) if len(values) > 1 else 0.0}


def table(rows: list[dict]) -> str:
    """The rows as aligned text."""
    from python.parity.tables import aligned

    def pm(s: dict[str, float], digits: int = 2) -> str:
        return f"{s['mean']:.{digits}f} ± {s['sd']:.{digits}f}"

    out = [("int8", "runtime", "bytes / float", "latency / float (1 picture)",
            "throughput / float (batch 64)", "float p50 ms", "int8 p50 ms")]
    for r in rows:
        out.append((r["int8"], r["runtime"], f"{r['size_ratio']:.3f}", pm(r["latency_ratio"]),
                    pm(r["throughput_ratio"]), pm(r["latency_ms_p50"][r["float"]], 3),
                    pm(r["latency_ms_p50"][r["int8"]], 3)))
    return aligned(out)


@cli_main
def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m python.bench.int8",
        description="Time each int8 artifact against its float twin in one process, side by"
        " side, one thread; ratios as mean ± standard deviation over --runs runs.")
    p.add_argument("--artifacts", type=Path, default=Path("artifacts"))
    p.add_argument("--runs", type=int, default=5, help="comparisons (default 5)")
    p.add_argument("--rounds", type=int, default=7, help="alternating rounds a run (default 7)")
    p.add_argument("--json", type=Path, help="also write the figures here")
    logs.add_flags(p)
    args = p.parse_args(argv)
    logs.configure("bench", quiet=args.quiet, verbose=args.verbose)
    rows = compare(args.artifacts, args.runs, args.rounds)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")
    print(table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
