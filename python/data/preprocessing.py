"""The recipe from a picture file to a model input, in Hugging Face's ``preprocessor_config.json``
words: resize (to a size, or a shortest edge), centre crop, rescale, normalise.

One ``Preprocessing`` value drives ``python.data.pictures.load_image`` and is written into
the manifest as fields a program reads (``manifest.json``'s ``preprocessing``); the Java
library builds its pipeline from the same fields. Where a user's model or file asks for
something this toolkit does not implement, it is refused in one line that names the field:
never approximated.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from python.data.resample import FILTERS
from python.errors import ToolkitError

#: 4: ``reducing_gap`` and ``draft`` choose the route (absent in 3, which was the fast one);
#: 3: the structured fields below (Hugging Face's vocabulary); 2 had prose and a square size.
VERSION = 4
#: The fast route's box step, in Pillow's words (``Image.resize(..., reducing_gap)``): the
#: only gap implemented, the one ``Image.thumbnail`` uses by default.
REDUCING_GAP = 2.0
#: Pictures with more pixels than this are refused as decompression bombs.
MAX_PIXELS = 50_000_000
#: The box reduction leaves at least REDUCE_TO times the resize target's side, and a JPEG is
#: decoded at a reduced scale only when that still holds: smaller pictures are resized whole.
REDUCE_TO = 2
#: libjpeg's largest DCT scaling: 1/8, where each pixel comes from one 8 x 8 block.
JPEG_DC_SCALE = 8
#: The scales a large JPEG may be decoded at (Pillow's ``draft``, libjpeg's scale_denom),
#: largest first: the largest that keeps REDUCE_TO times the side is taken, as Pillow's
#: ``thumbnail`` takes it. A manifest without ``draft_scales`` knew only 1/8.
DRAFT_SCALES = (8, 4, 2)
#: Pillow's resample numbers, the ones Hugging Face's ``resample`` uses, by name.
RESAMPLE_NAMES = {0: "nearest", 1: "lanczos", 2: "bilinear", 3: "bicubic", 4: "box",
                  5: "hamming"}
#: ``rescale_factor`` when nothing else is said: 8-bit values to [0, 1].
DEFAULT_RESCALE = 1 / 255
COLORS = {1: "grey", 3: "rgb"}
#: preprocessor_config.json keys that change pictures in ways not implemented here: refused
#: when set (a value that does nothing, false or null, is accepted).
UNSUPPORTED_KEYS = ("do_pad", "crop_pct", "do_flip_channel_order", "do_reduce_labels",
                    "longest_edge", "max_size")
FILE_KEYS = {"do_resize", "size", "resample", "do_center_crop", "crop_size", "do_rescale",
             "rescale_factor", "do_normalize", "image_mean", "image_std", "do_convert_rgb",
             "reducing_gap", "draft"}


@dataclass(frozen=True)
class Size:
    """Hugging Face's size dict: ``height`` and ``width``, or ``shortest_edge`` alone."""

    height: int | None = None
    width: int | None = None
    shortest_edge: int | None = None

    def describe(self) -> str:
        if self.shortest_edge is not None:
            return f"shortest edge {self.shortest_edge}"
        return f"{self.height} x {self.width}"


