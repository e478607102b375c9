"""The photo part of python -m python.bench: file to probability, both languages, peak memory.

Pillow's own decode to the model's colour (``Image.open(f).convert("L")``, or ``"RGB"`` for an
RGB model) is the yardstick: Python times
it interleaved with its preparation, twice, around the Java run, so each language's time
is a ratio to a decode measured in the same run on the same (shared, noisy) machine.
"""

from __future__ import annotations

import json
import logging
import resource
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)
#: Photos classified at once on as many threads, for Java's peak memory.
THREADS = 8
#: Photo counts for python.predict's peak memory: one batch, two, eight. ONNX Runtime grows
#: its arena over the first two batch-64 calls; flat means no growth after that.
PREDICT_COUNTS = (8, 128, 512)


def _spread(values: list[float]) -> dict:
    v = np.asarray(values, np.float64)
    return {"min": float(v.min()), "median": float(np.median(v)), "max": float(v.max())}


#: Runs a command: (stdout, peak resident memory in MB, stderr).
Measured = Callable[[list[str]], tuple[str, float, str]]


def photo_section(artifacts: Path, reps: int, run_measured: Measured, java_bench: Path,
                  java_cli: Path) -> dict:
    """Time both languages on the benchmark's pictures and measure peak memory."""
    tool = [sys.executable, "-m", "python.bench.photos"]
    with tempfile.TemporaryDirectory(prefix="bench-photos-") as tmp:
        made = json.loads(run_measured([*tool, "--make", tmp])[0])
        pictures = [Path(p) for p in made["bench"]]
        photos = [Path(p) for p in made["photos"] if p.endswith(".jpg")]
        worker = [*tool, *map(str, pictures),
                  "--reps", str(reps), "--artifacts", str(artifacts)]
        log.info("bench: photos, Python")
        first = json.loads(run_measured(worker)[0])
        log.info("bench: photos, Java")
        out, _, _ = run_measured([str(java_bench), "--artifacts", str(artifacts), "--photos",
                                  *map(str, pictures), "--photo-reps", str(reps)])
        java = json.loads(out[out.index("{"):])["photos"]
        second = json.loads(run_measured(worker)[0])
        log.info("bench: %d photos at once on %d threads, Java", THREADS, THREADS)
        out, threads_rss, _ = run_measured([str(java_bench), "--artifacts", str(artifacts),
                                            "--photos", *map(str, photos), "--photo-reps", "5",
                                            "--photo-threads", str(THREADS)])
        concurrent = json.loads(out[out.index("{"):])["concurrent"]
        cli = [str(p) for p in (photos * 24)[:24]]
        _, cli_rss, _ = run_measured([str(java_cli), "--artifacts", str(artifacts), *cli])
        predict_rss = {}
        for n in PREDICT_COUNTS:
            names = [str(p) for p in (photos * n)[:n]]
            _, rss, _ = run_measured([sys.executable, "-m", "python.predict", "--artifacts",
                                      str(artifacts), *names])
            predict_rss[n] = rss
    rows = []
    for p in pictures:
        a, b = first[p.name], second[p.name]
        pillow = a["pillow"] + b["pillow"]
        py_ratio = [x / y for x, y in zip(a["python"] + b["python"], pillow, strict=True)]
        pillow_median = float(np.median(pillow))
        jv = java[p.name]
        rows.append({"picture": p.name, "pillow_ms": _spread(pillow),
                     "python_ms": _spread(a["python"] + b["python"]),
                     "python_vs_pillow": _spread(py_ratio),
                     "java_ms": _spread(jv["java"]),
                     "java_vs_pillow": _spread([t / pillow_median for t in jv["java"]]),
                     "python_end_to_end_ms": _spread(a["python_end_to_end"]
                                                     + b["python_end_to_end"]),
                     "java_end_to_end_ms": _spread(jv["java_end_to_end"])})
    # A child's peak RSS on Linux includes what its parent held when it started it.
    floor = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    from python.artifacts.manifest import read_manifest

    mode = "L" if read_manifest(artifacts).preprocessing.color == "grey" else "RGB"
    return {"reps": reps, "pillow_mode": mode, "rows": rows, "parent_rss_mb": floor,
            "java_threads": {**concurrent, "peak_rss_mb": threads_rss},
            "java_cli_24_photos_peak_rss_mb": cli_rss,
            "python_predict_peak_rss_mb": predict_rss}


def markdown(photos: dict) -> list[str]:
    """The photo table and memory lines for bench.md."""
    mode = photos.get("pillow_mode", "L")
    lines = ["", f"Photos, file to model input ({photos['reps']} repetitions per language,"
             f" min / median / max; the yardstick is Pillow's `Image.open(f).convert(\"{mode}\")`"
             " in the same run, the ratio column each preparation's time over it):", "",
             f"| picture | Pillow decode to {mode} ms | Python ms | Python / Pillow | Java ms"
             " | Java / Pillow | file to probability, Python / Java ms |",
             "|---|---:|---:|---:|---:|---:|---:|"]

    def fmt(s: dict, digits: int = 1) -> str:
        return f"{s['min']:.{digits}f} / {s['median']:.{digits}f} / {s['max']:.{digits}f}"

    for r in photos["rows"]:
        lines.append(f"| {r['picture']} | {fmt(r['pillow_ms'])} | {fmt(r['python_ms'])} |"
                     f" {fmt(r['python_vs_pillow'], 2)} | {fmt(r['java_ms'])} |"
                     f" {fmt(r['java_vs_pillow'], 2)} | {r['python_end_to_end_ms']['median']:.1f}"
                     f" / {r['java_end_to_end_ms']['median']:.1f} |")
    t = photos["java_threads"]
    rss = photos["python_predict_peak_rss_mb"]
    lines += ["", f"Java, {t['threads']} phone photos at once on {t['threads']} threads"
              f" ({t['photos']} photos, {t['photos'] / t['seconds']:.1f} photos/s): peak RSS of"
              f" the whole process {t['peak_rss_mb']:.0f} MB. The command line on 24 photos one"
              f" after another: {photos['java_cli_24_photos_peak_rss_mb']:.0f} MB."
              " `python -m python.predict` peak RSS: " + ", ".join(
                  f"{mb:.0f} MB for {n} photos" for n, mb in rss.items()) + "."]
    return lines
