"""python -m python.bench: speed, memory and size of every route from Python to Java.

Each runtime runs in a process of its own (peak resident memory is that process's),
with one intra-op thread, on the same machine in one run; every speed is also
given as a ratio to the Keras baseline of the same run, since absolute times drift
on a shared machine. A benchmark, not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from python import logs
from python.artifacts.manifest import Manifest
from python.artifacts.registry import ARTIFACTS
from python.errors import ToolkitError, cli_main
from python.runtimes.jvm import CLASSPATH_FILE, ROOT, read_classpath

SEED_DATA = ROOT.parent / "shared" / "datasets" / "selfie-or-not" / "thumbnails-40"
JAVA_BENCH = ROOT / "build" / "install" / "modelparity-java" / "bin" / "modelparity-java-benchmark"
JAVA_CLI = JAVA_BENCH.with_name("modelparity-java")
#: (runtime, artifact): every artifact in its Python runtime, Keras first (the baseline).
PYTHON_ROUTES = [(a.python_runtime, a.name) for a in ARTIFACTS if a.name == "keras"] + [
    (a.python_runtime, a.name) for a in ARTIFACTS if a.name != "keras"]
WORKER = [sys.executable, "-m", "python.runtimes.bench_worker"]
#: (runtime, artifact, environment): TensorFlow Java runs twice, with its oneDNN kernels
#: (the default) and with its Eigen ones (TF_ENABLE_ONEDNN_OPTS=0, read once at load), as
#: the faster of the two depends on the network and the batch.
ONEDNN_OFF = {"TF_ENABLE_ONEDNN_OPTS": "0"}
JAVA_ROUTES = [("tensorflow_java", "savedmodel", {}),
               ("tensorflow_java_onednn_off", "savedmodel", ONEDNN_OFF),
               ("onnxruntime_java", "onnx", {}), ("onnxruntime_java", "onnx_int8", {})]
#: The seed's slides: 10 epochs of 1280 training pictures took an hour.
SEED_SAMPLES_PER_S = 1280 * 10 / 3600.0
log = logging.getLogger(__name__)


def run_measured(command: list[str], timeout: float = 900,
                 environment: dict[str, str] | None = None) -> tuple[str, float, str]:
    """Run a command; return its stdout, its peak resident memory in MB, and its stderr."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", **(environment or {})}
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=err)
        deadline = time.monotonic() + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                proc.kill()
                raise ToolkitError(f"{command[0]}: timed out after {timeout:g} s")
            time.sleep(0.05)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode != 0:
        raise ToolkitError(f"{' '.join(command[:4])}...: exit {proc.returncode}:"
                           f" {stderr.strip().splitlines()[-1:] or ''}")
    return stdout, usage.ru_maxrss / 1024.0, stderr


def training(data: Path, quick: bool, architecture: str) -> dict:
    """Train and export on the seed data in a subprocess, as a user would run it."""
    with tempfile.TemporaryDirectory(prefix="bench-export-") as tmp:
        # quick: one epoch, no int8 (an undertrained model's int8 labels may rightly fail)
        flags = ["--epochs", "1"] if quick else ["--quantize"]
        start = time.perf_counter()
        run_measured([sys.executable, "-m", "python.export", "--quiet", "--data", str(data),
                      "--out", str(Path(tmp) / "a"), "--architecture", architecture, *flags],
                     timeout=1800)
        wall = time.perf_counter() - start
        m = json.loads((Path(tmp) / "a" / "manifest.json").read_text())
    t = m["training"]
    per_epoch = m["data"]["train"] * (2 if t["augmentation"] == "mirror" else 1)
    samples = per_epoch * t["epochs"]
    seconds = m["metrics"]["training_seconds"]
    return {"samples_per_s": samples / seconds, "seconds": seconds, "epochs": t["epochs"],
            "architecture": t["architecture"],
            "samples": samples, "export_and_verify_seconds": wall - seconds,
            "command_seconds": wall, "test_accuracy": m["metrics"]["test_accuracy"],
            "seed_samples_per_s": SEED_SAMPLES_PER_S,
            "speedup_over_seed": samples / seconds / SEED_SAMPLES_PER_S}


def python_runtimes(artifacts: Path, manifest: Manifest, iterations: int,
                    threads: int) -> list[dict]:
    from python.artifacts.manifest import checked_artifact

    i = manifest.input
    shape = f"{i.height},{i.width},{i.channels}"
    rows = []
    for runtime, artifact in PYTHON_ROUTES:
        if artifact not in manifest.artifacts:
            continue
        path = checked_artifact(artifacts, manifest, artifact)
        log.info("bench: %s %s (Python)", runtime, artifact)
        out, rss, _ = run_measured([*WORKER, "--runtime", runtime, "--path", str(path),
                                    "--shape", shape, "--iterations", str(iterations),
                                    "--threads", str(threads)])
        rows.append({"name": runtime, "artifact": artifact, "lang": "python",
                     **json.loads(out.strip().splitlines()[-1]), "peak_rss_mb": rss})
    return rows


