"""Seeded damaged pictures: mutations of seed pictures and of JPEGs made from them.

Python and Java must refuse the same damaged files and label the rest alike (issue 16).
Pure Python with one ``random.Random(seed)``: the same seed and seed pictures give the
same files, byte for byte. The seed pictures are the shared seed data when it is there
(read in place, never copied into the repository), else scikit-image's embedded
``lfw_subset``, so a fresh clone runs the same test.

``python -m tests.fuzzpictures --count 5000 --out DIR --compare`` makes a larger set
and prints the figures (tests.fuzzcompare).
"""

from __future__ import annotations

import argparse
import io
import random
import struct
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image

import python.data.pictures  # noqa: F401  Pillow's text chunk limits as the loader has them

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: Seed pictures taken from the seed data (or lfw_subset); each is also written in variants.
SEEDS = 12


def _seed_greys(count: int, seed: int) -> list[tuple[str, Image.Image]]:
    """count grey pictures: the shared seed data's, else lfw_subset's, chosen by seed."""
    from tests.conftest import seed_data_path

    rng = random.Random(seed)
    folder = seed_data_path()
    if folder is not None and folder.is_dir():
        files = sorted(folder.rglob("*.png"))
        chosen = rng.sample(files, count)
        # The seed data's one 16-bit picture is its oddest: always among the seeds.
        out = []
        for f in chosen:
            with Image.open(f) as im:
                im.load()
                out.append((f.stem, im.copy()))
        for f in files:
            with Image.open(f) as im:
                if im.mode == "I;16":
                    im.load()
                    out.append((f.stem, im.copy()))
                    break
        return out
    from skimage import data

    faces = data.lfw_subset()
    return [(f"lfw{i:03d}", Image.fromarray((faces[i] * 255).round().astype(np.uint8)))
            for i in sorted(rng.sample(range(len(faces)), count))]


def _encode(im: Image.Image, fmt: str, **kwargs: object) -> bytes:
    buf = io.BytesIO()
    im.save(buf, fmt, **kwargs)
    return buf.getvalue()


def seed_files(seed: int = 0) -> list[tuple[str, bytes]]:
    """The pictures mutations start from: seeds as PNG and JPEG, and odd variants of them."""
    out: list[tuple[str, bytes]] = []
    for i, (name, im) in enumerate(_seed_greys(SEEDS, seed)):
        grey = im if im.mode == "L" else im.convert("L") if im.mode != "I;16" else None
        out.append((f"{name}.png", _encode(im, "PNG")))
        if grey is None:  # 16-bit: its PNG only (Pillow cannot write 16-bit JPEGs)
            continue
        rgb = Image.merge("RGB", (grey, grey.transpose(Image.Transpose.FLIP_LEFT_RIGHT), grey))
        out.append((f"{name}.jpg", _encode(rgb, "JPEG", quality=90)))
        variant = i % 6
        if variant == 0:
            out.append((f"{name}-grey.jpg", _encode(grey, "JPEG", quality=75)))
        elif variant == 1:
            out.append((f"{name}-progressive.jpg", _encode(rgb, "JPEG", progressive=True)))
        elif variant == 2:
            out.append((f"{name}-rgb.png", _encode(rgb, "PNG")))
        elif variant == 3:
            out.append((f"{name}-palette.png", _encode(rgb.quantize(32), "PNG")))
        elif variant == 4:
            alpha = grey.transpose(Image.Transpose.FLIP_TOP_BOTTOM)
            out.append((f"{name}-rgba.png", _encode(Image.merge("RGBA", (*rgb.split(), alpha)),
                                                    "PNG")))
        else:  # large enough for the 1/8 DC decoding and the box step (640 pixels and up)
            big = rgb.resize((720, 660), Image.Resampling.BILINEAR)
            out.append((f"{name}-large.jpg", _encode(big, "JPEG", quality=80)))
            out.append((f"{name}-restart.jpg", _encode(rgb, "JPEG", restart_marker_blocks=2)))
    return out


def _png_chunks(b: bytes) -> list[tuple[int, int]]:
    """(start, end) of each whole chunk of a PNG, length field to CRC."""
    chunks, pos = [], 8
    while pos + 12 <= len(b):
        end = pos + 12 + struct.unpack(">I", b[pos:pos + 4])[0]
        if end > len(b):
            break
        chunks.append((pos, end))
        pos = end
    return chunks


def _jpeg_segments(b: bytes) -> list[tuple[int, int]]:
    """(start, end) of each marker segment before the first scan's data, marker included."""
    segs, pos = [], 2
    while pos + 4 <= len(b) and b[pos] == 0xFF:
        end = pos + 2 + struct.unpack(">H", b[pos + 2:pos + 4])[0]
        segs.append((pos, min(end, len(b))))
        if b[pos + 1] == 0xDA:
            break
        pos = end
    return segs


def _units(b: bytes) -> list[tuple[int, int]]:
    return _png_chunks(b) if b.startswith(PNG_SIGNATURE) else _jpeg_segments(b)


def _body_start(b: bytes) -> int:
    """Where the picture data starts: after the first IDAT's header, after the SOS segment."""
    for start, end in _units(b):
        if b[start + 4:start + 8] == b"IDAT":
            return start + 8
        if b[start:start + 2] == b"\xff\xda":
            return end
    return min(len(b), 64)


