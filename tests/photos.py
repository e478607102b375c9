"""Phone-size photos made in the tests from scikit-image's sample photos (never committed).

Each sample is scaled up to phone size with Gaussian noise, as a phone's sensor leaves
it, so the files weigh what phone JPEGs weigh (3 to 4 MB at 12 megapixels). Among them:
a progressive JPEG, an EXIF-rotated one, one with restart markers, a grey one, a
1920 x 1080 PNG, and one whose entropy-coded data has a run of garbage in it (libjpeg
decodes it with a warning; both languages must give the same picture). The bad large
ones (truncated, a broken header, a 60-megapixel header) must be refused in one line.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

#: name -> (scikit-image sample, stored width, height, save options); EXIF 6 = rotated.
PHOTOS: dict[str, tuple[str, int, int, dict]] = {
    "phone_4000x3000.jpg": ("coffee", 4000, 3000, {"quality": 90}),
    "phone_progressive.jpg": ("astronaut", 4000, 3000, {"quality": 88, "progressive": True}),
    "phone_exif_rotated.jpg": ("chelsea", 4032, 3024, {"quality": 85, "orientation": 6}),
    "phone_restarts_444.jpg": ("rocket", 3000, 4000, {"quality": 80, "subsampling": 0,
                                                      "restart_marker_rows": 2}),
    "phone_grey.jpg": ("camera", 3264, 2448, {"quality": 92, "grey": True}),
    "phone_corrupt_data.jpg": ("coffee", 2000, 1500, {"quality": 90, "garbage": True}),
    "screen_1920x1080.png": ("astronaut", 1920, 1080, {}),
}


def _sample(name: str) -> np.ndarray:
    from skimage import data  # ships its sample photos inside the wheel

    a = getattr(data, name)()
    return np.stack([a] * 3, axis=-1) if a.ndim == 2 else a[..., :3]


def _noisy(name: str, width: int, height: int, seed: int) -> Image.Image:
    """The sample at width x height, with sensor-like noise (sigma 8 levels)."""
    big = np.asarray(Image.fromarray(_sample(name)).resize((width, height),
                                                           Image.Resampling.BICUBIC))
    noise = np.random.default_rng(seed).normal(0, 8, (height, width, 1)).astype(np.int16)
    return Image.fromarray(np.clip(big.astype(np.int16) + noise, 0, 255).astype(np.uint8))


def make_photos(folder: str | Path) -> list[Path]:
    """Write the phone-size photos into folder; return their paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for seed, (name, (sample, w, h, options)) in enumerate(PHOTOS.items()):
        opts = dict(options)
        path = folder / name
        paths.append(path)
        if path.exists():
            continue
        im = _noisy(sample, w, h, seed)
        if opts.pop("grey", False):
            im = im.convert("L")
        garbage = opts.pop("garbage", False)
        orientation = opts.pop("orientation", None)
        if orientation:
            exif = Image.Exif()
            exif[0x0112] = orientation
            opts["exif"] = exif
        im.save(path, **opts)
        if garbage:
            data = bytearray(path.read_bytes())
            mid = len(data) // 2
            garbage_bytes = np.random.default_rng(1).integers(0, 256, 2000, np.uint8)
            data[mid:mid + 2000] = garbage_bytes.tobytes()
            path.write_bytes(bytes(data))
    return paths


def make_bad_photos(folder: str | Path) -> dict[str, Path]:
    """Large JPEGs that must be refused in one line: truncated, broken header, too many pixels."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    whole = folder / "whole.jpg"
    _noisy("coffee", 2000, 1500, 7).save(whole, quality=85)
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
