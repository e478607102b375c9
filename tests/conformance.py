"""The conformance corpus: one set of pictures, recipes and manifests, with what Python (the
reference) makes of each, that the Java and JavaScript tests read the same way (issue 37).

``python -m tests.conformance OUT`` writes, made by the test generators, never committed:

- ``OUT/pictures/GROUP/...``: the odd and bad pictures of ``tests.oddpictures`` (the phone
  photos and the bad large JPEGs of ``tests.photos`` among them), the RGB pictures of
  ``tests.rgbpictures``, the large colour JPEGs of ``tests.jpegdcrgb``, the random pictures of
  ``tests.recipecases`` as PNGs, the damaged pictures of ``tests.fuzzpictures`` and, where the
  shared seed data is (``tests.conftest.seed_data_path``), its thumbnails;
- ``OUT/manifests/NAME/manifest.json`` and ``OUT/manifests/cases.json``: the manifest version
  gate's cases of ``tests.versiongate`` (each schema and preprocessing version, older, current
  and from the future), with the one line every reader says of each;
- ``OUT/conformance.json``: the reason classes (``CLASSES``, each with the words of a refusal
  that put it in the class in any of the three languages, and ``SIGNATURES``, which tell a
  damaged picture from something that is not one: the one place they are stated), the
  refusals a language makes where Python reads, as its README states them (``STATED``), the
  recipes (``RECIPES``, each as manifest.json's ``preprocessing`` holds it, with the model's
  input shape), and a case for every picture under every recipe: the sha256 of Python's model
  input (``python.data.pictures.load_image``) as float32 little-endian bytes and its shape
  [height, width, channels], or Python's refusal: its reason class and its words.

Gradle's ``pythonReference`` writes it to build/reference/conformance for Java's
``ConformanceTest``; ``npm test`` (js/test/conformance.test.js) writes it for itself, or reads
``$MODELPARITY_CONFORMANCE``; ``tests/test_conformance.py`` holds Python to it. A case added here is
held in the three languages.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image

from python.data import preprocessing
from python.data.pictures import load_image
from python.errors import PictureError
from tests.recipecases import FAST, recipe_json
from tests.recipeinputs import RECIPES as INPUT_RECIPES
from tests.recipeinputs import pictures_in

#: Reason classes, first match wins: (class, what it means, words of a refusal in the class,
#: in any of the three languages, matched regardless of case). A refusal in none of the
#: classes with words is "damaged" when the file starts with a picture format's signature
#: (SIGNATURES), else "not_a_picture": Pillow, Java and JavaScript notice the same damage at
#: different points and word it differently ("truncated picture", "broken PNG file", "not a
#: picture Pillow can read" for a JPEG whose frame header is broken...), so the file, not the
#: words, tells those two apart.
CLASSES: list[tuple[str, str, list[str]]] = [
    ("empty", "an empty file", ["empty file"]),
    ("too_large", "more pixels than the recipe's max_pixels: a decompression bomb",
     ["decompression bomb", "too large to read into memory"]),
    ("wrong_size", "a size the recipe cannot make the model's input of (smaller than the crop,"
     " or not resized and not the model's size)",
     ["smaller than the centre crop", "its preprocessing does not resize"]),
    ("unsupported", "a picture the language's reader does not take, as its README states",
     ["block smoothing", "a CMYK JPEG", "a transparent picture"]),
    ("damaged", "a picture format's signature, then data no reader takes: truncated, a wrong"
     " checksum, length, marker, code or table", []),
    ("not_a_picture", "no picture format's signature", []),
]
#: (offset, bytes in hex) of the signatures: PNG, JPEG, GIF, WebP (RIFF....WEBP), TIFF, BMP.
SIGNATURES: list[list[tuple[int, str]]] = [
    [(0, "89504e470d0a1a0a")], [(0, "ffd8")], [(0, "47494638")],
    [(0, "52494646"), (8, "57454250")], [(0, "49492a00")], [(0, "4d4d002a")], [(0, "424d")]]
#: Refusals a language makes of pictures Python reads, as its README states (their class is
#: "unsupported"): a progressive JPEG libjpeg block-smooths, and in JavaScript a CMYK JPEG.
STATED: dict[str, list[str]] = {"java": ["block smoothing"],
                                "javascript": ["block smoothing", "a CMYK JPEG"]}
#: name -> (channels, model height, model width, preprocessor_config fields, with the seed data):
#: the selfie model's grey 40 x 40, and tests.recipeinputs' RGB and grey recipes (Hugging Face
#: style: shortest edge, centre crop, mean and std; fixed sizes), each also on the fast route
#: (draft decoding, reducing gap).
RECIPES: dict[str, tuple[int, int, int, dict, bool]] = {
    "grey40": (1, 40, 40, {}, True),
    "grey40_fast": (1, 40, 40, FAST, True),
    **INPUT_RECIPES,
}
#: Damaged pictures of tests.fuzzpictures in the corpus.
FUZZ_COUNT = 400
INDEX = "conformance.json"


def reason_class(reason: str, head: bytes) -> str:
    """The class of a refusal (``PictureError.reason``) of a file starting with head: the
    first class whose words it has, else damaged or not_a_picture by the file's signature."""
    text = reason.lower()
    for name, _, words in CLASSES:
        if any(w.lower() in text for w in words):
            return name
    signed = any(all(head[at:at + len(sig) // 2].hex() == sig for at, sig in signature)
                 for signature in SIGNATURES)
    return "damaged" if signed else "not_a_picture"


def input_digest(values: np.ndarray) -> str:
    """The sha256 of a model input as float32 little-endian bytes, in row-major order."""
    return hashlib.sha256(np.ascontiguousarray(values, dtype="<f4").tobytes()).hexdigest()


def _pictures(folder: Path, seed: Path | None, fuzz: int) -> dict[str, list[Path]]:
    """Write the pictures under folder/GROUP; returns each group's picture files."""
    from tests.fuzzpictures import make_fuzz_pictures
    from tests.jpegdcrgb import write_pictures as write_jpegs
    from tests.oddpictures import write_reference_pictures
    from tests.recipecases import write_cases
    from tests.rgbpictures import write_pictures as write_rgb

    write_reference_pictures(folder)  # odd/ (odd/photos/ too) and bad/
    (folder / "bad.txt").unlink()
    write_rgb(folder / "rgb")
    write_jpegs(folder / "jpegrgb")
    with tempfile.TemporaryDirectory() as scratch:  # its pixels, saved as PNGs
        write_cases(Path(scratch))
        cases = json.loads((Path(scratch) / "cases.json").read_text("utf-8"))
        seen = set()
        for case in cases:
            key = (case["width"], case["height"], case["channels"])
            if key not in seen:
                seen.add(key)
                pixels = np.load(Path(scratch) / f"{case['name']}.pixels.npy").astype(np.uint8)
                (folder / "random").mkdir(exist_ok=True)
                Image.fromarray(pixels).save(folder / "random" / f"{case['name']}.png")
    make_fuzz_pictures(folder / "fuzz", fuzz)
    for extra in folder.rglob("*"):  # the generators' pixels and indexes: not pictures
        if extra.is_file() and extra.suffix in (".npy", ".json", ".txt", ".rgb"):
            extra.unlink()
    groups = {g.name: pictures_in([g]) for g in sorted(folder.iterdir()) if g.is_dir()}
    if seed is not None and seed.is_dir():
        shutil.copytree(seed, folder / "seed")
        groups["seed"] = pictures_in([folder / "seed"])
    return groups


def write(out: Path, seed: Path | None, fuzz: int = FUZZ_COUNT) -> dict:
    """Write the corpus into out (emptied first); returns its index."""
    from tests.versiongate import base_manifest, write_cases

    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    groups = _pictures(out / "pictures", seed, fuzz)
    gate = write_cases(out / "manifests", base_manifest(out / "manifests" / ".base"))
    shutil.rmtree(out / "manifests" / ".base")
    recipes, cases = {}, []
    for name, (channels, height, width, fields, with_seed) in RECIPES.items():
        pre = preprocessing.from_config(fields, channels, height, width, name)
        recipes[name] = {"shape": [height, width, channels], "preprocessing": recipe_json(pre)}
        for group, files in groups.items():
            if group == "seed" and not with_seed:
                continue
            for path in files:
                case: dict = {"picture": path.relative_to(out).as_posix(), "recipe": name}
                try:
                    values = load_image(path, pre)
                except PictureError as err:
                    head = path.read_bytes()[:16]
                    case.update(refusal=reason_class(err.reason, head), reason=err.reason)
                else:
                    case.update(sha256=input_digest(values), shape=list(values.shape))
                cases.append(case)
    index = {
        "classes": [{"class": c, "means": m, "words": w} for c, m, w in CLASSES],
        "signatures": [[{"offset": at, "hex": sig} for at, sig in s] for s in SIGNATURES],
        "stated": STATED,
        "recipes": recipes,
        "pictures": sorted(p.relative_to(out).as_posix() for fs in groups.values() for p in fs),
        "cases": cases,
        "manifests": gate,
    }
    (out / INDEX).write_text(json.dumps(index, indent=0), encoding="utf-8")
    return index


def summary(index: dict) -> str:
    """One line: pictures, recipes, cases, refusals by class, manifest cases."""
    refusals: dict[str, int] = {}
    for c in index["cases"]:
        if "refusal" in c:
            refusals[c["refusal"]] = refusals.get(c["refusal"], 0) + 1
    return (f"{len(index['pictures'])} pictures, {len(index['recipes'])} recipes,"
            f" {len(index['cases'])} cases ({sum(refusals.values())} refusals: "
            + ", ".join(f"{k} {v}" for k, v in sorted(refusals.items()))
            + f"), {len(index['manifests'])} manifests")


def main(argv: list[str] | None = None) -> int:
    from tests.conftest import seed_data_path

    parser = argparse.ArgumentParser(prog="python -m tests.conformance", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path, help="folder to write the corpus into (emptied)")
    parser.add_argument("--seed", type=Path, default=None,
                        help="the seed data's folder (default: the tests' own, when there;"
                             " 'none': without it)")
    parser.add_argument("--fuzz", type=int, default=FUZZ_COUNT, help="damaged pictures")
    args = parser.parse_args(argv)
    seed = seed_data_path() if args.seed is None else \
        None if str(args.seed) == "none" else args.seed
    index = write(args.out, seed, args.fuzz)
    print(f"conformance corpus in {args.out}: {summary(index)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
