"""The test photos (python.bench.photos) and bad large JPEGs that must be refused in one line."""

from __future__ import annotations

from pathlib import Path

from python.bench.photos import make_photos, noisy_photo

__all__ = ["make_bad_photos", "make_photos"]


def make_bad_photos(folder: str | Path) -> dict[str, Path]:
    """Large JPEGs that must be refused in one line: truncated, broken header, too many pixels."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    whole = folder / "whole.jpg"
    noisy_photo("coffee", 2000, 1500, 7).save(whole, quality=85)
    data = whole.read_bytes()
    whole.unlink()
    files = {name: folder / name for name in
             ("truncated_photo.jpg", "broken_header_photo.jpg", "bomb_photo.jpg")}
    files["truncated_photo.jpg"].write_bytes(data[: len(data) * 6 // 10])
    sof = data.index(b"\xff\xc0")
    files["broken_header_photo.jpg"].write_bytes(data[:sof + 5] + b"\0\0\0\0" + data[sof + 9:])
    bomb = bytearray(data)  # 10000 x 6000 in the frame header: 60 megapixels
    bomb[sof + 5:sof + 9] = (6000).to_bytes(2, "big") + (10000).to_bytes(2, "big")
    files["bomb_photo.jpg"].write_bytes(bytes(bomb))
    return files
