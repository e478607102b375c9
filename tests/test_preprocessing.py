"""Preprocessing in Hugging Face's words: the recipe's fields, its refusals, RGB decoding, the
steps' arithmetic against independent computations (Pillow's float resize, hand formulas)."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest
from PIL import Image

from python.data import preprocessing
from python.data.decode import decode_pixels
from python.data.pictures import load_image, pixels_to_input
from python.data.resample import resize
from python.errors import ToolkitError

RGB40 = preprocessing.default(3, 40, 40)


@pytest.mark.parametrize("resample, kind", [(2, Image.Resampling.BILINEAR),
                                            (3, Image.Resampling.BICUBIC)])
def test_resize_is_pillows_float_resize_where_one_pass_runs(resample, kind):
    """Where only one side changes, Pillow runs one pass: its float ("F") resize and ours agree
    bit for bit, for both filters, shrinking and enlarging."""
    rng = np.random.default_rng(resample)
    for (h, w), (th, tw) in (((40, 97), (40, 33)), ((25, 30), (25, 61)), ((81, 40), (32, 40)),
                             ((17, 23), (52, 23))):
        g = rng.integers(0, 256, size=(h, w)).astype(np.float32)
        pillow = np.asarray(Image.fromarray(g).resize((tw, th), kind))
        assert np.array_equal(resize(g, tw, th, resample), pillow), (h, w, th, tw)
        rgb = rng.integers(0, 256, size=(h, w, 3)).astype(np.float32)
        each = np.stack([resize(rgb[..., c], tw, th, resample) for c in range(3)], axis=-1)
        assert np.array_equal(resize(rgb, tw, th, resample), each)  # channels alike


def test_bicubic_overshoots_unclipped():
    """No clipping: a step edge rings below 0 and above 255, as Pillow's float resize does."""
    g = np.zeros((1, 8), np.float32)
    g[0, 4:] = 255
    out = resize(g, 13, 1, 3)
    assert out.min() < 0 and out.max() > 255


def _config(tmp_path, **fields):
    path = tmp_path / "preprocessor_config.json"
    path.write_text(json.dumps(fields))
    return path


def test_hf_config_becomes_the_recipe(tmp_path):
    path = _config(tmp_path, do_resize=True, size={"shortest_edge": 36}, resample=3,
                   do_center_crop=True, crop_size={"height": 32, "width": 32}, do_rescale=True,
                   rescale_factor=1 / 255, do_normalize=True, image_mean=[0.5, 0.4, 0.3],
                   image_std=[0.25, 0.2, 0.3], image_processor_type="ViTImageProcessor")
    pre = preprocessing.read_config(path, 3, 32, 32)
    assert pre.color == "rgb" and pre.resample_name == "bicubic" and pre.source == str(path)
    assert pre.output_size() == (32, 32) and pre.reduce_side() == 36
    assert pre.resize_to(400, 300) == (36, 48)  # (height, width): the short side becomes 36
    assert pre.resize_to(300, 401) == (48, 36)  # int(36 * 401 / 300) = 48, truncated as HF does
    lo, hi = pre.input_range()[0]
    assert lo == pytest.approx(-2.0) and hi == pytest.approx(2.0)
    assert "bicubic" in pre.rules["resize"]["filter"] and "crop" in pre.rules["center_crop"]
    empty = _config(tmp_path)  # every field left out: the default recipe, faithfully
    assert preprocessing.read_config(empty, 1, 24, 32) == replace(
        preprocessing.default(1, 24, 32).with_route("faithful"), source=str(empty))
    assert pre.faithful and not preprocessing.default(1, 24, 32).faithful


