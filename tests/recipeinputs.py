"""Recipes for whole picture files, in Hugging Face's terms and on both routes: the recipes the
conformance corpus (``tests.conformance``) holds Python, Java and JavaScript to, and
``tests/test_js.py`` holds the browser to; ``pictures_in`` lists a folder's picture files.

(Its writer of per-recipe ``inputs.npy`` files, which ``PictureInputsParityTest`` read, is gone:
the corpus holds every picture under every recipe by the sha256 of its input, in all three
languages.)
"""

from __future__ import annotations

from pathlib import Path

from tests.recipecases import FAST

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
