"""Every preprocessing step spelled out in words: the manifest's ``preprocessing.rules``.

Programs read the structured fields of ``python.data.preprocessing.Preprocessing``; this is
the documentation another runtime is written from (the Java library was), so each rule is
stated as this toolkit's own, with the integer and float arithmetic written out, not as
"what library X happens to do". Where a rule follows libjpeg-turbo or Pillow, it names the
routine it follows, so the rule can be checked against that routine's source.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from python.data.preprocessing import Preprocessing

YCC_TO_RGB = (
    "R = Y + ((91881 * (Cr - 128) + 32768) >> 16), G = Y + ((-22554 * (Cb - 128) - 46802 *"
    " (Cr - 128) + 32768) >> 16), B = Y + ((116130 * (Cb - 128) + 32768) >> 16), each"
    " clipped to 0..255 (arithmetic shifts; libjpeg's ycc_rgb_convert tables, jdcolor.c)")


def rules(pre: Preprocessing) -> dict[str, Any]:
    """The rules for one recipe, with its thresholds filled in."""
    if pre.faithful:
        return _faithful(pre, _fast(pre))
    return _fast(pre)


def _faithful(pre: Preprocessing, fast: dict[str, Any]) -> dict[str, Any]:
    """Hugging Face's route: the fast route's decoder, orientation, crop, rescale and
    normalisation, with Pillow's conversion and 8-bit resize and no shortcut."""
    out = {k: fast[k] for k in ("decoder", "orientation", "max_pixels", "center_crop",
                                "rescale", "normalize", "layout")}
    out["route"] = ("faithful: as transformers.image_utils.load_image and a Hugging Face"
                    " image processor prepare the picture (the whole picture decoded, Pillow's"
                    " convert and resize); reducing_gap and draft opt into the fast route")
    mode = "RGB" if pre.color == "rgb" else "L"
    out["color"] = (
        f"Pillow's Image.convert('{mode}') of the upright picture: alpha and tRNS"
        " transparency are dropped (never composited); 16-bit grey becomes min(v, 255);"
        " 16-bit RGB(A) the high byte of each sample; " + (
            "grey R = G = B = L; " if mode == "RGB" else
            "colour L = (19595*R + 38470*G + 7471*B + 32768) >> 16; ") + "CMYK " + _CMYK)
    out["box"] = "none"
    out["jpeg_dc"] = "none: every picture is decoded whole"
    if pre.do_resize:
        out["resize"] = {**fast["resize"], "algorithm": _PILLOW_8BIT,
                         "rounding": "each pass stored as 8 bits (clip8)"}
    else:
        out["resize"] = fast["resize"]
    return out


_PILLOW_8BIT = (
    "Pillow's Image.resize(size, resample, reducing_gap=None) of the 8-bit picture"
    " (libImaging/Resample.c, the _8bpc passes) as Pillow 13 orders them: horizontal pass,"
    " then vertical, each skipped when its size already matches, except that the vertical pass"
    " comes first when both run and in_h - out_h > 0 and in_h - out_h > 2 * (in_w - out_w);"
    " coefficients as precompute_coeffs computes them in float64"
    " (as the fast route's), then each k as an integer: k < 0 ? (int)(-0.5 + k * 2^22) :"
    " (int)(0.5 + k * 2^22), truncated toward zero; each output clip8(2^21 + sum of pixel * k)"
    " in 32-bit integers, clip8(v) = min(max(v >> 22, 0), 255); the first pass's result"
    " is 8-bit")


