"""python -m python.bench.js: the exported ONNX model in Python's ONNX Runtime, in Node
(onnxruntime-node) and in headless Chromium (onnxruntime-web, WebAssembly), side by side.

Rounds alternate between the three (python.runtimes.timing's rule: a slow spell of the
machine lands on all of them), each round timing one-picture calls (their mean: a page's
clock is too coarse for one call) and batches of 64 in each; every figure is the median over
the rounds, with its spread (min to max). Then the
demo page on a first visit, in a fresh browser profile: the time from navigation until its
model is ready, and what it downloaded. Every runtime gets the same intra-op threads (one by
default: one WebAssembly thread needs no cross-origin isolation).
"""

from __future__ import annotations

import argparse
import json
import logging
import subprocess
import time
from pathlib import Path

import numpy as np

from python import logs
from python.errors import ToolkitError, cli_main
from python.runtimes.timing import BATCH

# Under python -m, __name__ is "__main__", outside the "python" logger that logs.configure
# sets up: its progress was dropped and its warnings came out unprefixed. The spec's name is
# the module's own either way.
log = logging.getLogger(__spec__.name if __spec__ else __name__)
FORMATS = ("onnx", "onnx_int8")  # the artifacts onnxruntime-node and -web run


def _spread(values: list[float]) -> dict[str, float]:
    return {"median": float(np.median(values)), "min": float(min(values)),
            "max": float(max(values))}


