"""JavaScript parity cells: the js/ package and ONNX Runtime's JavaScript builds, run by a
Node worker (``js/tools/parity-worker.js``), in Node or in headless Chromium.

The same request and result files as the Java cells (``python.runtimes.workers``): inputs go
out as .npy files, probabilities come back as .npy, any failure becomes a failed cell.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import numpy as np

from python.artifacts.manifest import Manifest, artifact_path
from python.artifacts.registry import BROWSER_RUNTIMES, FROM_FILES_RUNTIMES, js_artifacts
from python.runtimes.workers import ROOT, WorkerOutcome, make_jobs, run_jobs

PACKAGE = ROOT / "js"
WORKER_SCRIPT = PACKAGE / "tools" / "parity-worker.js"
#: The environment variable that turns the JavaScript cells' skip into a failure.
REQUIRE_JS = "MODELPARITY_REQUIRE_JS"
#: Where Chromium is looked for when MODELPARITY_CHROMIUM does not say (Debian's package first).
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
#: The packages the worker loads, by runtime.
NEEDED = {"onnxruntime_node": ("onnxruntime-node",), "node_files": ("onnxruntime-node", "sharp"),
          "onnxruntime_web": ("onnxruntime-web", "playwright-core"),
          "web_files": ("onnxruntime-web", "playwright-core")}
MIN_NODE = 20
DEFAULT_TIMEOUT = 300.0


def chromium() -> str | None:
    """The Chromium to drive: MODELPARITY_CHROMIUM, else the first of CHROMIUM_NAMES on PATH."""
    chosen = os.environ.get("MODELPARITY_CHROMIUM")
    if chosen:
        return chosen if Path(chosen).is_file() else None
    return next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)


def node_version() -> int | None:
    """Node's major version, or None without Node."""
    node = shutil.which("node")
    if node is None:
        return None
    try:
        out = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=30)
        return int(out.stdout.strip().lstrip("v").split(".")[0])
    except (OSError, ValueError, subprocess.SubprocessError):
        return None


def js_unavailable(runtime: str | None = None) -> str | None:
    """Why the JavaScript cells (or one runtime's) cannot run here, or None when they can."""
    version = node_version()
    if version is None:
        return "no Node: node is not on PATH"
    if version < MIN_NODE:
        return f"Node {version} is older than the {MIN_NODE} the js/ package needs"
    needed = NEEDED.get(runtime, tuple(p for ps in NEEDED.values() for p in ps))
    missing = [p for p in dict.fromkeys(needed) if not (PACKAGE / "node_modules" / p).is_dir()]
    if missing:
        return (f"js/node_modules lacks {', '.join(missing)} (run: npm ci --prefix js, as"
                " setup.sh does)")
    if (runtime is None or runtime in BROWSER_RUNTIMES) and chromium() is None:
        return ("no Chromium: none of " + ", ".join(CHROMIUM_NAMES) + " is on PATH (Debian:"
                " apt-get install chromium) and MODELPARITY_CHROMIUM names no file")
    return None


def run_js(runtime: str, artifacts: Path, manifest: Manifest, inputs: dict[str, np.ndarray],
           files: list[str], work: Path, timeout: float = DEFAULT_TIMEOUT,
           ) -> dict[tuple[str, str], WorkerOutcome]:
    """Run one JavaScript runtime's artifacts in one worker: (artifact, input) -> outcome."""
    paths = {a: artifact_path(artifacts, manifest, a).resolve()
             for a in js_artifacts(runtime) if a in manifest.artifacts}
    from_files = runtime in FROM_FILES_RUNTIMES
    jobs = make_jobs(runtime, paths, inputs, files, work, from_files)
    if not jobs:
        return {}
    why = js_unavailable(runtime)
    if why is not None:
        return {(j["artifact"], j["input"]): WorkerOutcome(None, why) for j in jobs}
    request = {"runtime": runtime, "artifacts": str(artifacts.resolve()),
               "input_name": manifest.signature.onnx_input,
               "output_name": manifest.signature.onnx_output, "chromium": chromium()}
    return run_jobs(["node", str(WORKER_SCRIPT)], "JavaScript worker", request, jobs, inputs,
                    work, timeout)


def prepare_with_js(runtime: str, recipe: dict, files: list[str], work: Path,
                    timeout: float = DEFAULT_TIMEOUT) -> WorkerOutcome:
    """The model inputs the js/ package makes of picture files under a recipe (the manifest's
    ``preprocessing``), in Node (``node_files``) or Chromium (``web_files``): [n, values],
    NaN rows where it refused a picture, its reason in ``errors``."""
    work.mkdir(parents=True, exist_ok=True)
    job = {"artifact": "recipe", "input": "files", "recipe": recipe, "files": files,
           "out": str(work / f"{runtime}.prepared.npy")}
    why = js_unavailable(runtime)
    if why is not None:
        return WorkerOutcome(None, why)
    request = {"runtime": runtime, "artifacts": None, "chromium": chromium()}
    outcomes = run_jobs(["node", str(WORKER_SCRIPT)], "JavaScript worker", request, [job], {},
                        work, timeout)
    return outcomes[("recipe", "files")]
