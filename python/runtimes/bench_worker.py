"""One Python runtime's timings, in a process of its own so its peak memory is its own.

``python -m python.runtimes.bench_worker --runtime R --path P --shape H,W,C --iterations N``
prints one JSON object: load_ms, latency_ms_p50, latency_ms_p99 (one picture, after
warm-up), throughput_per_s (batch of 64). Every runtime gets the same number of
intra-op threads (one by default), as the Java benchmark does, so the figures
compare runtimes, not thread counts. The artifact is loaded by the same loader the
export and parity use (``python.runtimes.loaders``), int8 handling included.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    from python.runtimes.loaders import LOADERS, load
    from python.runtimes.timing import measure

    p = argparse.ArgumentParser(prog="python -m python.runtimes.bench_worker")
    p.add_argument("--runtime", required=True, choices=[*LOADERS, "pillow"])
    p.add_argument("--path", required=True, help="artifact, or for pillow a picture folder")
    p.add_argument("--shape", default="40,40,1", help="model input H,W,C (default 40,40,1)")
    p.add_argument("--iterations", type=int, default=2000)
    p.add_argument("--threads", type=int, default=1, help="intra-op threads (default 1)")
    args = p.parse_args(argv)
    shape = tuple(int(d) for d in args.shape.split(","))
    if args.runtime == "pillow":
        print(json.dumps(preprocessing(args.path, shape, args.iterations)))
        return 0
    start = time.perf_counter()
    run = load(args.runtime, Path(args.path), args.threads)
    run(np.zeros((1, *shape), np.float32))  # the first call finishes loading
    load_ms = (time.perf_counter() - start) * 1e3
    print(json.dumps({"load_ms": load_ms, **measure(run, shape, args.iterations)}))
    return 0


def preprocessing(folder: str, shape: tuple[int, ...], limit: int) -> dict:
    """Pillow decode plus python.data.pictures preprocessing, milliseconds per picture."""
    from python.data.pictures import load_image
    from python.data.preprocessing import default

    pre = default(shape[2], shape[0], shape[1])
    files = sorted(p for p in Path(folder).rglob("*") if p.is_file())[: max(limit, 50)]
    for f in files[:20]:
        load_image(f, pre)
    t = time.perf_counter()
    for f in files:
        load_image(f, pre)
    return {"preprocess_ms_per_picture": (time.perf_counter() - t) * 1e3 / len(files),
            "pictures": len(files)}


if __name__ == "__main__":
    sys.exit(main())
