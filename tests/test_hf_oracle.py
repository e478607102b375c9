"""The faithful route against its definition: Hugging Face's own image processors.

``transformers`` is the oracle here (a test dependency, never a runtime one): its slow,
Pillow-based processors, given the picture as ``transformers.image_utils.load_image`` reads
it, must make bit for bit the model input ``python.data.pictures.load_image`` makes for the
same ``preprocessor_config.json``. Java and JavaScript are held to Python's inputs on the same
configs (``tests.recipeinputs``), so to this oracle too.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pytest

from python.data import preprocessing
from python.data.pictures import load_image
from python.errors import PictureError
from tests.recipeinputs import HF_CONFIGS, pictures_in

transformers = pytest.importorskip("transformers", reason="transformers (the oracle) is a"
                                   " test dependency: pip install -e '.[test]'")


def processor(config: dict, folder: Path) -> object:
    """The slow (Pillow) processor the config names, read offline from a folder."""
    from transformers import AutoImageProcessor

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "preprocessor_config.json").write_text(json.dumps(config))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return AutoImageProcessor.from_pretrained(folder, backend="pil")
        except TypeError:  # transformers 4: the slow processor is use_fast=False
            return AutoImageProcessor.from_pretrained(folder, use_fast=False)


def oracle(proc: object, path: Path) -> np.ndarray:
    """Hugging Face's model input for a picture file, channels last as the Keras model takes
    it (the processors answer channels first)."""
    from transformers.image_utils import load_image as hf_load

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        values = proc(images=hf_load(str(path)), return_tensors="np")["pixel_values"][0]
    return np.ascontiguousarray(values.transpose(1, 2, 0))


@pytest.fixture(scope="module")
def pictures(tmp_path_factory) -> list[Path]:
    """Phone-size photos (EXIF-rotated, progressive, PNG), the odd pictures (alpha, palette,
    16-bit, CMYK, grey) and RGB pictures of many sizes."""
    from tests.oddpictures import write_reference_pictures
    from tests.rgbpictures import write_pictures

    root = tmp_path_factory.mktemp("oracle")
    write_reference_pictures(root)
    write_pictures(root / "rgb", odd=root / "odd")
    return pictures_in([root / "odd", root / "rgb"])


@pytest.mark.parametrize("name", list(HF_CONFIGS))
def test_inputs_are_bit_identical_to_transformers(name, pictures, tmp_path):
    config = HF_CONFIGS[name]
    height, width = config["crop_size" if config.get("do_center_crop") else "size"].values()
    pre = preprocessing.from_config(config, 3, height, width, name)
    assert pre.faithful
    proc = processor(config, tmp_path / name)
    counts = {"identical": 0, "refused": 0}
    differing = []
    for path in pictures:
        try:
            ours = load_image(path, pre)
        except PictureError:  # damaged or too large: refused, where Pillow raises too
            counts["refused"] += 1
            with pytest.raises(Exception):  # noqa: B017 - whatever Pillow raises
                oracle(proc, path)
            continue
        theirs = oracle(proc, path)
        if ours.shape == theirs.shape and np.array_equal(ours, theirs):
            counts["identical"] += 1
        else:
            diff = float(np.abs(ours - theirs).max()) if ours.shape == theirs.shape else None
            differing.append(f"{path.name}: {ours.shape} {theirs.shape} max diff {diff}")
    print(f"\n{name}: {len(pictures)} pictures, {counts}")
    assert not differing, "\n".join(differing[:20])
    assert counts["identical"] >= 30


def test_the_fast_route_is_not_the_oracle(pictures, tmp_path):
    """The check can fail: the fast route (box step, 1/8 JPEG, float resize, alpha over white)
    differs from Hugging Face's result on the large photos."""
    config = HF_CONFIGS["imagenet_bicubic_crop"]
    fast = preprocessing.from_config({**config, "reducing_gap": 2.0, "draft": True}, 3, 224,
                                     224, "fast")
    proc = processor(config, tmp_path / "fast")
    photos = [p for p in pictures if p.parent.name == "photos" and p.suffix == ".jpg"]
    assert photos
    assert not any(np.array_equal(load_image(p, fast), oracle(proc, p)) for p in photos)
