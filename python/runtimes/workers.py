"""Runtimes that run in a process of their own (a JVM, Node, a browser driven from Node):
the request file they read, the result file they write, and any failure as a failed outcome.

A worker gets ``REQUEST.json``: its runtime, the jobs (one model and one input each: a
tensor as ``.npy``, or picture files) and where to write ``RESULT.json``; it writes each
job's probabilities to the job's ``out`` ``.npy`` and reports ``error``, ``not_applicable``
and the labels it gave. Nothing here imports a runtime.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
#: The input a from-files job reads: picture files, not a tensor.
FILES_INPUT = "files"


@dataclass
class WorkerOutcome:
    """One job's result: probabilities [n, k] (or None) and the error that stopped it, or
    why the runtime cannot run this model at all (``not_applicable``)."""

    probability: np.ndarray | None
    error: str | None
    labels: list[str] | None = None
    not_applicable: str | None = None
    #: A job that prepared pictures: per picture, why it was refused (None: prepared).
    errors: list[str | None] | None = None


def make_jobs(runtime: str, paths: dict[str, Path], inputs: dict[str, np.ndarray],
              files: list[str], work: Path, from_files: bool) -> list[dict]:
    """One job per model and input set (a from-files runtime: one per model, on ``files``);
    each input written once as .npy under ``work``. Every path is made absolute: a worker
    runs in the repository's folder, not in the caller's (``--data pictures``, ``--out
    artifacts`` given relative)."""
    work = work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    files = [str(Path(f).resolve()) for f in files]
    paths = {artifact: Path(path).resolve() for artifact, path in paths.items()}
    jobs = []
    for artifact, path in paths.items():
        if from_files:
            jobs.append({"artifact": artifact, "path": str(path), "input": FILES_INPUT,
                         "files": files, "out": str(work / f"{runtime}.{artifact}.files.npy")})
            continue
        for name, x in inputs.items():
            npy = work / f"input.{name}.npy"
            if not npy.exists():
                np.save(npy, np.ascontiguousarray(x, dtype=np.float32))
            jobs.append({"artifact": artifact, "path": str(path), "input": name,
                         "npy": str(npy), "out": str(work / f"{runtime}.{artifact}.{name}.npy")})
    return jobs


def run_jobs(command: list[str], what: str, request: dict, jobs: list[dict],
             inputs: dict[str, np.ndarray], work: Path, timeout: float,
             ) -> dict[tuple[str, str], WorkerOutcome]:
    """Write the request, run the worker, read every job's outcome: (artifact, input) ->
    outcome. A worker that crashes, hangs or writes nothing fails every job, saying why."""
    runtime = request["runtime"]
    work = work.resolve()  # the worker runs in the repository's folder
    result_file = work / f"{runtime}.result.json"
    request_file = work / f"{runtime}.request.json"
    request_file.write_text(json.dumps({**request, "jobs": jobs, "result": str(result_file)}),
                            encoding="utf-8")
    failure = run_worker(command, request_file, timeout, what)
    reported = {}
    if failure is None and result_file.is_file():
        reported = {j["out"]: j for j in json.loads(result_file.read_text())["jobs"]}
    outcomes: dict[tuple[str, str], WorkerOutcome] = {}
    for job in jobs:
        key = (job["artifact"], job["input"])
        entry = reported.get(job["out"])
        if entry is None:
            outcomes[key] = WorkerOutcome(None, failure or "the worker wrote no result")
        elif entry.get("not_applicable"):
            outcomes[key] = WorkerOutcome(None, None, not_applicable=entry["not_applicable"])
        elif entry["error"]:
            outcomes[key] = WorkerOutcome(None, entry["error"])
        else:
            n = len(job["files"]) if "files" in job else len(inputs[job["input"]])
            outcomes[key] = WorkerOutcome(np.load(job["out"]).reshape(n, -1), None,
                                          entry.get("labels"), errors=entry.get("errors"))
    return outcomes


def run_worker(command: list[str], request_file: Path, timeout: float,
               what: str = "worker") -> str | None:
    """Run the worker; return None on success, else why it failed with its stderr's tail."""
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": os.environ.get("TF_CPP_MIN_LOG_LEVEL", "2")}
    with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as err:
        try:
            proc = subprocess.run([*command, str(request_file)], cwd=ROOT, env=env,
                                  stdout=subprocess.DEVNULL, stderr=err, timeout=timeout)
        except subprocess.TimeoutExpired:
            err.seek(0)
            return f"{what} hung: killed after {timeout:g} s; stderr: {tail(err.read())}"
        err.seek(0)
        text = err.read()
    if proc.returncode != 0:
        how = (f"killed by signal {-proc.returncode}" if proc.returncode < 0
               else f"exit status {proc.returncode}")
        return f"{what} crashed ({how}); stderr: {tail(text)}"
    return None


def tail(text: str, limit: int = 1500) -> str:
    text = text.strip()
    return (text[-limit:] if len(text) > limit else text) or "(empty)"
