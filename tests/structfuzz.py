"""Seeded structure-aware damaged JPEGs and PNGs: fields, lengths, ids, order, checksums, cuts.

tests.fuzzpictures flips bytes, which rarely hits a table id, a sampling factor or an IDAT
split; these mutations change one named field of one segment or chunk (issue 37). Python
(Pillow) is the reference: Java and JavaScript must accept and refuse the same files and label
the rest alike. Pure Python with one ``random.Random(seed)``: the same seed gives the same
files, byte for byte. A PNG chunk changed here gets its CRC made right again (but in the
``crc`` mutation), and a zlib stream changed gets a right Adler-32 (but in ``adler``), so that
the damage is the one named.

``python -m tests.structfuzz --count 1500 --out DIR --compare`` writes 1,500 JPEGs and 1,500
PNGs and prints the three-language figures (tests.fuzzcompare).
"""

from __future__ import annotations

import argparse
import random
import struct
from pathlib import Path

from PIL import Image

from tests.fuzzpictures import PNG_SIGNATURE, _encode, seed_files
from tests.structfuzz_jpeg import JPEG_MUTATIONS
from tests.structfuzz_png import PNG_MUTATIONS, _exif

# ---- seeds

def seeds(seed: int = 0) -> tuple[list[tuple[str, bytes]], list[tuple[str, bytes]]]:
    """The JPEGs and PNGs mutations start from: tests.fuzzpictures' seed files and, made from
    its first grey seed, the kinds it lacks (4:4:4, medium sizes the reduced routes read at 1/2
    and 1/4, grey progressive and restart JPEGs; interlaced-to-be, tRNS, 16-bit RGB and small
    palette PNGs)."""
    files = seed_files(seed)
    jpegs = [(n, b) for n, b in files if b.startswith(b"\xff\xd8")]
    pngs = [(n, b) for n, b in files if b.startswith(PNG_SIGNATURE)]
    import io

    grey = next(Image.open(io.BytesIO(b)).convert("L") for _, b in pngs)
    rgb = Image.merge("RGB", (grey, grey.transpose(Image.Transpose.FLIP_LEFT_RIGHT),
                              grey.transpose(Image.Transpose.FLIP_TOP_BOTTOM)))
    medium = rgb.resize((176, 168), Image.Resampling.BILINEAR)
    quarter = rgb.resize((336, 328), Image.Resampling.BILINEAR)
    jpegs += [
        ("x-444.jpg", _encode(rgb, "JPEG", quality=85, subsampling=0)),
        ("x-422.jpg", _encode(rgb, "JPEG", quality=85, subsampling=1)),
        ("x-medium.jpg", _encode(medium, "JPEG", quality=80)),
        ("x-medium-444.jpg", _encode(medium, "JPEG", quality=80, subsampling=0)),
        ("x-medium-progressive.jpg", _encode(medium, "JPEG", progressive=True)),
        ("x-quarter-grey.jpg", _encode(quarter.convert("L"), "JPEG", quality=70)),
        ("x-grey-progressive.jpg", _encode(grey, "JPEG", progressive=True)),
        ("x-grey-restart.jpg", _encode(grey, "JPEG", restart_marker_rows=1)),
        ("x-medium-restart.jpg", _encode(medium, "JPEG", restart_marker_blocks=3)),
    ]
    small = grey.resize((16, 12))
    pal4 = rgb.resize((16, 12)).quantize(4)
    pngs += [
        ("x-grey-trns.png", _encode(grey, "PNG", transparency=128)),
        ("x-rgb-trns.png", _encode(rgb, "PNG", transparency=(10, 20, 30))),
        ("x-palette-trns.png", _encode(rgb.quantize(16), "PNG", transparency=3)),
        ("x-palette-small.png", _encode(pal4, "PNG", bits=2)),
        ("x-la.png", _encode(Image.merge("LA", (grey, grey.transpose(
            Image.Transpose.ROTATE_180))), "PNG")),
        ("x-bilevel.png", _encode(small.convert("1"), "PNG")),
        ("x-exif.png", _encode(grey, "PNG", exif=_exif(6))),
    ]
    return jpegs, pngs


def make_struct_pictures(folder: str | Path, count: int = 250, seed: int = 0) -> list[Path]:
    """Write count damaged JPEGs and count damaged PNGs into folder; the same seed gives the
    same files. Names: index, mutations, seed picture."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    jpegs, pngs = seeds(seed)
    paths = []
    for i in range(2 * count):
        is_jpeg = i % 2 == 0
        pool, table = (jpegs, JPEG_MUTATIONS) if is_jpeg else (pngs, PNG_MUTATIONS)
        which = (i // 2) % len(pool)
        data = bytearray(pool[which][1])
        names = sorted(table)
        kinds = [rng.choice(names) for _ in range(1 if rng.random() < 0.8 else 2)]
        for kind in kinds:
            before = bytes(data)
            try:
                table[kind](data, rng)
            except (IndexError, ValueError, struct.error):  # a second mutation of a file the
                data[:] = before  # first left without the structure it changes: left as it was
        path = folder / f"{i:05d}-{'+'.join(kinds)}-s{which:02d}{'.jpg' if is_jpeg else '.png'}"
        path.write_bytes(bytes(data))
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m tests.structfuzz",
                                description="Write seeded structure-aware damaged JPEGs and PNGs;"
                                " with --compare, run Python, Java and Node on them and compare.")
    p.add_argument("--count", type=int, default=250, help="JPEGs, and as many PNGs")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", type=Path, required=True, help="folder for the pictures")
    p.add_argument("--compare", action="store_true", help="run the three sides, print figures")
    p.add_argument("--artifacts", type=Path, default=Path("artifacts"))
    p.add_argument("--show", type=int, default=20, help="one-sided files to list")
    args = p.parse_args(argv)
    paths = make_struct_pictures(args.out, args.count, args.seed)
    print(f"wrote {len(paths)} damaged pictures under {args.out}")
    if not args.compare:
        return 0
    from tests.fuzzcompare import compare3, report3

    print(report3(compare3(paths, args.artifacts), args.show))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