def _noise(rng: random.Random, n: int) -> bytes:
    return bytes(rng.getrandbits(8) for _ in range(n))


def flip(b: bytearray, rng: random.Random) -> None:
    for _ in range(rng.randint(1, 8)):
        b[rng.randrange(len(b))] ^= rng.randint(1, 255)


def bitflip(b: bytearray, rng: random.Random) -> None:
    for _ in range(rng.randint(1, 3)):
        b[rng.randrange(len(b))] ^= 1 << rng.randrange(8)


def truncate(b: bytearray, rng: random.Random) -> None:
    del b[rng.randint(1, len(b) - 1):]


def truncate_tail(b: bytearray, rng: random.Random) -> None:
    """Cut the last few bytes: a missing end marker, a half CRC, the last rows."""
    del b[len(b) - rng.randint(1, min(len(b) - 1, 40)):]


def garbage_body(b: bytearray, rng: random.Random) -> None:
    start = _body_start(bytes(b))
    b[start:] = _noise(rng, max(len(b) - start, 1))


def header(b: bytearray, rng: random.Random) -> None:
    for _ in range(rng.randint(1, 3)):
        b[rng.randrange(min(len(b), _body_start(bytes(b))))] ^= rng.randint(1, 255)


def unit_length(b: bytearray, rng: random.Random) -> None:
    """A PNG chunk's or JPEG segment's length field made wrong."""
    units = _units(bytes(b))
    if not units:
        return flip(b, rng)
    start, end = rng.choice(units)
    png = b.startswith(PNG_SIGNATURE)
    at, size = (start, 4) if png else (start + 2, 2)
    old = int.from_bytes(b[at:at + size], "big")
    new = rng.choice([old + rng.randint(1, 16), max(old - rng.randint(1, 16), 0),
                      rng.getrandbits(8 * size), 0])
    b[at:at + size] = (new % (1 << (8 * size))).to_bytes(size, "big")


def crc(b: bytearray, rng: random.Random) -> None:
    """A PNG chunk's CRC made wrong (a JPEG gets a byte flipped in a segment instead)."""
    units = _units(bytes(b))
    if not units:
        return flip(b, rng)
    start, end = rng.choice(units)
    at = end - 1 - rng.randrange(4) if b.startswith(PNG_SIGNATURE) else \
        rng.randrange(start + 4, max(end, start + 5))
    b[min(at, len(b) - 1)] ^= rng.randint(1, 255)


def reorder(b: bytearray, rng: random.Random) -> None:
    """Two chunks (segments) swapped, or one repeated."""
    units = _units(bytes(b))
    if len(units) < 2:
        return flip(b, rng)
    i, j = sorted(rng.sample(range(len(units)), 2))
    (s1, e1), (s2, e2) = units[i], units[j]
    if rng.random() < 0.5:
        b[s1:e2] = b[s2:e2] + b[e1:s2] + b[s1:e1]
    else:
        b[s2:s2] = b[s1:e1]


def insert(b: bytearray, rng: random.Random) -> None:
    at = rng.randrange(len(b) + 1)
    b[at:at] = _noise(rng, rng.randint(1, 64))


def delete(b: bytearray, rng: random.Random) -> None:
    at = rng.randrange(len(b))
    del b[at:at + rng.randint(1, 64)]


def trailing(b: bytearray, rng: random.Random) -> None:
    b.extend(_noise(rng, rng.randint(1, 256)))


MUTATIONS: dict[str, Callable[[bytearray, random.Random], None]] = {
    f.__name__: f for f in (flip, bitflip, truncate, truncate_tail, garbage_body, header,
                            unit_length, crc, reorder, insert, delete, trailing)
}


def make_fuzz_pictures(folder: str | Path, count: int = 500, seed: int = 0) -> list[Path]:
    """Write count damaged pictures into folder; the same seed gives the same files."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    seeds = seed_files(seed)
    names = sorted(MUTATIONS)
    paths = []
    for i in range(count):
        which = i % len(seeds)
        name, data = seeds[which]
        b = bytearray(data)
        kinds = [rng.choice(names) for _ in range(1 if rng.random() < 0.85 else 2)]
        for kind in kinds:
            if len(b) >= 2:
                MUTATIONS[kind](b, rng)
        # Short names: the JVM's arguments stay small (see tests.fuzzcompare.BATCH).
        path = folder / f"{i:05d}-{'+'.join(kinds)}-s{which:02d}{Path(name).suffix}"
        path.write_bytes(bytes(b))
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m tests.fuzzpictures",
                                description="Write seeded damaged pictures; with --compare,"
                                " run python.predict and the Java CLI on them and compare.")
    p.add_argument("--count", type=int, default=500)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", type=Path, required=True, help="folder for the pictures")
    p.add_argument("--compare", action="store_true", help="run both sides and print figures")
    p.add_argument("--artifacts", type=Path, default=Path("artifacts"))
    p.add_argument("--show", type=int, default=20, help="one-sided files to list")
    args = p.parse_args(argv)
    paths = make_fuzz_pictures(args.out, args.count, args.seed)
    print(f"wrote {len(paths)} damaged pictures under {args.out}")
    if not args.compare:
        return 0
    from tests.fuzzcompare import compare, report

    result = compare(paths, args.artifacts)
    print(report(result, args.show))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
