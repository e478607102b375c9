"""Picture loading: odd real-world files load with the right pixels; bad ones fail in one line."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from python.data.decode import decode_pixels
from python.data.pictures import DEFAULT, DEFAULT_IMAGE_SIZE, load_image, pixels_to_input
from python.data.resample import bilinear, box_reduce
from python.errors import PictureError
from tests.oddpictures import make_bad_pictures, make_odd_pictures

ODD = ["grey16.png", "palette_transparent.png", "rgba.png", "grey_alpha.png", "cmyk.jpg",
       "exif_rotated.jpg", "lossless.webp", "big_text_chunk.png", "bilevel.png", "large_rgb.png"]


@pytest.fixture(scope="module")
def odd(tmp_path_factory):
    return make_odd_pictures(tmp_path_factory.mktemp("odd"))


@pytest.mark.parametrize("color", ["grey", "rgb"])
@pytest.mark.parametrize("name", ODD)
def test_odd_picture_decodes_to_expected_pixels(odd, name, color):
    """Palette, alpha over white, 16-bit, CMYK, EXIF, WebP, bilevel: the grey a grey model
    gets, and the RGB an RGB model gets."""
    from python.data.preprocessing import default

    picture = odd[name]
    pixels, full = decode_pixels(picture.path, default(3 if color == "rgb" else 1, 40, 40))
    expected = picture.rgb if color == "rgb" else picture.expected
    assert pixels.dtype == np.uint8
    assert pixels.shape == expected.shape and full == (pixels.shape[1], pixels.shape[0])
    diff = np.abs(pixels.astype(int) - expected.astype(int)).max()
    assert diff <= picture.tolerance, f"{name}: max pixel difference {diff}"


def test_sixteen_bit_grey_is_not_white(odd):
    grey = decode_pixels(odd["grey16.png"].path)[0]
    assert grey.min() == 0 and grey.mean() < 200  # a clipping convert("L") gives all 255


def test_big_text_chunk_needs_the_raised_limit(odd):
    """The case is real: stock Pillow refuses this file; our loader reads it."""
    code = ("import sys; from PIL import Image\n"
            "try:\n Image.open(sys.argv[1]).load()\nexcept ValueError as e: print('refused', e)")
    out = subprocess.run([sys.executable, "-c", code, str(odd["big_text_chunk.png"].path)],
                         capture_output=True, text=True, check=True).stdout
    assert "refused" in out
    assert load_image(odd["big_text_chunk.png"].path).shape == (40, 40, 1)


@pytest.mark.parametrize("name, reason", [
    ("empty.png", "empty file"), ("truncated.png", "truncated"),
    ("not_a_picture.png", "not a picture"), ("bomb.png", "decompression bomb"),
])
def test_bad_picture_is_one_clear_error(tmp_path, name, reason):
    path = make_bad_pictures(tmp_path)[name]
    with pytest.raises(PictureError) as err:
        load_image(path)
    assert str(path) in str(err.value) and reason in str(err.value)
    assert "\n" not in str(err.value)


def test_missing_file_names_it(tmp_path):
    with pytest.raises(PictureError, match="no such file"):
        load_image(tmp_path / "nowhere.png")


def test_load_image_is_model_input(odd):
    x = load_image(odd["large_rgb.png"].path)
    assert x.shape == (DEFAULT_IMAGE_SIZE, DEFAULT_IMAGE_SIZE, 1) and x.dtype == np.float32
    assert 0.0 <= x.min() and x.max() <= 1.0


def _reference_resize(grey: np.ndarray, size: int) -> np.ndarray:
    """The manifest's resize spec written out in numpy, independent of Pillow."""

    def weights(n_in: int, n_out: int) -> np.ndarray:
        scale = n_in / n_out
        fs = max(scale, 1.0)
        m = np.zeros((n_out, n_in))
        for i in range(n_out):
            center = (i + 0.5) * scale
            lo = max(int(center - fs + 0.5), 0)
            hi = min(int(center + fs + 0.5), n_in)
            xs = np.arange(lo, hi)
            w = np.maximum(0.0, 1.0 - np.abs((xs - center + 0.5) / fs))
            m[i, lo:hi] = w / w.sum()
        return m

    g = grey.astype(np.float64)
    h = (g @ weights(g.shape[1], size).T).astype(np.float32).astype(np.float64)
    return (weights(g.shape[0], size) @ h).astype(np.float32)


def _reference_box(grey: np.ndarray, f: int) -> np.ndarray:
    """The manifest's box step with loops: centred crop, block means."""
    h, w = grey.shape[0] // f, grey.shape[1] // f
    y0, x0 = (grey.shape[0] % f) // 2, (grey.shape[1] % f) // 2
    out = np.zeros((h, w), np.float32)
    for y in range(h):
        for x in range(w):
            block = grey[y0 + y * f:y0 + (y + 1) * f, x0 + x * f:x0 + (x + 1) * f]
            out[y, x] = np.float32(int(block.astype(np.int64).sum())) / np.float32(f * f)
    return out


@pytest.mark.parametrize("shape", [(300, 400), (25, 25), (41, 97), (40, 40), (163, 170),
                                   (171, 500)])
def test_resize_follows_the_written_spec(shape):
    rng = np.random.default_rng(sum(shape))
    grey = rng.integers(0, 256, size=shape, dtype=np.uint8)
    ours = pixels_to_input(grey, DEFAULT)[..., 0] * np.float32(255.0)
    f = min(shape) // 80
    reduced = _reference_box(grey, f) if f >= 2 else grey
    spec = _reference_resize(reduced, 40) if shape != (40, 40) else grey.astype(np.float32)
    assert np.abs(ours - spec).max() < 1e-3


def test_box_is_exact_and_centred():
    rng = np.random.default_rng(3)
    grey = rng.integers(0, 256, size=(331, 245), dtype=np.uint8)
    for f in (2, 3, 4, 7):
        assert np.array_equal(box_reduce(grey, f), _reference_box(grey, f))


def test_bilinear_is_pillows_where_pillow_runs_horizontal_first():
    """Pillow's own resize agrees bit for bit on these shapes (it picks its pass order)."""
    rng = np.random.default_rng(5)
    for shape in ((300, 400), (25, 25), (41, 97), (81, 88)):
        g = rng.integers(0, 256, size=shape).astype(np.float32)
        pillow = np.asarray(Image.fromarray(g).resize((40, 40), Image.Resampling.BILINEAR))
        assert np.array_equal(bilinear(g, 40, 40), pillow), shape


def test_seed_data_loads_whole(seed_data):
    files = sorted(seed_data.rglob("*.png"))
    assert len(files) == 1613
    modes = set()
    for f in files:
        with Image.open(f) as im:
            modes.add(im.mode)
        x = load_image(f)
        assert x.shape == (40, 40, 1) and np.isfinite(x).all()
    assert "I;16" in modes  # the seed data really holds a 16-bit picture