@dataclass(frozen=True)
class Preprocessing:
    """How a picture becomes the model's input: every field a runtime needs to do the same.

    Two routes. The faithful one (``reducing_gap`` None), Hugging Face's: the whole picture
    decoded, oriented, converted as Pillow converts it, resized by Pillow's 8-bit resampling,
    centre-cropped, rescaled, normalised. The fast one (``reducing_gap`` set, this toolkit's
    own rule and the default recipe's): colour with alpha over white, the box reduction of
    large pictures (and reduced JPEG decoding with ``draft``), a float resize with no rounding,
    then the same crop, rescale and normalisation. The input is float32
    ``[height, width, channels]``.
    """

    color: str
    do_resize: bool
    size: Size
    resample: int
    do_center_crop: bool
    crop_size: Size | None
    do_rescale: bool
    rescale_factor: float
    do_normalize: bool
    image_mean: tuple[float, ...]
    image_std: tuple[float, ...]
    do_convert_rgb: bool
    #: Where the recipe came from: "default" or the preprocessor_config.json it was read from.
    source: str = "default"
    version: int = VERSION
    max_pixels: int = MAX_PIXELS
    #: The fast route's box step (Pillow's ``reducing_gap``); None: the faithful route. The
    #: default is the fast one, so a version 3 manifest, which has no such field, reads as it
    #: was meant.
    reducing_gap: float | None = REDUCING_GAP
    #: Whether the fast route decodes a large JPEG at reduced scale (Pillow's ``draft``).
    draft: bool = True
    reduce_to: int = REDUCE_TO
    jpeg_dc_scale: int = JPEG_DC_SCALE
    #: With ``draft``, the scales a large JPEG may be decoded at, largest first.
    draft_scales: tuple[int, ...] = DRAFT_SCALES
    #: Each step spelled out in prose (python.data.rules): documentation, not read by programs.
    rules: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def channels(self) -> int:
        return 3 if self.color == "rgb" else 1

    @property
    def faithful(self) -> bool:
        """Whether pictures are prepared exactly as Hugging Face's image processors do."""
        return self.reducing_gap is None

    @property
    def route(self) -> str:
        return "faithful" if self.faithful else "fast"

    def with_route(self, route: str) -> Preprocessing:
        """The same recipe on the other route (for the fidelity report)."""
        if route == "faithful":
            return _with_rules(replace(self, reducing_gap=None, draft=False))
        return _with_rules(replace(self, reducing_gap=REDUCING_GAP, draft=True,
                                   draft_scales=DRAFT_SCALES))

    @property
    def resample_name(self) -> str:
        return RESAMPLE_NAMES.get(self.resample, str(self.resample))

    def output_size(self) -> tuple[int, int]:
        """(height, width) of the model input this recipe makes."""
        last = self.crop_size if self.do_center_crop else self.size
        return int(last.height), int(last.width)

    def resize_to(self, width: int, height: int) -> tuple[int, int]:
        """(height, width) of the resize step for an upright picture of width x height:
        ``size``, or the shortest edge scaled to ``shortest_edge`` (the long one
        int(shortest_edge * long / short), as Hugging Face computes it)."""
        if self.size.shortest_edge is None:
            return int(self.size.height), int(self.size.width)
        s = self.size.shortest_edge
        short, long = (width, height) if width <= height else (height, width)
        new_long = int(s * long / short)
        return (new_long, s) if width <= height else (s, new_long)

    def reduce_side(self) -> int:
        """The side the box step and reduced JPEG decoding keep REDUCE_TO times of: the
        larger side of a fixed ``size``, or ``shortest_edge``; 0 when nothing is resized."""
        if not self.do_resize:
            return 0
        if self.size.shortest_edge is not None:
            return self.size.shortest_edge
        return max(int(self.size.height), int(self.size.width))

    def draft_scale(self, width: int, height: int) -> int:
        """The scale denominator a JPEG stored as width x height is decoded at on this recipe
        (the manifest's ``jpeg_dc`` rule): the largest of ``draft_scales`` that keeps
        ``reduce_to`` times the reduce side; 1 (whole) when none does, or without draft."""
        side = self.reduce_side()
        if self.faithful or not self.draft or not side:
            return 1
        return next((s for s in self.draft_scales
                     if min(width, height) >= s * self.reduce_to * side), 1)

    def input_range(self) -> list[tuple[float, float]]:
        """Per channel, the model input that 8-bit 0 and 255 become (before any resampling
        overshoot): the range the parity suite's edge inputs are drawn from."""
        factor = self.rescale_factor if self.do_rescale else 1.0
        out = []
        for c in range(self.channels):
            lo, hi = 0.0 * factor, 255.0 * factor
            if self.do_normalize:
                lo = (lo - self.image_mean[c]) / self.image_std[c]
                hi = (hi - self.image_mean[c]) / self.image_std[c]
            out.append((min(lo, hi), max(lo, hi)))
        return out

    def describe(self) -> str:
        """One line for the export's log."""
        parts = [self.color, f"resize {self.size.describe()} {self.resample_name}"
                 if self.do_resize else "no resize"]
        if self.do_center_crop and self.crop_size is not None:
            parts.append(f"crop {self.crop_size.describe()}")
        parts.append(f"rescale {self.rescale_factor:.6g}" if self.do_rescale else "no rescale")
        if self.do_normalize:
            parts.append("normalise mean " + ", ".join(f"{v:.6g}" for v in self.image_mean)
                         + " std " + ", ".join(f"{v:.6g}" for v in self.image_std))
        parts.append(f"{self.route} route" + (" (draft)" if self.draft and not self.faithful
                                               else ""))
        return ", ".join(parts)