class JsBench:
    """A JavaScript bench worker (js/tools/bench.js node|web), one JSON line each way."""

    def __init__(self, kind: str, open_cmd: dict) -> None:
        from python.runtimes.js import PACKAGE

        self.proc = subprocess.Popen(["node", str(PACKAGE / "tools" / "bench.js"), kind],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.ask({"cmd": "open", **open_cmd})

    def ask(self, cmd: dict) -> dict:
        self.proc.stdin.write(json.dumps(cmd) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise ToolkitError(f"the JavaScript bench worker stopped (exit {self.proc.wait()})")
        answer = json.loads(line)
        if "error" in answer:
            raise ToolkitError(f"the JavaScript bench worker: {answer['error']}")
        return answer

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.write(json.dumps({"cmd": "close"}) + "\n")
            self.proc.stdin.close()
            self.proc.wait(timeout=60)


def _python_files(artifacts: Path, artifact: str, files: list[Path], threads: int) -> float:
    """python.predict's work on picture files, in this process: ms a picture."""
    from python.artifacts.manifest import checked_artifact, read_manifest
    from python.artifacts.registry import spec
    from python.data.pictures import load_image
    from python.runtimes.loaders import load_artifact

    manifest = read_manifest(artifacts)
    run = load_artifact(spec(artifact), checked_artifact(artifacts, manifest, artifact), threads)
    started = time.perf_counter()
    for at in range(0, len(files), BATCH):
        run(np.stack([load_image(f, manifest.preprocessing) for f in files[at:at + BATCH]]))
    return (time.perf_counter() - started) * 1e3 / len(files)


def measure(artifacts: Path, artifact: str, rounds: int, singles: int, batches: int,
            threads: int, visits: int, pictures: list[Path] | None = None) -> dict:
    """The side-by-side figures for one ONNX artifact."""
    import onnxruntime as ort

    from python.artifacts.manifest import checked_artifact, read_manifest
    from python.runtimes.js import chromium, js_unavailable

    why = js_unavailable()
    if why is not None:
        raise ToolkitError(f"the JavaScript runtimes cannot run here: {why}")
    manifest = read_manifest(artifacts)
    path = checked_artifact(artifacts, manifest, artifact)
    shape = [manifest.input.height, manifest.input.width, manifest.input.channels]
    options = ort.SessionOptions()
    options.intra_op_num_threads, options.inter_op_num_threads = threads, 1
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    rng = np.random.default_rng(0)
    one = rng.uniform(0, 1, (1, *shape)).astype(np.float32)
    batch = rng.uniform(0, 1, (BATCH, *shape)).astype(np.float32)
    for _ in range(20):
        session.run(None, {name: one})
    opening = {"model": str(path), "artifacts": str(artifacts.resolve()), "shape": shape,
               "chromium": chromium(), "threads": threads}
    workers = {k: JsBench(k, opening) for k in ("node", "web")}
    try:
        for w in workers.values():
            w.ask({"cmd": "round", "singles": 50, "batches": 2})  # warm-up
        figures: dict[str, dict[str, list[float]]] = {
            k: {"latency_ms": [], "throughput_per_s": []} for k in ("python", "node", "web")}
        for r in range(rounds):
            t = time.perf_counter()
            for _ in range(singles):
                session.run(None, {name: one})
            figures["python"]["latency_ms"].append((time.perf_counter() - t) * 1e3 / singles)
            t = time.perf_counter()
            for _ in range(batches):
                session.run(None, {name: batch})
            figures["python"]["throughput_per_s"].append(batches * BATCH
                                                         / (time.perf_counter() - t))
            for k, w in workers.items():
                timed = w.ask({"cmd": "round", "singles": singles, "batches": batches})
                for key in ("latency_ms", "throughput_per_s"):
                    figures[k][key].append(timed[key])
            log.info("round %d of %d", r + 1, rounds)
        first = [workers["web"].ask({"cmd": "first_visit"}) for _ in range(visits)]
        from_files: dict[str, list[float]] = {"python": [], "node": []}
        for r in range(rounds if pictures else 0):  # alternating, as the rounds above
            from_files["python"].append(_python_files(artifacts, artifact, pictures, threads))
            from_files["node"].append(workers["node"].ask({"cmd": "files", "format": artifact,
                                                           "files": [str(p) for p in pictures]})
                                      ["ms_per_picture"])
            log.info("files round %d of %d", r + 1, rounds)
    finally:
        for w in workers.values():
            w.close()
    out = {k: {key: _spread(v) for key, v in f.items()} for k, f in figures.items()}
    ratios = {k: {"latency": out[k]["latency_ms"]["median"]
                  / out["python"]["latency_ms"]["median"],
                  "throughput": out[k]["throughput_per_s"]["median"]
                  / out["python"]["throughput_per_s"]["median"]} for k in ("node", "web")}
    return {"artifact": artifact, "threads": threads, "rounds": rounds, "runtimes": out,
            "against_python": ratios,
            "from_files": {k: _spread(v) for k, v in from_files.items() if v},
            "pictures": len(pictures or []),
            "first_visit": {"ready_ms": _spread([v["ready_ms"] for v in first]),
                            "bytes": first[0]["bytes"], "visits": visits}}


def table(results: list[dict]) -> str:
    """The Markdown table docs/benchmarks.md holds."""
    names = {"python": "Python onnxruntime", "node": "onnxruntime-node",
             "web": "onnxruntime-web (Chromium, WebAssembly)"}
    rows = ["| artifact | runtime | one picture, ms a call (min-max) | x Python |"
            " batch 64, pictures/s (min-max) | x Python |", "|---|---|---:|---:|---:|---:|"]
    for r in results:
        for k, label in names.items():
            f = r["runtimes"][k]
            lat, rate = f["latency_ms"], f["throughput_per_s"]
            ratio = r["against_python"].get(k, {"latency": 1.0, "throughput": 1.0})
            rows.append(f"| {r['artifact']} | {label} | {lat['median']:.3f} ({lat['min']:.3f}-"
                        f"{lat['max']:.3f}) | {ratio['latency']:.2f} | {rate['median']:.0f}"
                        f" ({rate['min']:.0f}-{rate['max']:.0f}) | {ratio['throughput']:.2f} |")
    files = [r for r in results if r["from_files"]]
    if files:
        rows += ["", "| artifact | route | ms a picture, from the file (min-max) | x Python |",
                 "|---|---|---:|---:|"]
        for r in files:
            py = r["from_files"]["python"]["median"]
            for k, label in (("python", "python.predict's steps (Pillow, NumPy)"),
                             ("node", "the js/ package in Node (its PNG reader, sharp)")):
                f = r["from_files"][k]
                rows.append(f"| {r['artifact']} | {label} | {f['median']:.3f} ({f['min']:.3f}-"
                            f"{f['max']:.3f}) | {f['median'] / py:.2f} |")
        rows.append(f"\n({files[0]['pictures']} pictures a round.)")
    visit = results[0]["first_visit"]
    kb = {k: v / 1024 for k, v in sorted(visit["bytes"].items())}
    rows.append("")
    rows.append(f"The demo page on a first visit (fresh profile, loopback, {visit['visits']}"
                f" visits): model ready {visit['ready_ms']['median']:.0f} ms after navigation"
                f" ({visit['ready_ms']['min']:.0f}-{visit['ready_ms']['max']:.0f}); downloaded"
                f" {sum(kb.values()) / 1024:.1f} MB: "
                + ", ".join(f"{k} {v:.0f} KB" for k, v in kb.items()) + ".")
    return "\n".join(rows)


def chosen_formats(published: set[str], asked: list[str] | None) -> list[str]:
    """The formats to measure: those asked for, all of which must be published; or, by
    default, those of FORMATS the export published (it leaves out an int8 file that misses
    its bounds, and that is not an error here)."""
    if asked is None:
        formats = [f for f in FORMATS if f in published]
        if not formats:
            raise ToolkitError(f"the manifest has none of {', '.join(FORMATS)}")
        return formats
    missing = [f for f in asked if f not in published]
    if missing:
        raise ToolkitError(f"--formats: the manifest has no {', '.join(missing)} "
                           f"(it has {', '.join(sorted(published))})")
    return asked


@cli_main
def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m python.bench.js", description=__doc__.split(
        "\n\n")[0])
    p.add_argument("--artifacts", type=Path, default=Path("artifacts"))
    p.add_argument("--formats", nargs="+", choices=FORMATS,
                   help="default: those of onnx and onnx_int8 the export published")
    p.add_argument("--rounds", type=int, default=7)
    p.add_argument("--singles", type=int, default=300, help="one-picture calls a round")
    p.add_argument("--batches", type=int, default=20, help="batch-64 calls a round")
    p.add_argument("--visits", type=int, default=3, help="first visits of the demo page")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--pictures", type=Path,
                   help="also classify this folder's pictures from their files, in Python and"
                   " in Node (read, decode, prepare, run)")
    p.add_argument("--quick", action="store_true", help="2 rounds of few calls: for CI")
    p.add_argument("--out", type=Path, help="write the figures as JSON here")
    logs.add_flags(p)
    args = p.parse_args(argv)
    logs.configure("bench.js", quiet=args.quiet, verbose=args.verbose)
    if args.quick:
        args.rounds, args.singles, args.batches, args.visits = 2, 30, 2, 1
    pictures = None
    if args.pictures is not None:
        pictures = sorted(p for p in args.pictures.rglob("*") if p.is_file()
                          and p.suffix.lower() in (".png", ".jpg", ".jpeg"))
        if not pictures:
            raise ToolkitError(f"{args.pictures}: no PNG or JPEG pictures")
        pictures = pictures[:64] if args.quick else pictures
    from python.artifacts.manifest import MANIFEST, read_manifest

    formats = chosen_formats(set(read_manifest(args.artifacts).artifacts), args.formats)
    for f in (f for f in FORMATS if f not in formats and args.formats is None):
        log.warning("%s: not in %s (the export left it out, as its warnings said): not "
                    "measured", f, args.artifacts / MANIFEST)
    results = [measure(args.artifacts, f, args.rounds, args.singles, args.batches, args.threads,
                       args.visits, pictures) for f in formats]
    if args.out:
        args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
