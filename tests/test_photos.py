"""Phone-size photos: large JPEGs at reduced scale (1/8 from their DC coefficients), small
pictures as before."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from PIL import Image

from python.data.decode import decode_pixels
from python.data.pictures import DEFAULT, load_image
from python.data.preprocessing import JPEG_DC_SCALE, REDUCE_TO
from python.errors import PictureError
from tests.photos import make_bad_photos, make_photos


@pytest.fixture(scope="module")
def photos(tmp_path_factory):
    return {p.name: p for p in make_photos(tmp_path_factory.mktemp("photos"))}


def _block_means(a: np.ndarray, f: int = 8) -> np.ndarray:
    h, w = a.shape[0] // f, a.shape[1] // f
    return a[:h * f, :w * f].reshape(h, f, w, f).astype(np.float64).mean(axis=(1, 3))


def test_large_jpeg_is_its_luma_at_one_eighth(photos):
    """The DC picture is each 8 x 8 block's mean luma, within JPEG's rounding."""
    path = photos["phone_4000x3000.jpg"]
    grey = decode_pixels(path, DEFAULT)[0]
    assert grey.shape == (375, 500)
    with Image.open(path) as im:
        luma = np.asarray(im.convert("YCbCr"))[..., 0]  # full decode, the Y channel
    diff = np.abs(grey.astype(np.float64) - _block_means(luma))
    assert diff.mean() < 0.6 and diff.max() <= 4


def test_progressive_gives_the_same_dc_picture_as_baseline(tmp_path, photos):
    """Progressive scans carry the same quantised coefficients: the same DC picture."""
    with Image.open(photos["phone_4000x3000.jpg"]) as im:
        im.load()
        for progressive in (False, True):
            im.save(tmp_path / f"p{progressive}.jpg", quality=75, progressive=progressive)
    assert np.array_equal(decode_pixels(tmp_path / "pFalse.jpg", DEFAULT)[0],
                          decode_pixels(tmp_path / "pTrue.jpg", DEFAULT)[0])


def test_exif_rotated_photo_is_upright(photos):
    assert decode_pixels(photos["phone_exif_rotated.jpg"], DEFAULT)[0].shape == (504, 378)


def test_every_photo_is_a_model_input(photos):
    for path in photos.values():
        x = load_image(path)
        assert x.shape == (40, 40, 1) and 0.0 <= x.min() and x.max() <= 1.0, path.name


def test_small_pictures_keep_version_1(tmp_path):
    """Under 4 x size on the shorter side: Pillow's RGB -> L, no DC, no box."""
    rng = np.random.default_rng(0)
    rgb = rng.integers(0, 256, size=(150, 600, 3), dtype=np.uint8)
    Image.fromarray(rgb).save(tmp_path / "small.jpg", quality=90)
    with Image.open(tmp_path / "small.jpg") as im:
        assert np.array_equal(decode_pixels(tmp_path / "small.jpg", DEFAULT)[0],
                              np.asarray(im.convert("L")))
    thumb = rng.integers(0, 256, size=(40, 40), dtype=np.uint8)
    Image.fromarray(thumb).save(tmp_path / "thumb.png")
    assert np.array_equal(load_image(tmp_path / "thumb.png")[..., 0],
                          thumb.astype(np.float32) / np.float32(255.0))


