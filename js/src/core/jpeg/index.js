/**
 * JPEG, read as libjpeg-turbo under Pillow reads it: the package's one JPEG entry point.
 *
 * Every Huffman-coded 8-bit grey or YCbCr JPEG is read once by JpegDc (reader.js), which
 * refuses what libjpeg-turbo under Pillow refuses. A large one (the manifest's jpeg_dc) comes
 * at 1/8, 1/4 or 1/2 scale (draftScale()) from that same read, in grey or, for an RGB model
 * and a 4:4:4 or 4:2:0 JPEG, in RGB; a smaller one, a large colour one of another sampling for
 * an RGB model, or one JpegDc does not decode (CMYK, RGB-coded, arithmetic-coded, 12-bit) is
 * left to the platform's libjpeg-turbo ({kind: 'whole'}: sharp in Node, createImageBitmap in a
 * browser). A plain file (JpegDc.plain(): nothing in it that libjpeg refuses or treats
 * otherwise than by its pixels) is only walked for markers, its data not decoded, where the
 * platform decodes it: whole, or, in Node, reduced too ({kind: 'reduced'}).
 *
 * A hand port of the Java library's JpegDecoder (without orientation, which the caller
 * applies): no JavaScript library decodes a JPEG at reduced scale as libjpeg-turbo does
 * (jpeg-js differs by 2 to 8 levels at 1/8). It follows libjpeg-turbo's jdmarker.c, jdhuff.c,
 * jdphuff.c, jdmaster.c (each component's IDCT size), jidctred.c (jpeg_idct_1x1, _2x2, _4x4),
 * jidctint.c (jpeg_idct_islow), as its x86-64 SIMD code computes them, and jdcolor.c
 * (ycc_rgb_convert). Browser-safe: Uint8Array only.
 */

import { PictureError } from '../errors.js';
import { JpegDc, SCALES } from './reader.js';

/** Python's and the manifest's default limit (preprocessing.max_pixels). */
export const DEFAULT_MAX_PIXELS = 50_000_000;

/**
 * Whether the bytes start as a JPEG does (SOI: FF D8, and more than two bytes).
 * @param {Uint8Array} bytes the file
 * @returns {boolean}
 */
export function isJpeg(bytes) {
  return JpegDc.isJpeg(bytes);
}

/**
 * The frame header, read by walking the markers before the first scan (the Java's headers()).
 * @param {Uint8Array} bytes the whole file
 * @param {string} name names the picture (unused here: a damaged walk returns null)
 * @returns {{width: number, height: number, decodable: boolean, components: number, rgbDc: boolean}|null}
 *   width and height as stored (before EXIF orientation); decodable: the reduced routes can read
 *   it exactly as libjpeg; components: 1 for grey; rgbDc: a 4:4:4 or 4:2:0 YCbCr JPEG the RGB
 *   route decodes. null when the walk failed or found no frame header before a scan.
 */
export function readJpegHeader(bytes, name) {
  return new JpegDc(bytes, name).headers();
}

/**
 * The scale a JPEG stored as width x height is decoded at (the manifest's jpeg_dc rule, Python's
 * Preprocessing.draft_scale): the first (largest) of draftScales with min(width, height) >= s *
 * draftSide; 1 (whole) when none is, or when draftSide is 0.
 * @param {number} width stored width (before EXIF orientation)
 * @param {number} height stored height
 * @param {number} draftSide reduce_to * reduce_side (0: never reduced)
 * @param {readonly number[]} draftScales some of 8, 4 and 2, largest first
 * @returns {number} 8, 4, 2, or 1
 */
export function draftScale(width, height, draftSide, draftScales) {
  if (!(draftSide > 0)) {
    return 1;
  }
  return draftScales.find((s) => Math.min(width, height) >= s * draftSide) ?? 1;
}