def _fast(pre: Preprocessing) -> dict[str, Any]:
    """This toolkit's own route: the box step, reduced JPEG decoding, a float resize."""
    side = pre.reduce_side()
    scales = ", ".join(f"1/{s} when min(W, H) >= {s * pre.reduce_to * side}"
                       for s in pre.draft_scales)
    scale_rule = (
        f"a JPEG stored as W x H is decoded at the largest scale that keeps {pre.reduce_to}"
        f" times the reduce side (draft_scales {list(pre.draft_scales)}, each s with min(W, H)"
        f" >= s * reduce_to * reduce_side: {scales}), as libjpeg-turbo's scaled decoding"
        " (scale_denom s) gives it: ceil(W / s) x ceil(H / s) pixels, each component through"
        " the inverse DCT of its scaled size (the luma's 8 / s; for 4:2:0 the chroma's 16 / s,"
        " so no upsampling): 1 x 1 as " + _DC + ", 2 x 2 and 4 x 4 libjpeg's reduced"
        " jpeg_idct_2x2 and jpeg_idct_4x4 (jidctred.c), 8 x 8 jpeg_idct_islow, each as"
        " libjpeg-turbo's x86-64 SIMD code computes it (16-bit lanes that wrap and saturate on"
        " coefficients past 16 bits)")
    out: dict[str, Any] = {
        "decoder": (
            "the first frame of a file; PNG, GIF, BMP, TIFF, WebP and PPM are lossless or"
            " palette formats: the file's own pixels. JPEG (baseline or progressive) is"
            " decompressed as libjpeg-turbo does by default (jpeg_idct_islow, 'fancy'"
            " triangle upsampling of subsampled chroma, then " + YCC_TO_RGB + "); Adobe"
            " inverted CMYK is un-inverted. A file whose data ends before its end (a JPEG"
            " before EOI, a PNG before IEND's data) is refused as truncated; a PNG chunk"
            " whose CRC is wrong before the image data is refused, as is image data whose zlib"
            " Adler-32 is wrong; the image data's own CRC is not checked"
        ),
        "orientation": (
            "the EXIF Orientation tag (0x0112), values 2 to 8, applied to the decoded picture"
            " (for jpeg_dc, the reduced one) by its flip and rotation"
        ),
        "max_pixels": f"pictures of more than {pre.max_pixels} pixels are refused",
        "alpha": (
            "composited over white before anything else, per channel: V = (V * A + 255 *"
            " (255 - A) + 127) // 255; a PNG tRNS colour key counts as alpha 0 where it"
            " matches, 255 elsewhere"
        ),
        "box": (
            f"after colour and orientation, f = min(w, h) // ({pre.reduce_to} * {side}) for a"
            " w x h picture (reduce_side: the larger side of a fixed size, or shortest_edge);"
            " when f >= 2 the picture is cropped to (w // f) * f by (h // f) * f pixels"
            " starting at ((w % f) // 2, (h % f) // 2) and each f x f block of each channel"
            " becomes float32(sum of its 8-bit values, an integer) / float32(f * f);"
            " otherwise the 8-bit values as float32. The resize target is computed from the"
            " picture's full upright size, before the box step or reduced JPEG decoding"
        ) if side else "none: the picture is not resized",
        "resize": _resize(pre),
        "center_crop": (
            "of the resized picture, crop_size.height x crop_size.width pixels starting"
            " at row (H - crop_height) // 2 and column (W - crop_width) // 2"
        ) if pre.do_center_crop else "none",
        "rescale": (
            "float32(float64(v) * rescale_factor), v the float32 value (Hugging Face's"
            " rescale: upcast, multiply, downcast)"
        ) if pre.do_rescale else "none: the values stay 0..255",
        "normalize": (
            "float32 arithmetic: (v - float32(image_mean[c])) / float32(image_std[c])"
        ) if pre.do_normalize else "none",
        "layout": f"[batch, height, width, {pre.channels}], row-major, float32",
        "route": ("fast: this toolkit's own rule (reducing_gap " + str(pre.reducing_gap)
                  + (", draft" if pre.draft else ", no draft") + "), not Pillow's or Hugging"
                  " Face's: the manifest's fidelity report says how far it moves the inputs"),
    }
    if pre.color == "grey":
        out["color"] = {
            "rgb": "L = (19595*R + 38470*G + 7471*B + 32768) >> 16 (integers; ITU-R 601-2 luma)",
            "rgba": "L from R, G, B as above, then L composited over white with A",
            "16-bit grey (I;16, I)": "L = (clip(v, 0, 65535) * 255 + 32767) // 65535",
            "16-bit rgb or grey+alpha": "the high byte of each sample",
            "cmyk": _CMYK,
            "palette": "palette lookup to RGBA (tRNS transparency becomes alpha)",
            "bilevel": "0 -> 0, 1 -> 255",
            "other modes (HSV, LAB, 32-bit float)": "converted to RGBA by Pillow first",
        }
        out["jpeg_dc"] = (
            scale_rule + ", to its luma when its precision is 8 bits and it has one component,"
            " or three taken as YCbCr" + _YCBCR + " with the first component at the largest"
            " sampling factors: the Y channel, not the RGB formula. " + _DAMAGED
        ) if side else "none"
    else:
        out["color"] = {
            "grey": "R = G = B = L",
            "rgba": "each of R, G, B composited over white with A",
            "16-bit grey (I;16, I)": "L = (clip(v, 0, 65535) * 255 + 32767) // 65535, then"
                                     " R = G = B = L",
            "16-bit rgb or grey+alpha": "the high byte of each sample",
            "cmyk": _CMYK,
            "palette": "palette lookup to RGBA (tRNS transparency becomes alpha)",
            "bilevel": "0 -> 0, 1 -> 255, then R = G = B",
            "other modes (HSV, LAB, 32-bit float)": "converted to RGBA by Pillow first",
        }
        out["jpeg_dc"] = (
            scale_rule + ", when its precision is 8 bits and either it has one component"
            " (grey, then R = G = B) or three taken as YCbCr" + _YCBCR + " sampled 4:4:4"
            " (every component 1 x 1) or 4:2:0 (Y 2 x 2, Cb and Cr 1 x 1), then "
            + YCC_TO_RGB + ". Other samplings are decoded whole. " + _DAMAGED
        ) if side else "none"
    if not pre.draft:
        out["jpeg_dc"] = "none: draft is false, every JPEG is decoded whole"
    return out


