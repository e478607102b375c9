"""The manifest version gate's shared fixtures: manifests of each version, older, current and
newer, with what every reader must say of them. Python (python.artifacts.manifest), Java
(Manifest.java) and JavaScript (js/src/core/manifest.js) are each held to the same list.

``python -m tests.versiongate DIR`` writes ``DIR/NAME/manifest.json`` for each case and
``DIR/cases.json``: name, and ``problem``, the one line after the file's name (null: the
manifest is read). The base is a real manifest's fields, versions changed.
"""

from __future__ import annotations

import argparse
import copy
import json
from pathlib import Path
from typing import Any

from python.artifacts.manifest import READS, SCHEMA_VERSION, version_problem
from python.data.preprocessing import VERSION as PREPROCESSING_VERSION

OLDEST_PRE, NEWEST_PRE = READS["preprocessing version"]
PRE_READS = f"{OLDEST_PRE} to {NEWEST_PRE}"
#: (name, schema_version, preprocessing version, the problem every reader states).
CASES: list[tuple[str, Any, Any, str | None]] = [
    ("current", SCHEMA_VERSION, PREPROCESSING_VERSION, None),
    ("oldest-preprocessing", SCHEMA_VERSION, OLDEST_PRE, None),
    ("newer-preprocessing", SCHEMA_VERSION, NEWEST_PRE + 1,
     f"written by a newer exporter (preprocessing version {NEWEST_PRE + 1}, this library reads"
     f" {PRE_READS}): update the library"),
    ("newer-schema", SCHEMA_VERSION + 1, PREPROCESSING_VERSION,
     f"written by a newer exporter (schema_version {SCHEMA_VERSION + 1}, this library reads"
     f" {SCHEMA_VERSION}): update the library"),
    ("far-future", 99, 99,
     f"written by a newer exporter (schema_version 99, this library reads {SCHEMA_VERSION}):"
     " update the library"),
    ("older-schema", SCHEMA_VERSION - 1, PREPROCESSING_VERSION,
     f"schema_version {SCHEMA_VERSION - 1} is older than this library reads ({SCHEMA_VERSION}):"
     " export again"),
    ("older-preprocessing", SCHEMA_VERSION, OLDEST_PRE - 1,
     f"preprocessing version {OLDEST_PRE - 1} is older than this library reads ({PRE_READS}):"
     " export again"),
    ("no-schema-version", None, PREPROCESSING_VERSION,
     "schema_version null is not a whole number: export again"),
    ("text-version", SCHEMA_VERSION, str(PREPROCESSING_VERSION),
     f"preprocessing version \"{PREPROCESSING_VERSION}\" is not a whole number: export again"),
]


def _with(base: dict, schema: Any, pre: Any) -> dict:
    out = copy.deepcopy(base)
    out.pop("schema_version", None)
    if schema is not None:
        out["schema_version"] = schema
    out["preprocessing"]["version"] = pre
    return out


def write_cases(folder: Path, base: dict) -> list[dict[str, Any]]:
    """Each case's manifest.json under folder, and cases.json; returns the cases."""
    folder.mkdir(parents=True, exist_ok=True)
    cases = []
    for name, schema, pre, problem in CASES:
        raw = _with(base, schema, pre)
        if version_problem(raw) != problem:  # the fixtures state Python's own rule
            raise AssertionError(f"{name}: Python says {version_problem(raw)!r}")
        (folder / name).mkdir(exist_ok=True)
        (folder / name / "manifest.json").write_text(json.dumps(raw, indent=1), "utf-8")
        cases.append({"name": name, "problem": problem})
    (folder / "cases.json").write_text(json.dumps(cases, indent=1), "utf-8")
    return cases


def base_manifest(work: Path) -> dict:
    """A current manifest's fields, written by this toolkit (tests.manifests' tiny one)."""
    from python.artifacts.manifest import write_manifest
    from tests.manifests import manifest_with

    work.mkdir(parents=True, exist_ok=True)
    (work / "model.onnx").write_bytes(b"model bytes")
    write_manifest(work, manifest_with(work, "onnx"))
    return json.loads((work / "manifest.json").read_text("utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.versiongate", description=__doc__)
    parser.add_argument("out", type=Path, help="folder to write the cases into")
    args = parser.parse_args(argv)
    cases = write_cases(args.out, base_manifest(args.out / ".base"))
    print(f"wrote {len(cases)} manifest version cases to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