def java_runtimes(artifacts: Path, manifest: Manifest, pictures: Path | None, iterations: int,
                  threads: int) -> tuple[list, dict]:
    if not JAVA_BENCH.exists():
        raise ToolkitError(f"{JAVA_BENCH.relative_to(ROOT)}: missing (run: gradle installDist)")
    rows, pre = [], {}
    for runtime, artifact, environment in JAVA_ROUTES:
        if artifact not in manifest.artifacts:  # an int8 file the export left out
            log.info("bench: %s %s (Java) skipped: not in the manifest", runtime, artifact)
            continue
        cmd = [str(JAVA_BENCH), "--artifacts", str(artifacts), "--iterations", str(iterations),
               "--formats", artifact, "--threads", str(threads)]
        if pictures is not None and not pre:
            cmd += ["--pictures", str(pictures)]
        log.info("bench: %s %s (Java)", runtime, artifact)
        out, rss, _ = run_measured(cmd, environment=environment)
        report = json.loads(out[out.index("{"):])
        pre = pre or report.get("preprocessing", {})
        r = report["runtimes"][artifact]
        rows.append({"name": runtime, "artifact": artifact, "lang": "java",
                     "load_ms": r["load_ms"], "latency_ms_p50": r["p50_ms"],
                     "latency_ms_p99": r["p99_ms"], "throughput_per_s": r["batch64_pictures_per_s"],
                     "peak_rss_mb": rss})
        if "tensorflow_java_call_floor_ms" in report:
            rows[-1]["call_floor_ms"] = report["tensorflow_java_call_floor_ms"]
    return rows, pre


def _dist_bytes(*names: str) -> int:
    from importlib.metadata import PackageNotFoundError, distribution

    total = 0
    for name in names:
        try:
            files = distribution(name).files or []
        except PackageNotFoundError:
            continue
        total += sum(f.locate().stat().st_size for f in files if f.locate().is_file())
    return total


def footprint(manifest: Manifest) -> list[dict]:
    """Model bytes plus the runtime a deployment of each route must carry."""
    jars = {Path(p).name: Path(p).stat().st_size for p in read_classpath(CLASSPATH_FILE)} \
        if CLASSPATH_FILE.exists() else {}

    def jar_bytes(*prefixes: str) -> int:
        return sum(b for n, b in jars.items() if n.startswith(prefixes))

    tf_java = jar_bytes("tensorflow-core", "protobuf-java", "javacpp", "ndarray")
    ort_java = jar_bytes("onnxruntime")
    ort_linux = _linux_x64_only([p for p in read_classpath(CLASSPATH_FILE)
                                 if Path(p).name.startswith("onnxruntime")]) if jars else 0
    library = jar_bytes("modelparity-0", "imageio", "common-", "metadata-extractor", "xmpcore",
                        "jackson", "picocli")
    model = {k: v.bytes for k, v in manifest.artifacts.items()}
    routes = [
        ("TensorFlow Java + SavedModel", "savedmodel", tf_java + library,
         "tensorflow-core-api, tensorflow-core-native (linux-x86_64), protobuf, javacpp,"
         " ndarray jars; plus the picture library"),
        ("ONNX Runtime Java + ONNX", "onnx", ort_java + library,
         "onnxruntime jar (natives for Linux, macOS, Windows); plus the picture library"),
        ("ONNX Runtime Java + ONNX int8", "onnx_int8", ort_java + library,
         "onnxruntime jar (natives for Linux, macOS, Windows); plus the picture library"),
        ("ONNX Runtime Java, Linux x64 only + ONNX", "onnx", ort_linux + library,
         "the onnxruntime jar less its other platforms' natives (as a shaded deployment"
         " jar would carry it); plus the picture library"),
        ("ONNX Runtime Java, Linux x64 only + ONNX int8", "onnx_int8", ort_linux + library,
         "the onnxruntime jar less its other platforms' natives; plus the picture library"),
        ("Python TensorFlow + SavedModel", "savedmodel",
         _dist_bytes("tensorflow", "keras", "numpy"), "installed tensorflow, keras, numpy"),
        ("Python onnxruntime + ONNX int8", "onnx_int8", _dist_bytes("onnxruntime", "numpy"),
         "installed onnxruntime, numpy"),
        ("LiteRT + TFLite int8", "tflite_int8", _dist_bytes("ai-edge-litert", "numpy"),
         "installed ai-edge-litert, numpy"),
    ]
    return [{"route": r, "artifact": a, "model_bytes": model.get(a, 0), "runtime_bytes": rb,
             "total_mb": (model.get(a, 0) + rb) / 1e6, "runtime_parts": what}
            for r, a, rb, what in routes if a in model]


