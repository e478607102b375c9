"""Phone-size photos made from scikit-image's sample photos, for the benchmark and the tests.

Each sample is scaled up to phone size with Gaussian noise, as a phone's sensor leaves
it, so the files weigh what phone JPEGs weigh (3 to 4 MB at 12 megapixels). Among them:
a progressive JPEG, an EXIF-rotated one, one with restart markers, a grey one, a
1920 x 1080 PNG, and one whose entropy-coded data has a run of garbage in it (libjpeg
decodes it with a warning; both languages must give the same picture). Made where they
are needed, never committed: 20 MB together.
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


def noisy_photo(name: str, width: int, height: int, seed: int) -> Image.Image:
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
        im = noisy_photo(sample, w, h, seed)
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


#: What the benchmark times: a phone JPEG, a progressive one, a screen-size PNG, a thumbnail.
BENCH_PHOTOS = ("phone_4000x3000.jpg", "phone_progressive.jpg", "screen_1920x1080.png")
THUMBNAIL = "thumbnail_40x40.png"


def make_bench_pictures(folder: str | Path) -> list[Path]:
    """The benchmark's pictures: three photos of PHOTOS and a 40 x 40 thumbnail."""
    folder = Path(folder)
    paths = [p for p in make_photos(folder) if p.name in BENCH_PHOTOS]
    thumb = folder / THUMBNAIL
    noisy_photo("astronaut", 40, 40, 0).convert("L").save(thumb)
    return [*paths, thumb]


def time_python(pictures: list[Path], reps: int, artifacts: Path | None) -> dict:
    """Per picture: Pillow's decode (to the model's colour), load_image with the manifest's
    preprocessing, and file-to-probability with its ONNX model, interleaved.

    The three run one after another in each repetition, so each repetition's ratio compares
    timings taken under the same load on a shared machine.
    """
    import time

    from python.data.pictures import DEFAULT, load_image

    run, pre = None, DEFAULT
    if artifacts is not None:
        from python.artifacts.manifest import checked_artifact, read_manifest
        from python.runtimes.loaders import load

        manifest = read_manifest(artifacts)
        pre = manifest.preprocessing
        run = load("onnxruntime", checked_artifact(artifacts, manifest, "onnx"), 1)
    mode = "L" if pre.color == "grey" else "RGB"

    def pillow(path: Path) -> None:
        with Image.open(path) as im:
            im.convert(mode)

    def prepare(path: Path) -> None:
        load_image(path, pre)

    def end_to_end(path: Path) -> None:
        if run is not None:
            run(load_image(path, pre)[np.newaxis])

    out = {}
    for path in pictures:
        steps = {"pillow": pillow, "python": prepare, "python_end_to_end": end_to_end}
        for step in steps.values():
            step(path)  # warm-up
        times: dict[str, list[float]] = {k: [] for k in steps}
        for _ in range(reps):
            for name, step in steps.items():
                start = time.perf_counter()
                step(path)
                times[name].append((time.perf_counter() - start) * 1e3)
        out[path.name] = times
    return out


def main(argv: list[str] | None = None) -> int:
    """python -m python.bench.photos (--make DIR | PICTURE... [--reps N] [--artifacts DIR]).

    --make writes the benchmark's pictures and the photos into DIR and prints their paths as
    JSON; otherwise prints JSON timings. Both run apart from the benchmark's own process,
    whose resident memory every child's peak figure would otherwise include.
    """
    import argparse
    import json

    p = argparse.ArgumentParser(prog="python -m python.bench.photos")
    p.add_argument("pictures", nargs="*", type=Path)
    p.add_argument("--make", type=Path, metavar="DIR")
    p.add_argument("--reps", type=int, default=15)
    p.add_argument("--artifacts", type=Path,
                   help="an artifacts folder: its preprocessing, and its model.onnx for"
                   " file-to-probability times")
    args = p.parse_args(argv)
    if args.make:
        made = {"bench": make_bench_pictures(args.make), "photos": make_photos(args.make)}
        print(json.dumps({k: [str(p) for p in v] for k, v in made.items()}))
    else:
        print(json.dumps(time_python(args.pictures, args.reps, args.artifacts)))
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main())
