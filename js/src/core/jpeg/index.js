/**
 * JPEG, read as libjpeg-turbo under Pillow reads it: the package's one JPEG entry point.
 *
 * Every Huffman-coded 8-bit grey or YCbCr JPEG is read once by JpegDc (reader.js), which
 * refuses what libjpeg-turbo under Pillow refuses. A large one (the manifest's jpeg_dc) comes
 * at 1/8 scale from that same read, in grey or, for an RGB model and a 4:4:4 or 4:2:0 JPEG, in
 * RGB; a smaller one, a large colour one of another sampling for an RGB model, or one JpegDc
 * does not decode (CMYK, RGB-coded, arithmetic-coded, 12-bit) is left to the platform's
 * libjpeg-turbo ({kind: 'whole'}: sharp in Node, createImageBitmap in a browser).
 *
 * A hand port of the Java library's JpegDecoder (without orientation, which the caller
 * applies): no JavaScript library decodes a JPEG at 1/8 scale as libjpeg-turbo does (jpeg-js
 * differs by 2 to 8 levels). It follows libjpeg-turbo's jdmarker.c, jdhuff.c, jdphuff.c,
 * jidctred.c (jpeg_idct_1x1, jpeg_idct_2x2) and jdcolor.c (ycc_rgb_convert). Browser-safe:
 * Uint8Array only.
 */

import { PictureError } from '../errors.js';
import { JpegDc } from './reader.js';

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
 *   width and height as stored (before EXIF orientation); decodable: the 1/8 routes can read it
 *   exactly as libjpeg; components: 1 for grey; rgbDc: a 4:4:4 or 4:2:0 YCbCr JPEG the RGB
 *   route decodes. null when the walk failed or found no frame header before a scan.
 */
export function readJpegHeader(bytes, name) {
  return new JpegDc(bytes, name).headers();
}

/**
 * A JPEG for a model: its 1/8-scale pixels where the manifest's jpeg_dc rule says so, else a
 * sign to decode it whole ({kind: 'whole'}) once it has been checked as libjpeg-turbo under
 * Pillow checks it. Refuses (throws) where the Java library's JpegDecoder does, except, with
 * wholeSmooths, a progressive JPEG libjpeg block-smooths that is decoded whole: Java decodes
 * those with ImageIO's libjpeg, which does not smooth; sharp's libjpeg-turbo smooths them as
 * Pillow's does (measured: tests/test_js.py), Chromium's (Debian's libjpeg-turbo 2.1) not
 * always.
 *
 * @param {Uint8Array} bytes the whole file
 * @param {string} name the picture's path or name, for refusals
 * @param {{channels: number, dcMinSide: number, maxPixels?: number}} options channels: the
 *   model's (1 grey, 3 RGB); dcMinSide: jpeg_dc_scale * reduce_to * reduce_side, the shorter
 *   side from which a JPEG comes at 1/8 (0: never); maxPixels: pictures of more pixels are
 *   refused before decoding (preprocessing.max_pixels, default 50 000 000); wholeSmooths:
 *   whether the platform decoder block-smooths as Pillow does (default false: refuse)
 * @returns {{kind: 'dc', width: number, height: number, channels: number, data: Uint8Array,
 *   fullWidth: number, fullHeight: number} | {kind: 'whole'}} for 'dc': ceil(W / 8) x
 *   ceil(H / 8) interleaved 8-bit pixels in stored orientation, channels 1 (grey; for an RGB
 *   model the caller repeats it) or 3, and the full stored size they stand for
 * @throws {PictureError} a damaged or truncated file, a decompression bomb, or a progressive
 *   JPEG that libjpeg-turbo would block-smooth, where it would come at 1/8
 */
export function decodeJpeg(bytes, name, {
  channels, dcMinSide, maxPixels = DEFAULT_MAX_PIXELS, wholeSmooths = false,
}) {
  if (channels !== 1 && channels !== 3) {
    throw new RangeError(`channels must be 1 or 3, not ${channels}`);
  }
  if (!(dcMinSide >= 0) || !(maxPixels >= 0)) {
    throw new RangeError('dcMinSide and maxPixels must not be negative');
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
  const large = header !== null && dcMinSide > 0 && Math.min(header.width, header.height) >= dcMinSide;
  if (large && channels === 3 && header.rgbDc) {
    // Python decodes it at 1/8 in RGB (Pillow's draft("RGB")): the same read, kept in colour
    return dcResult(jpeg.rgbPixels(), header);
  }
  // Markers and entropy-coded data read as libjpeg-turbo reads them, so that what Pillow
  // refuses is refused before the platform's decoder sees the file. Without a usable frame
  // header this throws libjpeg's reason.
  const dc = jpeg.pixels();
  // At 1/8 this reader would have to block-smooth, and it does not; decoded whole, the file
  // goes to a platform decoder that may smooth as Pillow's libjpeg-turbo does (wholeSmooths).
  if ((large || !wholeSmooths) && jpeg.incompleteProgressive()) {
    throw new PictureError(name, 'a progressive JPEG whose scans leave coefficients for'
      + " libjpeg's block smoothing to estimate, which this selfie-classify does not reproduce");
  }
  if (large && (channels === 1 || header.components === 1)) {
    return dcResult(dc, header); // grey; for an RGB model the caller repeats it, as Python's to_rgb
  }
  return { kind: 'whole' };
}

function dcResult(pixels, header) {
  return {
    kind: 'dc', width: pixels.width, height: pixels.height, channels: pixels.channels,
    data: pixels.data, fullWidth: header.width, fullHeight: header.height,
  };
}