_YCBCR = (" (an APP0 'JFIF\\0' segment of 14+ bytes; else an APP14 'Adobe' segment of 12+"
          " bytes whose transform byte, the last such segment's, is not 0; else component ids"
          " not 82, 71, 66)")
_DC = ("T[((DC * Q0 + 4) >> 3) & 1023] with DC the block's quantised DC coefficient as a"
       " 16-bit integer, Q0 the first entry of its quantisation table and T[v] = v + 128 for v"
       " < 128, 255 for v < 512, 0 for v < 896, v - 896 otherwise (libjpeg's jpeg_idct_1x1"
       " with its range limit)")
_DAMAGED = ("Damaged data: a marker met inside a scan's data ends that scan (zero bits for the"
            " block in hand, the rest of the restart interval left at zero) and a Huffman code"
            " that matches nothing reads as 0; data that ends before EOI is refused as"
            " truncated")
_CMYK = ("nk = 255 - K; X' = clip(nk - ((t + (t >> 8)) >> 8), 0, 255) with t = X*nk + 128, for"
         " X in C, M, Y, giving R, G, B; Adobe-inverted JPEG CMYK is un-inverted first")


def _resize(pre: Preprocessing) -> dict[str, Any] | str:
    if not pre.do_resize:
        return "none: a picture must already be the model's size"
    support = {2: "1 (triangle: 1 - |x|)", 3: "2 (Keys' cubic, a = -0.5: (a + 2)|x|^3 -"
               " (a + 3)|x|^2 + 1 for |x| < 1, a|x|^3 - 5a|x|^2 + 8a|x| - 4a for |x| < 2)"}
    return {
        "skip_when_same_size": True,
        "filter": f"{pre.resample_name}, support {support[pre.resample]}, widened by the"
                  " scale when shrinking",
        "target": ("size.height x size.width" if pre.size.shortest_edge is None else
                   "the shorter side shortest_edge, the longer int(shortest_edge * long /"
                   " short) in float64"),
        "algorithm": (
            "Pillow's precompute_coeffs and resample passes on the float32 picture the box"
            " step left, written out (not Image.resize, which picks its own pass order):"
            " horizontal pass then vertical pass, each channel alike; for output index i,"
            " scale = in/out, fs = max(scale, 1), support = filter support * fs, center = (i"
            " + 0.5) * scale, xmin = max(int(center - support + 0.5), 0), xmax ="
            " min(int(center + support + 0.5), in), weights w(x) = filter((x - center + 0.5)"
            " * (1 / fs)) for x in [xmin, xmax), each divided by their sum taken in order,"
            " in float64; each output the float64 sum, in order of x, of input * weight,"
            " stored as float32 after each pass; a pass whose size already matches is skipped"
        ),
        "rounding": "none: the float result is neither rounded nor clipped to 8 bits",
    }
