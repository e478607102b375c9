"""Java parity cells: run the JVM side in subprocesses, turn any failure into a failed cell.

Nothing here imports TensorFlow or JPype: inputs go out as .npy files, a worker
process (``python.runtimes.jvm_worker``) starts the JVM, probabilities come back as .npy.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from python.artifacts.manifest import Manifest, artifact_path
from python.artifacts.registry import FROM_FILES_RUNTIME, java_artifacts

ROOT = Path(__file__).resolve().parents[2]
CLASSPATH_FILE = ROOT / "build" / "runtime-classpath.txt"
#: Java runtimes that run on a classpath of their own (``gradle writeClasspath`` writes both).
CLASSPATH_FILES = {"onnxruntime_java_oldest":
                   ROOT / "build" / "runtime-classpath-onnxruntime-oldest.txt"}
WORKER = [sys.executable, "-m", "python.runtimes.jvm_worker"]
DEFAULT_TIMEOUT = 300.0


@dataclass
class JavaOutcome:
    """One job's result: probabilities [n, k] (or None) and the error that stopped it, or
    why the runtime cannot run this model at all (``not_applicable``)."""

    probability: np.ndarray | None
    error: str | None
    labels: list[str] | None = None
    not_applicable: str | None = None


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
    work.mkdir(parents=True, exist_ok=True)
    classpath_file = classpath_file or classpath_for(runtime)
    jobs = []
    for artifact, path in paths.items():
        if runtime == FROM_FILES_RUNTIME:
            jobs.append({"artifact": artifact, "path": str(path), "input": "files",
                         "files": files, "out": str(work / f"{runtime}.{artifact}.files.npy")})
            continue
        for name, x in inputs.items():
            npy = work / f"input.{name}.npy"
            if not npy.exists():
                np.save(npy, np.ascontiguousarray(x, dtype=np.float32))
            jobs.append({"artifact": artifact, "path": str(path), "input": name,
                         "npy": str(npy), "out": str(work / f"{runtime}.{artifact}.{name}.npy")})
    if not jobs:
        return {}
    why = java_unavailable(classpath_file)
    if why is not None:
        return {(j["artifact"], j["input"]): JavaOutcome(None, why) for j in jobs}
    result_file = work / f"{runtime}.result.json"
    request = {"classpath": read_classpath(classpath_file), "runtime": runtime,
               "artifacts": str((artifacts or work).resolve()), "signature": signature,
               "jobs": jobs, "result": str(result_file)}
    request_file = work / f"{runtime}.request.json"
    request_file.write_text(json.dumps(request), encoding="utf-8")
    failure = _run_worker(worker or WORKER, request_file, timeout)
    outcomes: dict[tuple[str, str], JavaOutcome] = {}
    reported = {}
    if failure is None and result_file.is_file():
        reported = {j["out"]: j for j in json.loads(result_file.read_text())["jobs"]}
    for job in jobs:
        key = (job["artifact"], job["input"])
        entry = reported.get(job["out"])
        if entry is None:
            outcomes[key] = JavaOutcome(None, failure or "the worker wrote no result")
        elif entry.get("not_applicable"):
            outcomes[key] = JavaOutcome(None, None, not_applicable=entry["not_applicable"])
        elif entry["error"]:
            outcomes[key] = JavaOutcome(None, entry["error"])
        else:
            n = len(job["files"]) if "files" in job else len(inputs[job["input"]])
            outcomes[key] = JavaOutcome(np.load(job["out"]).reshape(n, -1), None,
                                        entry.get("labels"))
    return outcomes


def _run_worker(command: list[str], request_file: Path, timeout: float) -> str | None:
    """Run the worker; return None on success, else why it failed with its stderr's tail."""
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": os.environ.get("TF_CPP_MIN_LOG_LEVEL", "2")}
    with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as err:
        try:
            proc = subprocess.run([*command, str(request_file)], cwd=ROOT, env=env,
                                  stdout=subprocess.DEVNULL, stderr=err, timeout=timeout)
        except subprocess.TimeoutExpired:
            err.seek(0)
            return f"JVM worker hung: killed after {timeout:g} s; stderr: {_tail(err.read())}"
        err.seek(0)
        text = err.read()
    if proc.returncode != 0:
        how = (f"killed by signal {-proc.returncode}" if proc.returncode < 0
               else f"exit status {proc.returncode}")
        return f"JVM worker crashed ({how}); stderr: {_tail(text)}"
    return None


def _tail(text: str, limit: int = 1500) -> str:
    text = text.strip()
    return (text[-limit:] if len(text) > limit else text) or "(empty)"
