"""Java parity cells: run the JVM side in subprocesses, turn any failure into a failed cell.

Nothing here imports TensorFlow or JPype: inputs go out as .npy files, a worker
process (``python.runtimes.jvm_worker``) starts the JVM, probabilities come back as .npy.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import asdict
from pathlib import Path

import numpy as np

from python.artifacts.manifest import Manifest, artifact_path
from python.artifacts.registry import FROM_FILES_RUNTIME, java_artifacts
from python.runtimes.workers import ROOT, WorkerOutcome, make_jobs, run_jobs

CLASSPATH_FILE = ROOT / "build" / "runtime-classpath.txt"
#: Java runtimes that run on a classpath of their own (``gradle writeClasspath`` writes both).
CLASSPATH_FILES = {"onnxruntime_java_oldest":
                   ROOT / "build" / "runtime-classpath-onnxruntime-oldest.txt"}
WORKER = [sys.executable, "-m", "python.runtimes.jvm_worker"]
DEFAULT_TIMEOUT = 300.0


#: A Java job's outcome (python.runtimes.workers.WorkerOutcome).
JavaOutcome = WorkerOutcome


def java_unavailable(classpath_file: Path = CLASSPATH_FILE) -> str | None:
    """Why the Java cells cannot run here, or None when they can."""
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        return "no JDK: java is not on PATH and JAVA_HOME is not set"
    try:
        import jpype  # noqa: F401
    except ImportError:
        return "jpype1 is not installed"
    if not classpath_file.is_file():
        shown = (classpath_file.relative_to(ROOT) if classpath_file.is_relative_to(ROOT)
                 else classpath_file)
        return f"no Gradle classpath at {shown} (run: gradle writeClasspath)"
    missing = [p for p in read_classpath(classpath_file) if not Path(p).exists()]
    if missing:
        return f"classpath entry missing: {missing[0]} (run: gradle writeClasspath)"
    return None


def read_classpath(classpath_file: Path = CLASSPATH_FILE) -> list[str]:
    return [ln.strip() for ln in classpath_file.read_text(encoding="utf-8").splitlines()
            if ln.strip()]


def classpath_for(runtime: str) -> Path:
    return CLASSPATH_FILES.get(runtime, CLASSPATH_FILE)


def run_java(
    runtime: str, artifacts: Path, manifest: Manifest, inputs: dict[str, np.ndarray],
    files: list[str], work: Path, timeout: float = DEFAULT_TIMEOUT,
    worker: list[str] | None = None, classpath_file: Path | None = None,
) -> dict[tuple[str, str], JavaOutcome]:
    """Run one Java runtime's artifacts in one worker process: (artifact, input) -> outcome.

    ``inputs`` are tensors for the tensor runtimes; ``files`` are pictures for the
    from-files runtime (its input is named ``files``).
    """
    paths = {a: artifact_path(artifacts, manifest, a).resolve()
             for a in java_artifacts(runtime) if a in manifest.artifacts}
    return run_models(runtime, paths, asdict(manifest.signature), inputs, files, work,
                      timeout, artifacts=artifacts, worker=worker, classpath_file=classpath_file)


def run_models(
    runtime: str, paths: dict[str, Path], signature: dict[str, str],
    inputs: dict[str, np.ndarray], files: list[str], work: Path,
    timeout: float = DEFAULT_TIMEOUT, artifacts: Path | None = None,
    worker: list[str] | None = None, classpath_file: Path | None = None,
) -> dict[tuple[str, str], JavaOutcome]:
    """Run model files (name -> path) in one Java runtime's worker: (name, input) -> outcome.

    The export uses this directly to try int8 candidates in the oldest ONNX Runtime.
    """
    classpath_file = classpath_file or classpath_for(runtime)
    jobs = make_jobs(runtime, paths, inputs, files, work, runtime == FROM_FILES_RUNTIME)
    if not jobs:
        return {}
    why = java_unavailable(classpath_file)
    if why is not None:
        return {(j["artifact"], j["input"]): JavaOutcome(None, why) for j in jobs}
    request = {"classpath": read_classpath(classpath_file), "runtime": runtime,
               "artifacts": str((artifacts or work).resolve()), "signature": signature}
    return run_jobs(worker or WORKER, "JVM worker", request, jobs, inputs, work, timeout)
