"""manifest.json: what was exported, from what, how to feed it, and how well it agrees."""

from __future__ import annotations

import hashlib
import json
import platform
from pathlib import Path

from python.errors import ArtifactError

MANIFEST = "manifest.json"

#: How the digest of a folder artifact (the SavedModel) is made, written into the manifest.
FOLDER_DIGEST_RULE = (
    "sha256 over the folder's files in sorted order of their '/'-separated relative paths;"
    " for each file the UTF-8 bytes of: relative path, a NUL byte, the file's sha256 in"
    " lowercase hex, a newline"
)


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def folder_sha256(path: Path) -> str:
    """Digest of a folder per FOLDER_DIGEST_RULE: content and names, not timestamps."""
    h = hashlib.sha256()
    files = sorted((p for p in path.rglob("*") if p.is_file()),
                   key=lambda p: p.relative_to(path).as_posix())
    for p in files:
        h.update(f"{p.relative_to(path).as_posix()}\0{file_sha256(p)}\n".encode())
    return h.hexdigest()


def artifact_sha256(path: Path) -> str:
    return folder_sha256(path) if path.is_dir() else file_sha256(path)


def artifact_bytes(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return path.stat().st_size


def describe_artifact(root: Path, rel: str, fmt: str) -> dict[str, object]:
    """The manifest entry for one artifact under root."""
    path = root / rel
    return {"path": rel, "format": fmt, "bytes": artifact_bytes(path),
            "sha256": artifact_sha256(path)}


def versions() -> dict[str, str]:
    """Versions of the Python side that made the artifacts."""
    from importlib.metadata import PackageNotFoundError, version

    found = {"python": platform.python_version()}
    for pkg in ("tensorflow", "keras", "tf2onnx", "onnx", "onnxruntime", "numpy", "pillow"):
        try:
            found[pkg] = version(pkg)
        except PackageNotFoundError:
            found[pkg] = "not installed"
    return found


def write_manifest(root: Path, manifest: dict[str, object]) -> Path:
    path = root / MANIFEST
    path.write_text(json.dumps(manifest, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    return path


def read_manifest(root: Path) -> dict[str, object]:
    path = Path(root) / MANIFEST
    if not path.is_file():
        raise ArtifactError(f"{path}: no manifest; run python -m python.export first")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ArtifactError(f"{path}: not a valid manifest ({err})") from None


def checked_artifact(root: Path, manifest: dict[str, object], name: str) -> Path:
    """The artifact's path, after checking it exists and matches the manifest's sha256."""
    artifacts = manifest.get("artifacts", {})
    if name not in artifacts:
        known = ", ".join(sorted(artifacts)) or "none"
        raise ArtifactError(f"{Path(root) / MANIFEST}: no artifact {name!r} (has {known})")
    entry = artifacts[name]
    path = Path(root) / entry["path"]
    if not path.exists():
        raise ArtifactError(f"{path}: artifact {name!r} is missing")
    digest = artifact_sha256(path)
    if digest != entry["sha256"]:
        raise ArtifactError(
            f"{path}: artifact {name!r} was altered (sha256 {digest[:12]}..., manifest says"
            f" {entry['sha256'][:12]}...)"
        )
    return path