@pytest.mark.parametrize("fields, named", [
    ({"resample": 1}, "resample: 1 (lanczos) is not supported"),
    ({"resample": 4}, "resample: 4 (box) is not supported"),
    ({"size": {"height": 30, "width": 30}}, "size: 30 x 30 is not the model's input 32 x 32"),
    ({"size": {"shortest_edge": 40}}, "size: shortest edge 40 without a centre crop"),
    ({"size": {"shortest_edge": 30}, "do_center_crop": True, "crop_size": 32},
     "crop_size: 32 x 32 is larger than the resized picture"),
    ({"do_center_crop": True, "crop_size": {"height": 28, "width": 28}},
     "crop_size: 28 x 28 is not the model's input"),
    ({"size": {"longest_edge": 40}}, "size: ['longest_edge']"),
    ({"do_pad": True}, "do_pad: is not supported"),
    ({"do_normalize": True, "image_mean": [0.5], "image_std": [0.5, 0.5, 0.5]},
     "image_mean: 1 values for a model with 3 channel(s)"),
    ({"do_normalize": True, "image_mean": [0.5] * 3, "image_std": [0.5, 0, 0.5]},
     "image_std: [0.5, 0.0, 0.5]: every value must be positive"),
    ({"do_rescale": "yes"}, "do_rescale: 'yes' is not true or false"),
])
def test_hf_config_refusals_name_the_file_and_field(tmp_path, fields, named):
    path = _config(tmp_path, **fields)
    with pytest.raises(ToolkitError) as err:
        preprocessing.read_config(path, 3, 32, 32)
    assert str(err.value).startswith(f"{path}: ") and named in str(err.value)
    assert "\n" not in str(err.value)


def test_steps_follow_hugging_faces_order_and_arithmetic(tmp_path):
    """Resize (shortest edge, float), centre crop at ((H - h) // 2, (W - w) // 2), rescale as
    float32(float64(v) * factor), normalise in float32: each computed here by hand."""
    pre = preprocessing.read_config(_config(
        tmp_path, size={"shortest_edge": 20}, resample=3, do_center_crop=True,
        crop_size={"height": 16, "width": 16}, rescale_factor=1 / 255, do_normalize=True,
        image_mean=[0.485, 0.456, 0.406], image_std=[0.229, 0.224, 0.225]), 3, 16, 16)
    rng = np.random.default_rng(7)
    pixels = rng.integers(0, 256, size=(20, 31, 3), dtype=np.uint8)  # already 20 on its short side
    ours = pixels_to_input(pixels, pre)
    # resize_to(31, 20) = (20, 31): nothing to resize, only the crop, from row 2 and column 7
    cropped = pixels[2:18, 7:23].astype(np.float32)
    scaled = (cropped.astype(np.float64) * (1 / 255)).astype(np.float32)
    expected = (scaled - np.float32([0.485, 0.456, 0.406])) / np.float32([0.229, 0.224, 0.225])
    assert ours.dtype == np.float32 and np.array_equal(ours, expected)


def test_shortest_edge_resize_is_computed_from_the_full_picture():
    """A JPEG decoded at 1/8 stands for its full size: the resize target comes from that."""
    recipe = preprocessing.from_config({"size": {"shortest_edge": 10}, "do_center_crop": True,
                                        "crop_size": 10}, 3, 10, 10, "test")
    reduced = np.zeros((125, 188, 3), np.uint8)  # ceil(1500 / 8) x ceil(1000 / 8)
    x = pixels_to_input(reduced, recipe, full=(1500, 1000))
    assert x.shape == (10, 10, 3)
    assert recipe.resize_to(1500, 1000) == (10, 15) and recipe.resize_to(188, 125) == (10, 15)
    assert recipe.resize_to(1501, 1000) == (10, 15) and recipe.resize_to(1000, 1501) == (15, 10)