/**
 * A JPEG for a model: its reduced pixels where the manifest's jpeg_dc rule says so
 * (draftScale()), else a sign to decode it whole ({kind: 'whole'}) once it has been checked
 * as libjpeg-turbo under Pillow checks it. Refuses (throws) where the Java library's
 * JpegDecoder does, except, with wholeSmooths, a progressive JPEG libjpeg block-smooths that is
 * decoded whole: Java decodes those with ImageIO's libjpeg, which does not smooth; sharp's
 * libjpeg-turbo smooths them as Pillow's does (measured: tests/test_js.py), Chromium's
 * (Debian's libjpeg-turbo 2.1) not always.
 *
 * @param {Uint8Array} bytes the whole file
 * @param {string} name the picture's path or name, for refusals
 * @param {{channels: number, draftSide: number, draftScales?: readonly number[],
 *   maxPixels?: number, wholeSmooths?: boolean}} options channels: the model's (1 grey, 3 RGB);
 *   draftSide: reduce_to * reduce_side, the side a reduced picture must keep (0: never
 *   reduced); draftScales: the manifest's draft_scales, some of 8, 4, 2, largest first
 *   (default [8]); maxPixels: pictures of more pixels are refused before decoding
 *   (preprocessing.max_pixels, default 50 000 000); wholeSmooths: whether the platform decoder
 *   block-smooths as Pillow does (default false: refuse); platformReduces: whether the platform
 *   decodes a plain JPEG (JpegDc.plain()) at reduced scale as libjpeg-turbo does (sharp in
 *   Node), so that a grey one, or a colour one for an RGB model, comes back as 'reduced'
 *   (default false)
 * @returns {{kind: 'draft', scale: number, width: number, height: number, channels: number,
 *   data: Uint8Array, fullWidth: number, fullHeight: number} | {kind: 'whole'} | {kind:
 *   'reduced', scale: number, width: number, height: number, channels: number, fullWidth:
 *   number, fullHeight: number, sofAt: number}} for 'draft': ceil(W / scale) x ceil(H / scale)
 *   interleaved 8-bit pixels in stored orientation, channels 1 (grey; for an RGB model the
 *   caller repeats it) or 3, and the full stored size they stand for; for 'reduced' the same
 *   without the pixels, for the platform to decode (sofAt: where the frame header's height
 *   and width are), checked as libjpeg-turbo under Pillow checks it
 * @throws {PictureError} a damaged or truncated file, a decompression bomb, or a progressive
 *   JPEG that libjpeg-turbo would block-smooth, where it would come reduced
 */
export function decodeJpeg(bytes, name, {
  channels, draftSide, draftScales = [8], maxPixels = DEFAULT_MAX_PIXELS, wholeSmooths = false,
  platformReduces = false,
}) {
  if (channels !== 1 && channels !== 3) {
    throw new RangeError(`channels must be 1 or 3, not ${channels}`);
  }
  if (!(draftSide >= 0) || !(maxPixels >= 0)) {
    throw new RangeError('draftSide and maxPixels must not be negative');
  }
  if (!Array.isArray(draftScales) || draftScales.length === 0
    || draftScales.some((s, i) => !SCALES.includes(s) || (i > 0 && s >= draftScales[i - 1]))) {
    throw new RangeError(`draftScales must be some of ${SCALES.join(', ')}, largest first`);
  }
  const jpeg = new JpegDc(bytes, name);
  const header = jpeg.headers();
  if (header !== null && !header.decodable) {
    return { kind: 'whole' };
  }
  if (header !== null && header.width * header.height > maxPixels) {
    throw new PictureError(name, `decompression bomb: ${header.width}x${header.height} exceeds`
      + ` ${maxPixels} pixels`);
  }
  const scale = header === null ? 1 : draftScale(header.width, header.height, draftSide, draftScales);
  const large = scale > 1;
  // A plain file (JpegDc.plain()) is refused nowhere, so a file decoded whole needs no decode
  // here to check it, and with platformReduces a reduced one (but the grey route's colour
  // JPEG: its luma alone) may come from the platform's libjpeg-turbo at reduced scale.
  const rgbRoute = large && channels === 3 && header.rgbDc;
  const greyRoute = large && (channels === 1 || header.components === 1);
  const whole = !rgbRoute && !greyRoute;
  if (header !== null && (whole || (platformReduces && (rgbRoute || header.components === 1)))
    && jpeg.again().plain(rgbRoute, whole ? 8 : scale)) {
    return whole ? { kind: 'whole' } : {
      kind: 'reduced', scale, width: Math.ceil(header.width / scale),
      height: Math.ceil(header.height / scale), channels: header.components === 1 ? 1 : 3,
      fullWidth: header.width, fullHeight: header.height, sofAt: jpeg.f.sofAt,
    };
  }
  if (rgbRoute) {
    // Python decodes it reduced in RGB (Pillow's draft("RGB")): the same read, kept in colour
    return draftResult(jpeg.rgbPixels(scale), header, scale);
  }
  // Markers and entropy-coded data read as libjpeg-turbo reads them, so that what Pillow
  // refuses is refused before the platform's decoder sees the file (at 1/8, the cheapest, when
  // the pixels are not used). Without a usable frame header this throws libjpeg's reason.
  const grey = jpeg.pixels(greyRoute ? scale : 8);
  // Reduced, this reader would have to block-smooth, and it does not; decoded whole, the file
  // goes to a platform decoder that may smooth as Pillow's libjpeg-turbo does (wholeSmooths).
  if ((large || !wholeSmooths) && jpeg.incompleteProgressive()) {
    throw new PictureError(name, 'a progressive JPEG whose scans leave coefficients for'
      + " libjpeg's block smoothing to estimate, which this modelparity does not reproduce");
  }
  if (greyRoute) {
    // grey; for an RGB model the caller repeats it, as Python's to_rgb
    return draftResult(grey, header, scale);
  }
  return { kind: 'whole' };
}

function draftResult(pixels, header, scale) {
  return {
    kind: 'draft', scale, width: pixels.width, height: pixels.height, channels: pixels.channels,
    data: pixels.data, fullWidth: header.width, fullHeight: header.height,
  };
}
