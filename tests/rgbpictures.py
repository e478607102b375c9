"""RGB pictures of many kinds, each with the upright 8-bit RGB pixels Python decodes it to:
the cases the Java side's RGB decoding is held to.

``python -m tests.rgbpictures DIR`` writes the pictures (PNG: RGB, RGBA, palette with
transparency, grey, grey with alpha; JPEG: 4:4:4, 4:2:0, progressive, grey, EXIF-rotated,
CMYK; WebP lossless; several sizes) and ``rgb.json``, which lists each with Python's pixels
(``python.data.decode.decode_pixels`` with an RGB recipe) as a float32 ``.npy`` beside it.
Gradle's reference task runs it; ``RgbDecodingTest`` compares Java's pixels with them.
"""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path

import numpy as np
from PIL import Image

from python.data import preprocessing
from python.data.decode import decode_pixels
from python.errors import PictureError

#: An RGB recipe whose reduce side is small enough that no picture here takes the 1/8 route.
RECIPE = preprocessing.default(3, 224, 224)


def _pattern(h: int, w: int, rng: np.random.Generator) -> np.ndarray:
    """Smooth gradients plus noise in three different channels: asymmetric, so a wrong
    rotation, flip or channel order cannot match, and lossy codecs keep it recognisable."""
    yy, xx = np.mgrid[0:h, 0:w]
    base = np.stack([(xx * 255 // max(w - 1, 1)), (yy * 255 // max(h - 1, 1)),
                     ((xx + 2 * yy) * 3) % 256], axis=-1)
    noise = rng.integers(-20, 21, size=(h, w, 3))
    return np.clip(base + noise, 0, 255).astype(np.uint8)


def _exif(orientation: int) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation
    return exif.tobytes()


def write_pictures(folder: Path, seed: int = 0, odd: Path | None = None) -> list[dict]:
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    written: list[tuple[str, bytes]] = []

    def save(name: str, im: Image.Image, fmt: str, **kw: object) -> None:
        b = io.BytesIO()
        im.save(b, fmt, **kw)
        written.append((name, b.getvalue()))

    for w, h in [(64, 48), (33, 57), (300, 200)]:
        rgb = Image.fromarray(_pattern(h, w, rng), "RGB")
        tag = f"{w}x{h}"
        save(f"rgb-{tag}.png", rgb, "PNG")
        save(f"q90-444-{tag}.jpg", rgb, "JPEG", quality=90, subsampling=0)
        save(f"q85-420-{tag}.jpg", rgb, "JPEG", quality=85, subsampling=2)
        save(f"progressive-{tag}.jpg", rgb, "JPEG", quality=90, progressive=True)
    rgb = Image.fromarray(_pattern(40, 56, rng), "RGB")
    alpha = Image.fromarray(rng.integers(0, 256, size=(40, 56), dtype=np.uint8), "L")
    rgba = rgb.copy()
    rgba.putalpha(alpha)
    save("rgba.png", rgba, "PNG")
    save("palette-transparent.png", rgb.quantize(64), "PNG", transparency=3)
    save("palette.png", rgb.quantize(200), "PNG")
    save("grey.png", rgb.convert("L"), "PNG")
    la = rgb.convert("L")
    la.putalpha(alpha)
    save("grey-alpha.png", la, "PNG")
    save("grey.jpg", rgb.convert("L"), "JPEG", quality=90)
    for o in (3, 6, 8):
        save(f"exif-{o}.jpg", rgb, "JPEG", quality=90, exif=_exif(o))
    save("cmyk.jpg", rgb.convert("CMYK"), "JPEG", quality=95)
    save("lossless.webp", rgb, "WEBP", lossless=True)

    for name, data in written:
        (folder / name).write_bytes(data)
    paths = [folder / name for name, _ in written]
    if odd is not None:  # the odd pictures too (16-bit, palette, CMYK, EXIF...), read in place
        paths += sorted(p for p in odd.iterdir() if p.is_file())
    cases = []
    for i, path in enumerate(paths):
        try:
            pixels, full = decode_pixels(path, RECIPE)
        except PictureError as err:  # a bad picture: Java must refuse it too
            cases.append({"path": str(path), "refusal": err.reason})
            continue
        npy = folder / f"{i:03d}-{path.name}.rgb.npy"  # the odd folder may repeat a name
        np.save(npy, pixels.astype(np.float32))
        cases.append({"path": str(path), "pixels": str(npy), "height": int(pixels.shape[0]),
                      "width": int(pixels.shape[1]), "full": list(full)})
    (folder / "rgb.json").write_text(json.dumps(cases, indent=1), encoding="utf-8")
    return cases


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.rgbpictures", description=__doc__)
    parser.add_argument("out", type=Path, help="folder to write the pictures into")
    parser.add_argument("--odd", type=Path, help="a folder of pictures to decode too, in place")
    args = parser.parse_args(argv)
    cases = write_pictures(args.out, odd=args.odd)
    print(f"wrote {len(cases)} RGB pictures to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