def default(channels: int, height: int, width: int, rescale: bool = True) -> Preprocessing:
    """The recipe when no preprocessor_config.json is given: the model's size, bilinear,
    /255 (``rescale`` False when the model scales its own input), on the fast route: with no
    file, the rule is this toolkit's own."""
    return _with_rules(Preprocessing(
        color=_color(channels), do_resize=True, size=Size(height=height, width=width),
        resample=2, do_center_crop=False, crop_size=None, do_rescale=rescale,
        rescale_factor=DEFAULT_RESCALE, do_normalize=False, image_mean=(), image_std=(),
        do_convert_rgb=channels == 3))


def _color(channels: int) -> str:
    if channels not in COLORS:
        raise ToolkitError(f"{channels} channels: only 1 (grey) and 3 (RGB) are supported")
    return COLORS[channels]


def _with_rules(pre: Preprocessing) -> Preprocessing:
    from python.data.rules import rules

    return replace(pre, rules=rules(pre))


def read_config(path: Path, channels: int, height: int, width: int) -> Preprocessing:
    """A Hugging Face preprocessor_config.json for a model taking [height, width, channels].

    Every field the file leaves out takes the default recipe's value (model size, bilinear,
    /255). Anything unsupported, or a recipe whose output is not the model's input size, is
    one ToolkitError naming the file and the field.
    """
    path = Path(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ToolkitError(f"{path}: no such preprocessing file") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ToolkitError(f"{path}: not a JSON preprocessor_config ({err})") from None
    if not isinstance(raw, dict):
        raise ToolkitError(f"{path}: not a preprocessor_config (a JSON object is expected)")
    return from_config(raw, channels, height, width, str(path))


def from_config(raw: dict[str, Any], channels: int, height: int, width: int,
                where: str) -> Preprocessing:
    """``read_config`` on an already parsed object; ``where`` names it in errors."""

    def fail(key: str, why: str) -> ToolkitError:
        return ToolkitError(f"{where}: {key}: {why}")

    for key in UNSUPPORTED_KEYS:
        if raw.get(key) not in (None, False):
            raise fail(key, "is not supported (supported: " + ", ".join(sorted(FILE_KEYS)) + ")")
    base = default(channels, height, width)
    do_resize = _flag(raw, "do_resize", True, fail)
    size = _size(raw["size"], "size", fail, square_int=False) \
        if do_resize and "size" in raw else base.size
    resample = raw.get("resample", 2)
    if isinstance(resample, bool) or not isinstance(resample, int) or resample not in FILTERS:
        name = RESAMPLE_NAMES.get(resample, repr(resample)) if isinstance(resample, int) \
            else repr(resample)
        raise fail("resample", f"{resample!r} ({name}) is not supported; supported: "
                   + ", ".join(f"{k} ({RESAMPLE_NAMES[k]})" for k in sorted(FILTERS)))
    do_crop = _flag(raw, "do_center_crop", False, fail)
    crop = _size(raw["crop_size"], "crop_size", fail, square_int=True) \
        if raw.get("crop_size") is not None else None
    if do_crop and (crop is None or crop.shortest_edge is not None):
        raise fail("crop_size", "do_center_crop needs crop_size {height, width}")
    do_rescale = _flag(raw, "do_rescale", True, fail)
    factor = raw.get("rescale_factor", DEFAULT_RESCALE)
    if isinstance(factor, bool) or not isinstance(factor, int | float) \
            or not math.isfinite(factor) or factor <= 0:
        raise fail("rescale_factor", f"{factor!r} is not a positive number")
    do_normalize = _flag(raw, "do_normalize", False, fail)
    mean = _per_channel(raw.get("image_mean"), "image_mean", channels, fail) \
        if do_normalize else ()
    std = _per_channel(raw.get("image_std"), "image_std", channels, fail) if do_normalize else ()
    if any(s <= 0 for s in std):
        raise fail("image_std", f"{list(std)}: every value must be positive")
    gap, draft = _route(raw, fail)
    pre = replace(base, do_resize=do_resize, size=size, resample=resample,
                  do_center_crop=do_crop, crop_size=crop if do_crop else None,
                  do_rescale=do_rescale, rescale_factor=float(factor),
                  do_normalize=do_normalize, image_mean=mean, image_std=std,
                  do_convert_rgb=_flag(raw, "do_convert_rgb", channels == 3, fail),
                  reducing_gap=gap, draft=draft, source=where)
    _check_output(pre, height, width, fail)
    return _with_rules(pre)


def _route(raw: dict, fail) -> tuple[float | None, bool]:
    """A file means Hugging Face's result (the faithful route) unless it opts into the fast
    one under Pillow's names: ``reducing_gap`` (only 2.0 is implemented) and ``draft``."""
    gap = raw.get("reducing_gap")
    if gap is not None and (isinstance(gap, bool) or not isinstance(gap, int | float)
                            or float(gap) != REDUCING_GAP):
        raise fail("reducing_gap", f"{gap!r} is not supported (null: the faithful route, or"
                   f" {REDUCING_GAP}: the fast route)")
    draft = _flag(raw, "draft", False, fail)
    if draft and gap is None:
        raise fail("draft", "true needs \"reducing_gap\": 2.0 (draft decoding is part of the"
                   " fast route)")
    return (None if gap is None else float(gap)), draft


def check_draft_scales(value: Any, where: str) -> tuple[int, ...]:
    """A manifest's ``draft_scales``: some of 8, 4, 2, largest first; else one ToolkitError."""
    if not isinstance(value, list | tuple) or not value or any(
            isinstance(v, bool) or v not in DRAFT_SCALES for v in value) \
            or list(value) != sorted(set(value), reverse=True):
        raise ToolkitError(f"{where}: preprocessing.draft_scales: {value!r} is not some of"
                           f" {list(DRAFT_SCALES)}, largest first")
    return tuple(value)


def _flag(raw: dict, key: str, otherwise: bool, fail) -> bool:
    value = raw.get(key, otherwise)
    if value is None:
        return otherwise
    if not isinstance(value, bool):
        raise fail(key, f"{value!r} is not true or false")
    return value


def _size(value: Any, key: str, fail, square_int: bool) -> Size:
    if isinstance(value, int) and not isinstance(value, bool) and square_int and value > 0:
        return Size(height=value, width=value)  # crop_size: an int is a square, as in HF
    if not isinstance(value, dict):
        raise fail(key, f"{value!r}: expected {{\"height\": H, \"width\": W}} or"
                        " {\"shortest_edge\": S}")
    keys = set(value)
    if keys == {"height", "width"}:
        out = Size(height=value["height"], width=value["width"])
    elif keys == {"shortest_edge"}:
        out = Size(shortest_edge=value["shortest_edge"])
    else:
        raise fail(key, f"{sorted(keys)}: supported are height and width, or shortest_edge"
                        " alone")
    for v in (out.height, out.width, out.shortest_edge):
        if v is not None and (isinstance(v, bool) or not isinstance(v, int) or v < 1):
            raise fail(key, f"{value!r}: sizes must be positive whole numbers")
    return out


def _per_channel(value: Any, key: str, channels: int, fail) -> tuple[float, ...]:
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = [value] * channels
    if not isinstance(value, list) or not all(
            isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
            for v in value):
        raise fail(key, f"{value!r}: do_normalize needs a list of {channels} numbers")
    if len(value) != channels:
        raise fail(key, f"{len(value)} values for a model with {channels} channel(s)")
    return tuple(float(v) for v in value)


def _check_output(pre: Preprocessing, height: int, width: int, fail) -> None:
    """The recipe must make exactly the model's input size, whatever the picture's shape."""
    if pre.do_resize and pre.size.shortest_edge is not None and not pre.do_center_crop:
        raise fail("size", f"{pre.size.describe()} without a centre crop gives pictures of"
                   f" varying shape; the model takes {height} x {width}")
    if pre.do_center_crop:
        crop = pre.crop_size
        if (crop.height, crop.width) != (height, width):
            raise fail("crop_size", f"{crop.describe()} is not the model's input {height} x"
                       f" {width}")
        if pre.do_resize:
            s = pre.size.shortest_edge  # either side of the picture may end up the short one
            small = (max(crop.height, crop.width) > s if s is not None else
                     pre.size.height < crop.height or pre.size.width < crop.width)
            if small:
                raise fail("crop_size", f"{crop.describe()} is larger than the resized"
                           f" picture ({pre.size.describe()})")
    elif pre.do_resize and (pre.size.height, pre.size.width) != (height, width):
        raise fail("size", f"{pre.size.describe()} is not the model's input {height} x {width}")
