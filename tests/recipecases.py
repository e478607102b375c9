"""Seeded cases for the Java twin of ``pixels_to_input``: random 8-bit pictures (grey and RGB,
many sizes), each with a recipe in Hugging Face's terms, and Python's model input for it.

``python -m tests.recipecases DIR`` writes ``cases.json`` (each case's recipe as the manifest
writes it, its picture's shape and the full size it stands for) and, per case, the picture
and Python's input as float32 ``.npy`` files. Gradle's reference task runs it; the Java test
(``RecipeParityTest``) prepares the same pixels and compares value for value.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path

import numpy as np

from python.data import preprocessing
from python.data.pictures import pixels_to_input

#: (channels, model height, model width, preprocessor_config fields): every step the recipe
#: has, alone and together.
RECIPES = [
    (1, 40, 40, {}),
    (1, 24, 36, {"resample": 3}),
    (3, 32, 32, {}),
    (3, 32, 32, {"resample": 3, "do_normalize": True, "image_mean": [0.485, 0.456, 0.406],
                 "image_std": [0.229, 0.224, 0.225]}),
    (3, 48, 48, {"size": {"shortest_edge": 56}, "do_center_crop": True,
                 "crop_size": {"height": 48, "width": 48}, "resample": 3}),
    (3, 30, 20, {"size": {"shortest_edge": 32}, "do_center_crop": True,
                 "crop_size": {"height": 30, "width": 20}}),
    (3, 28, 28, {"do_rescale": False, "do_normalize": True, "image_mean": 127.5,
                 "image_std": 127.5}),
    (1, 16, 16, {"size": {"height": 20, "width": 20}, "do_center_crop": True,
                 "crop_size": 16, "rescale_factor": 0.5}),
]
#: The fast route's fields in a preprocessor_config.json; without them a file means the
#: faithful route. Every recipe is held on both.
FAST = {"reducing_gap": 2.0, "draft": True}
#: Picture sizes (width, height): smaller, larger, equal, and large enough for the box step.
SIZES = [(40, 40), (17, 23), (64, 48), (97, 130), (300, 200), (7, 5), (333, 999)]


def recipe_json(pre: preprocessing.Preprocessing) -> dict:
    """The recipe's fields as manifest.json holds them (the prose rules left out)."""
    out = dataclasses.asdict(pre)
    out.pop("rules", None)
    return out


def write_cases(out: Path, seed: int = 0) -> int:
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    cases = []
    routes = [(r, channels, height, width, {**fields, **route}) for route in ({}, FAST)
              for r, (channels, height, width, fields) in enumerate(RECIPES)]
    for r, channels, height, width, fields in routes:
        pre = preprocessing.from_config(fields, channels, height, width, f"recipe {r}")
        for w, h in SIZES:
            shape = (h, w) if channels == 1 else (h, w, 3)
            pixels = rng.integers(0, 256, size=shape, dtype=np.uint8)
            name = f"case{len(cases):03d}"
            # A JPEG decoded at 1/8 stands for a picture 8 times its size; others for themselves.
            full = (w * 8, h * 8) if w > 200 and not pre.faithful else None
            try:
                model_input = pixels_to_input(pixels, pre, full)
            except ValueError as err:  # too small for the crop: Java must refuse it too
                model_input, refusal = None, str(err)
            else:
                refusal = None
            np.save(out / f"{name}.pixels.npy", pixels.astype(np.float32))
            if model_input is not None:
                np.save(out / f"{name}.input.npy", model_input)
            cases.append({"name": name, "recipe": recipe_json(pre), "width": w, "height": h,
                          "channels": channels, "full": list(full) if full else None,
                          "refusal": refusal})
    (out / "cases.json").write_text(json.dumps(cases, indent=1), encoding="utf-8")
    return len(cases)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.recipecases", description=__doc__)
    parser.add_argument("out", type=Path, help="folder to write the cases into")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    n = write_cases(args.out, args.seed)
    print(f"wrote {n} preprocessing cases to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