def test_each_draft_scale_starts_at_its_threshold(tmp_path):
    """At s * REDUCE_TO * side a JPEG comes at 1/s; a pixel less, at the next scale down,
    and under the smallest one, whole (the largest scale that keeps the reducing gap)."""
    scales = DEFAULT.draft_scales
    assert scales == (8, 4, 2)
    for s, smaller in zip(scales, [*scales[1:], 1], strict=True):
        side = s * REDUCE_TO * 40
        for h, scale in ((side - 1, smaller), (side, s)):
            Image.new("RGB", (1000, h), (90, 120, 200)).save(tmp_path / f"{h}.jpg")
            expected = (-(-h // scale), -(-1000 // scale))
            assert decode_pixels(tmp_path / f"{h}.jpg", DEFAULT)[0].shape == expected, (s, h)


def test_a_recipe_with_one_draft_scale_keeps_to_it(tmp_path):
    """A manifest written before draft_scales knew only 1/8: under it, whole."""
    only_eighth = replace(DEFAULT, draft_scales=(JPEG_DC_SCALE,))
    Image.new("RGB", (1000, 639), (90, 120, 200)).save(tmp_path / "p.jpg")
    assert decode_pixels(tmp_path / "p.jpg", only_eighth)[0].shape == (639, 1000)
    assert decode_pixels(tmp_path / "p.jpg", DEFAULT)[0].shape == (160, 250)


def test_cmyk_and_rgb_coded_jpegs_are_not_dc_decoded(tmp_path):
    """libjpeg's luma is only the Y of YCbCr (or grey): other colour spaces decode whole."""
    Image.new("CMYK", (700, 700), (10, 20, 30, 40)).save(tmp_path / "cmyk.jpg")
    Image.new("RGB", (700, 700), (10, 20, 30)).save(tmp_path / "rgb.jpg", keep_rgb=True)
    for name in ("cmyk.jpg", "rgb.jpg"):
        assert decode_pixels(tmp_path / name, DEFAULT)[0].shape == (700, 700), name


@pytest.mark.parametrize("name, reason", [
    ("truncated_photo.jpg", "truncated picture"), ("broken_header_photo.jpg", "not a picture"),
    ("bomb_photo.jpg", "decompression bomb"),
])
def test_bad_large_jpeg_is_one_line_naming_it(tmp_path, name, reason):
    path = make_bad_photos(tmp_path)[name]
    with pytest.raises(PictureError) as err:
        load_image(path)
    assert str(err.value).startswith(f"{path}: ") and reason in str(err.value)
    assert "\n" not in str(err.value)


def _chunk(kind: bytes, body: bytes) -> bytes:
    import struct
    import zlib

    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def test_damaged_image_data_in_a_large_png_is_pillows_one_line(tmp_path):
    """Pillow decides: a bad image-data CRC is decoded (Pillow does not check it), a short
    stream is refused in one line."""
    rgb = np.random.default_rng(5).integers(0, 256, size=(200, 330, 3), dtype=np.uint8)
    path = tmp_path / "whole.png"
    Image.fromarray(rgb).save(path)
    data = path.read_bytes()
    bad_crc = tmp_path / "bad_crc.png"  # Pillow does not check image data CRCs: it decodes
    idat = data.index(b"IDAT")
    length = int.from_bytes(data[idat - 4:idat], "big")
    crc = idat + 4 + length
    bad_crc.write_bytes(data[:crc] + bytes(b ^ 0xFF for b in data[crc:crc + 4]) + data[crc + 4:])
    with Image.open(path) as im:
        assert np.array_equal(decode_pixels(bad_crc, DEFAULT)[0], np.asarray(im.convert("L")))
    short = tmp_path / "short.png"
    short.write_bytes(data[:len(data) // 2])
    with pytest.raises(PictureError, match="short.png") as err:
        decode_pixels(short, DEFAULT)[0]
    assert "\n" not in str(err.value)


def test_a_wrong_checksum_in_a_large_png_is_refused_as_pillow_refuses_it(tmp_path):
    """libspng, which once decoded large plain PNGs here, never read the zlib stream's
    Adler-32; Pillow does: the file is refused in one line, as Java and JavaScript refuse it."""
    import struct
    import zlib

    rgb = np.random.default_rng(6).integers(0, 256, size=(200, 330, 3), dtype=np.uint8)
    raw = b"".join(b"\0" + row.tobytes() for row in rgb)
    stream = zlib.compress(raw)
    stream = stream[:-1] + bytes([stream[-1] ^ 1])
    ihdr = struct.pack(">IIBBBBB", 330, 200, 8, 2, 0, 0, 0)
    path = tmp_path / "bad_adler.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", stream)
                     + _chunk(b"IEND", b""))
    with pytest.raises(PictureError, match="bad_adler.png") as err:
        load_image(path)
    assert "\n" not in str(err.value)
