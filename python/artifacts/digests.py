"""sha256 of an artifact: a file's bytes, or a folder's files by the rule in the manifest."""

from __future__ import annotations

import hashlib
from pathlib import Path

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
