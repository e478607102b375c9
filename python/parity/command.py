"""python -m python.parity: every artifact in every runtime, Java's included, against Keras.

Writes ``DIR/parity.json``, refreshes the manifest's ``parity`` and exits 1 when any
cell is out of tolerance or could not run.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from python import logs  # noqa: E402
from python.errors import ParityError, cli_main  # noqa: E402
from python.parity import tolerance  # noqa: E402
from python.parity.compare import failures  # noqa: E402

PARITY_FILE = "parity.json"


@cli_main
def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m python.parity",
        description="Run every artifact in every runtime (Keras, TensorFlow, LiteRT, ONNX"
        " Runtime, TensorFlow Java, ONNX Runtime Java, the Java library from picture files,"
        " onnxruntime-node, onnxruntime-web in Chromium, the js/ package from picture files)"
        " on the test split and edge inputs; compare with Keras; exit 1 on any failure.")
    p.add_argument("--artifacts", type=Path, default=Path("artifacts"))
    p.add_argument("--no-java", action="store_true", help="no Java runtimes")
    p.add_argument("--no-js", action="store_true",
                   help="no JavaScript runtimes (Node and headless Chromium, which otherwise run"
                   " where they are installed; MODELPARITY_REQUIRE_JS=1 makes their absence fail)")
    p.add_argument("--timeout", type=float, default=300.0,
                   help="seconds a JVM worker may take before it counts as hung (default 300)")
    logs.add_flags(p)
    args = p.parse_args(argv)
    logs.configure("parity", quiet=args.quiet, verbose=args.verbose)
    from python.artifacts.manifest import read_manifest, write_manifest
    from python.parity.matrix import cells_for_manifest, failed_cell, js_matrix, run_matrix
    from python.parity.tables import parity_table
    from python.runtimes.js import REQUIRE_JS

    manifest = read_manifest(args.artifacts)
    started = time.perf_counter()
    cells, skipped = run_matrix(args.artifacts, manifest, java=not args.no_java,
                                timeout=args.timeout)
    if skipped and not args.no_java:
        cells["java/*"] = failed_cell(f"Java cells could not run: {skipped}")
    js_skipped = "not asked for"
    if not args.no_js:
        js_cells, js_skipped = js_matrix(args.artifacts, manifest, args.timeout)
        cells.update(js_cells)
        if js_skipped and os.environ.get(REQUIRE_JS) == "1":
            cells["js/*"] = failed_cell(f"{REQUIRE_JS}=1 but the JavaScript cells could not run:"
                                        f" {js_skipped}")
    seconds = time.perf_counter() - started
    report = {"cells": {k: c.to_json() for k, c in cells.items()},
              "java": "skipped: " + skipped if skipped else "ran",
              "js": "skipped: " + js_skipped if js_skipped else "ran",
              "seconds": round(seconds, 1),
              "tolerances": tolerance.describe(manifest.float_max_abs_diff())}
    (args.artifacts / PARITY_FILE).write_text(json.dumps(report, indent=2, allow_nan=False)
                                              + "\n")
    manifest = manifest.with_parity(cells_for_manifest(cells))
    write_manifest(args.artifacts, manifest)
    print(parity_table(cells))
    if js_skipped and not args.no_js and "js/*" not in cells:
        print(f"\nJavaScript cells skipped: {js_skipped}")
    failed = failures(cells)
    applicable = [c for c in cells.values() if not c.not_applicable]
    absent = len(cells) - len(applicable)
    print(f"\n{len(applicable) - len(failed)} of {len(applicable)} cells within tolerance"
          + (f", {absent} not applicable" if absent else "")
          + f" in {seconds:.1f} s; wrote {args.artifacts / PARITY_FILE}")
    if failed:
        raise ParityError("out of tolerance or could not run: " + "; ".join(failed))
    return 0