def _photo(path, subsampling, size=(1290, 970)):
    rng = np.random.default_rng(subsampling)
    yy, xx = np.mgrid[0:size[1], 0:size[0]]
    rgb = np.stack([(xx * 255 // size[0]), (yy * 255 // size[1]), ((xx + yy) % 256)], -1)
    rgb = np.clip(rgb + rng.normal(0, 6, rgb.shape), 0, 255).astype(np.uint8)
    Image.fromarray(rgb).save(path, quality=85, subsampling=subsampling)
    return rgb


@pytest.mark.parametrize("subsampling, reduced", [(2, True), (0, True), (1, False)])
def test_rgb_jpeg_at_one_eighth_for_420_and_444_only(tmp_path, subsampling, reduced):
    """4:2:0 and 4:4:4 photos are decoded at 1/8 (libjpeg's scaled decoding: Pillow's draft),
    near each block's mean colour; 4:2:2, whose 1/8 decoding would upsample chroma, whole."""
    path = tmp_path / f"photo{subsampling}.jpg"
    _photo(path, subsampling)
    rgb, full = decode_pixels(path, RGB40)
    assert full == (1290, 970)
    if not reduced:
        with Image.open(path) as im:
            assert np.array_equal(rgb, np.asarray(im.convert("RGB")))
        return
    assert rgb.shape == (122, 162, 3)  # ceil(970 / 8) x ceil(1290 / 8)
    with Image.open(path) as im:
        im.draft("RGB", (161, 121))
        assert np.array_equal(rgb, np.asarray(im.convert("RGB")))
    with Image.open(path) as im:
        whole = np.asarray(im.convert("RGB")).astype(np.float64)
    means = whole[:968, :1288].reshape(121, 8, 161, 8, 3).mean(axis=(1, 3))
    assert np.abs(rgb[:121, :161] - means).mean() < 2.5
    x = load_image(path, RGB40)
    assert x.shape == (40, 40, 3) and 0.0 <= x.min() and x.max() <= 1.0


def test_a_picture_the_recipe_cannot_take_is_one_line(tmp_path):
    pre = preprocessing.from_config({"do_resize": False}, 3, 32, 32, "test")
    path = tmp_path / "small.png"
    Image.fromarray(np.zeros((20, 30, 3), np.uint8)).save(path)
    from python.errors import PictureError

    with pytest.raises(PictureError, match="small.png: 30x20, the model takes 32x32 and its"
                                           " preprocessing does not resize"):
        load_image(path, pre)


def test_filter_weights_are_divided_by_their_sum_taken_in_order():
    """Java and JavaScript sum a row's taps one after another, as Pillow's C does. Python 3.12
    made sum() of floats compensated, which moved the total in the last bit on 52,524 rows
    (measured on 3.12.1: both filters, inputs of 2 to 399 pixels, outputs of 7, 24, 40, 224
    and 256), so the written-out rule (tests.resizerule) writes the loop out. This test
    passes on 3.12 and fails there with sum(); math.fsum, the correctly rounded sum, differs
    on this row too."""
    import functools
    import math
    import operator

    from tests.resizerule import coefficients, triangle

    n_in, n_out, i = 11, 7, 1
    scale = n_in / n_out
    center = (i + 0.5) * scale
    lo = max(int(center - scale + 0.5), 0)
    hi = min(int(center + scale + 0.5), n_in)
    taps = [triangle((x - center + 0.5) * (1.0 / scale)) for x in range(lo, hi)]
    in_order = functools.reduce(operator.add, taps)
    assert math.fsum(taps) != in_order  # a row where the order of summing shows
    starts, weights = coefficients(n_in, n_out, 2)
    assert starts[i] == lo
    assert weights[i, :len(taps)].tolist() == [w / in_order for w in taps]


@pytest.mark.parametrize("resample", [2, 3])
def test_the_resize_is_the_written_out_rule_bit_for_bit(resample):
    """Pillow's float32 passes, asked for one at a time, equal the manifest's rule written out
    in NumPy (tests.resizerule) to the last bit, shrinking and enlarging, grey and RGB; with the
    passes in Pillow's own order (one resize call) some outputs move in the last bit."""
    from PIL import Image

    from tests import resizerule

    rng = np.random.default_rng(resample)
    for trial in range(40):
        h, w = (int(v) for v in rng.integers(1, 300, 2))
        height, width = (int(v) for v in rng.integers(1, 260, 2))
        image = rng.integers(0, 256, (h, w) + ((3,) if trial % 2 else ())).astype(np.float32)
        expected = resizerule.resize(image, width, height, resample)
        assert resize(image, width, height, resample).tobytes() == expected.tobytes(), trial
    image = rng.integers(0, 256, (300, 200)).astype(np.float32)
    pillow_order = np.asarray(Image.fromarray(image, "F").resize((150, 40), resample))
    assert pillow_order.tobytes() != resizerule.resize(image, 150, 40, resample).tobytes()