def _linux_x64_only(jars: list[str]) -> int:
    """Compressed bytes of a jar's entries, leaving out natives for other platforms."""
    import zipfile

    total = 0
    for jar in jars:
        with zipfile.ZipFile(jar) as z:
            total += sum(i.compress_size for i in z.infolist()
                         if "/native/" not in i.filename or "/native/linux-x64/" in i.filename)
    return total


def machine() -> dict:
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    from python.artifacts.manifest import versions

    java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr
    return {"cpu": cpu, "cores": os.cpu_count(), "platform": platform.platform(),
            "java": (java.splitlines() or ["none"])[0], **versions()}


@cli_main
def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m python.bench",
        description="Measure training, inference latency and throughput, load time, peak"
        " memory and deployable size of every route, Python and Java, in one run.")
    p.add_argument("--artifacts", type=Path, default=Path("artifacts"))
    p.add_argument("--out", type=Path, default=Path("bench.json"))
    p.add_argument("--data", type=Path, default=SEED_DATA,
                   help="pictures to train on and preprocess (default: the shared seed data)")
    p.add_argument("--threads", type=int, default=1,
                   help="intra-op threads for every runtime (default: 1)")
    p.add_argument("--no-training", dest="training", action="store_false",
                   help="skip the training measurement")
    p.add_argument("--quick", action="store_true",
                   help="few iterations and one epoch: keeps the benchmark working in CI")
    p.add_argument("--iterations", type=int,
                   help="timed one-picture calls per runtime (default: 3000; 50 with --quick)")
    p.add_argument("--no-photos", dest="photos", action="store_false",
                   help="skip the phone-size photos")
    p.add_argument("--photos-only", action="store_true",
                   help="only phone-size photos: file to probability in both languages against"
                   " Pillow's decode, and peak memory (Java on 8 threads, python.predict)")
    logs.add_flags(p)
    args = p.parse_args(argv)
    logs.configure("bench", quiet=args.quiet, verbose=args.verbose)
    from python.artifacts.manifest import read_manifest
    from python.bench.photo_runs import photo_section
    from python.bench.report import write_reports

    manifest = read_manifest(args.artifacts)
    if not JAVA_BENCH.exists():
        raise ToolkitError(f"{JAVA_BENCH.relative_to(ROOT)}: missing (run: gradle installDist)")
    photos = photo_section(args.artifacts, 3 if args.quick else 15, run_measured, JAVA_BENCH,
                           JAVA_CLI) if args.photos or args.photos_only else None
    if args.photos_only:
        paths = write_reports({"machine": machine(), "photos": photos}, args.out)
        print(paths["markdown"].read_text())
        return 0
    iterations = args.iterations or (50 if args.quick else 3000)
    have_data = args.data.is_dir()
    trained = manifest.training
    result: dict = {"machine": machine(), "quick": args.quick, "iterations": iterations,
                    "threads": args.threads, "artifacts": {
                        "model": manifest.model.source,
                        "architecture": trained.architecture if trained else None,
                        "test_accuracy": manifest.metrics.test_accuracy
                        if manifest.metrics else None}}
    rows = python_runtimes(args.artifacts, manifest, iterations, args.threads)
    try:
        java_rows, java_pre = java_runtimes(args.artifacts, manifest,
                                            args.data if have_data else None,
                                            iterations, args.threads)
    except ToolkitError as err:  # a model the Java library cannot prepare pictures for yet
        if "not supported" not in str(err):
            raise
        log.warning("bench: Java routes skipped: %s", err)
        java_rows, java_pre = [], {}
    result["runtimes"] = rows + java_rows
    if photos is not None:
        result["photos"] = photos
    result["preprocessing"] = {"java_ms_per_picture": java_pre.get("us_per_picture", 0) / 1e3}
    if have_data:
        out, _, _ = run_measured([*WORKER, "--runtime", "pillow", "--path", str(args.data),
                                  "--iterations", "200" if args.quick else "2000"])
        result["preprocessing"]["python_ms_per_picture"] = json.loads(out)[
            "preprocess_ms_per_picture"]
    if have_data and args.training and trained is not None:
        log.info("bench: training on the seed data")
        result["training"] = training(args.data, args.quick, manifest.training.architecture)
    else:
        why = "--no-training" if not args.training else "the model was given (--model)" \
            if trained is None else f"{args.data}: no such folder"
        result["training"] = {"skipped": why}
    result["footprint"] = footprint(manifest)
    paths = write_reports(result, args.out)
    print(paths["markdown"].read_text())
    log.info("bench: wrote %s", ", ".join(str(p) for p in paths.values()))
    return 0

