"""Whole pictures to model inputs under several recipes: the cases the Java library's
preparation of picture files is held to, value for value.

``python -m tests.recipeinputs OUT --pictures DIR [DIR ...]`` prepares every picture file in
the folders (the odd pictures, the RGB pictures of ``tests.rgbpictures``, the phone photos,
the large colour JPEGs of ``tests.jpegdcrgb``, the seed data) with
``python.data.pictures.load_image`` under each recipe of ``RECIPES`` and writes, per recipe,
``OUT/NAME/recipe.json`` (as manifest.json holds it), ``cases.json`` (each picture's path and
its refusal, if Python refused it) and ``inputs.npy`` (float32, one row a
prepared picture). Gradle's reference task runs it; ``PictureInputsParityTest`` prepares the
same files in Java and compares every value.

The 224 x 224 recipes are kept to the non-seed pictures: 1,613 seed thumbnails at 224 x 224 x 3
floats would be a gigabyte of reference for what the 40 x 40 recipes prove as well.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from python.data import preprocessing
from python.data.pictures import load_image
from python.errors import PictureError
from tests.recipecases import FAST, recipe_json

IMAGENET = {"do_normalize": True, "image_mean": [0.485, 0.456, 0.406],
            "image_std": [0.229, 0.224, 0.225]}
#: Hugging Face configs as the Hub holds them, each held to transformers' own processor
#: (tests/test_hf_oracle.py) and, through these recipes, Java and JavaScript to Python.
HF_CONFIGS: dict[str, dict] = {
    # MobileNetV2's on the Hub: shortest edge 256, bicubic, centre crop 224, ImageNet's
    "imagenet_bicubic_crop": {"image_processor_type": "MobileNetV2ImageProcessor",
                              "do_resize": True, "size": {"shortest_edge": 256}, "resample": 3,
                              "do_center_crop": True, "crop_size": {"height": 224, "width": 224},
                              "do_rescale": True, "rescale_factor": 1 / 255, **IMAGENET},
    "shortest_edge_bilinear": {"image_processor_type": "MobileNetV2ImageProcessor",
                               "do_resize": True, "size": {"shortest_edge": 160}, "resample": 2,
                               "do_center_crop": True,
                               "crop_size": {"height": 128, "width": 128}, "do_rescale": True,
                               "rescale_factor": 1 / 255, "do_normalize": True,
                               "image_mean": [0.5, 0.5, 0.5], "image_std": [0.5, 0.5, 0.5]},
    # ViT's: a fixed size, bilinear, no crop
    "fixed_size": {"image_processor_type": "ViTImageProcessor", "do_resize": True,
                   "size": {"height": 224, "width": 224}, "resample": 2, "do_rescale": True,
                   "rescale_factor": 1 / 255, "do_normalize": True,
                   "image_mean": [0.5, 0.5, 0.5], "image_std": [0.5, 0.5, 0.5]},
}
#: name -> (channels, model height, model width, preprocessor_config fields, with the seed data).
RECIPES: dict[str, tuple[int, int, int, dict, bool]] = {
    "rgb224_crop_bicubic": (3, 224, 224, HF_CONFIGS["imagenet_bicubic_crop"], False),
    "rgb128_crop_bilinear": (3, 128, 128, HF_CONFIGS["shortest_edge_bilinear"], False),
    "rgb224_fixed": (3, 224, 224, HF_CONFIGS["fixed_size"], False),
    "rgb224_bilinear": (3, 224, 224, {"do_rescale": False}, False),
    "rgb40_normalized": (3, 40, 40, IMAGENET, True),
    "grey48x32_bicubic": (1, 48, 32, {"resample": 3}, True),
    # The same on the fast route (reducing_gap, draft): this toolkit's own rule, opted into.
    "rgb224_crop_bicubic_fast": (3, 224, 224, {**HF_CONFIGS["imagenet_bicubic_crop"], **FAST},
                                 False),
    "rgb40_normalized_fast": (3, 40, 40, {**IMAGENET, **FAST}, True),
    "grey48x32_bicubic_fast": (1, 48, 32, {"resample": 3, **FAST}, True),
}


def pictures_in(folders: list[Path]) -> list[Path]:
    """Every file in the folders, recursively, sorted by path; .npy and .json files left out."""
    skipped = (".npy", ".json", ".txt", ".rgb")
    found = []
    for folder in folders:
        found += [p for p in folder.rglob("*") if p.is_file() and p.suffix not in skipped]
    return sorted(found)


def write(out: Path, folders: list[Path], seed: Path | None) -> dict[str, int]:
    counts = {}
    for name, (channels, height, width, fields, with_seed) in RECIPES.items():
        pre = preprocessing.from_config(fields, channels, height, width, name)
        files = pictures_in(folders + ([seed] if seed is not None and with_seed else []))
        folder = out / name
        folder.mkdir(parents=True, exist_ok=True)
        inputs, cases = [], []
        for path in files:
            try:
                inputs.append(load_image(path, pre))
                cases.append({"path": str(path)})
            except PictureError as err:  # Java must refuse it too
                cases.append({"path": str(path), "refusal": err.reason})
        (folder / "recipe.json").write_text(json.dumps(recipe_json(pre)), encoding="utf-8")
        (folder / "cases.json").write_text(json.dumps(cases, indent=1), encoding="utf-8")
        np.save(folder / "inputs.npy", np.stack(inputs).astype(np.float32))
        counts[name] = len(cases)
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.recipeinputs", description=__doc__)
    parser.add_argument("out", type=Path, help="folder to write into")
    parser.add_argument("--pictures", type=Path, nargs="+", required=True, help="picture folders")
    parser.add_argument("--seed", type=Path,
                        help="the seed data's folder (the 40 x 40 recipes only)")
    args = parser.parse_args(argv)
    counts = write(args.out, args.pictures, args.seed)
    print("prepared " + ", ".join(f"{n} pictures under {r}" for r, n in counts.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
