/**
 * A picture file's bytes to the model's input: which decoder, orientation, colour, then the
 * steps after decoding (prepare.js). The same route Python's decode_pixels takes:
 * - PNG: every pixel as Pillow gives it (png.js: lossless, so exact in any runtime);
 * - a large JPEG: decoded at 1/8, 1/4 or 1/2 scale as libjpeg-turbo does under Pillow's
 *   draft(): by the platform where it can (`decodeWhole.reduced`: sharp's libjpeg-turbo in
 *   Node) and the file is plain (jpeg/: markers checked, data not decoded), else by jpeg/ (no
 *   browser API decodes at reduced scale, so it is a port of the Java library's reader);
 * - any other JPEG, and GIF, WebP and the rest: the platform's decoder (`decodeWhole`), which
 *   is libjpeg-turbo's in Chromium and in sharp, after the JPEG reader has refused what Pillow
 *   refuses (truncated or damaged data).
 * On the faithful route (recipe.faithful) no JPEG is decoded reduced (draftSide is 0), and the
 * colour is Pillow's convert: alpha dropped rather than composited over white.
 */
import { convert, greyToRgb } from './colour.js';
import { PictureError } from './errors.js';
import { decodeJpeg, isJpeg, readJpegHeader } from './jpeg/index.js';
import { jpegOrientation, orient } from './orientation.js';
import { decodePng, isPng } from './png.js';
import { toInput } from './prepare.js';
import { draftSide } from './recipe.js';

/**
 * @typedef {object} Decoded a platform decoder's answer
 * @property {number} width
 * @property {number} height
 * @property {number} channels 1 to 4 (grey, grey + alpha, RGB, RGBA), unpremultiplied 8 bits
 * @property {Uint8Array|Uint8ClampedArray} data
 * @property {boolean} oriented whether the decoder has applied the EXIF orientation already
 *   (a JPEG is turned here, by the orientation Pillow reads; anything else by its decoder)
 *
 * A DecodeWhole whose smoothsAsPillow property is true block-smooths incomplete progressive
 * JPEGs as Pillow's libjpeg-turbo does, so they are given to it rather than refused. One with a
 * `reduced` property (a DecodeReduced) decodes a plain JPEG at reduced scale as libjpeg-turbo
 * under Pillow's draft() does, so the JPEG reader only checks those (jpeg/ JpegDc.plain()).
 *
 * @callback DecodeWhole
 * @param {Uint8Array} bytes
 * @param {string} name
 * @param {{maxPixels: number, jpeg: boolean}} options jpeg: a JPEG, to be given as stored (not
 *   turned); anything else turned by its own orientation
 * @returns {Promise<Decoded>}
 */

/**
 * @callback DecodeReduced
 * @param {Uint8Array} bytes a plain JPEG (jpeg/ JpegDc.plain()), refused nowhere by libjpeg
 * @param {{scale: number, width: number, height: number, channels: number, sofAt: number}} jpeg
 *   decodeJpeg's 'reduced' answer: the scale's denominator, the size and channels (1 grey, 3
 *   RGB) Pillow's draft() gives, where the frame header's height and width are
 * @returns {Promise<Uint8Array|null>} width x height interleaved 8-bit pixels, stored
 *   orientation; null where it cannot say they are libjpeg-turbo's (the reader decodes it)
 */

/**
 * Decode a picture to upright 8-bit pixels in the recipe's colour.
 * @param {Uint8Array} bytes the file's bytes
 * @param {string} name the picture's name, for errors
 * @param {import('./recipe.js').Recipe} recipe
 * @param {DecodeWhole} decodeWhole the platform's decoder
 * @returns {Promise<import('./prepare.js').Pixels>}
 * @throws {PictureError}
 */
export async function decodePicture(bytes, name, recipe, decodeWhole) {
  const { pixels, orientation } = await decodeStored(bytes, name, recipe, decodeWhole);
  return orient(pixels, orientation);
}

/**
 * Decode a picture to 8-bit pixels in the recipe's colour, as stored: the EXIF orientation still
 * to apply comes beside them (1: upright already), so that the faithful route's resize can turn
 * only its small result (resample8.js).
 * @returns {Promise<{pixels: import('./prepare.js').Pixels, orientation: number}>}
 * @throws {PictureError}
 */
async function decodeStored(bytes, name, recipe, decodeWhole) {
  if (bytes.length === 0) throw new PictureError(name, 'empty file');
  const color = recipe.color;
  if (isPng(bytes)) {
    const png = decodePng(bytes, name, { color, maxPixels: recipe.maxPixels, faithful: recipe.faithful });
    return { pixels: png, orientation: png.orientation };
  }
  if (isJpeg(bytes)) {
    const header = readJpegHeader(bytes, name);
    if (header && header.width * header.height > recipe.maxPixels) {
      throw new PictureError(name, `decompression bomb: ${header.width}x${header.height} exceeds ${recipe.maxPixels} pixels`);
    }
    if (header && header.components === 4) {
      throw new PictureError(name, 'a CMYK JPEG, which this JavaScript package does not convert to RGB as Pillow does (save it as an RGB JPEG or PNG)');
    }
    const orientation = jpegOrientation(bytes, name);
    const options = { channels: recipe.channels, draftSide: draftSide(recipe),
      draftScales: recipe.draftScales, maxPixels: recipe.maxPixels,
      wholeSmooths: decodeWhole.smoothsAsPillow === true };
    let jpeg = decodeJpeg(bytes, name, { ...options, platformReduces: typeof decodeWhole.reduced === 'function' });
    if (jpeg.kind === 'reduced') { // a plain JPEG the platform decodes reduced; else the reader does
      const data = await decodeWhole.reduced(bytes, jpeg);
      jpeg = data === null ? decodeJpeg(bytes, name, options) : { ...jpeg, kind: 'draft', data };
    }
    if (jpeg.kind === 'draft') {
      const reduced = { width: jpeg.width, height: jpeg.height, channels: jpeg.channels, data: jpeg.data,
        fullWidth: jpeg.fullWidth, fullHeight: jpeg.fullHeight };
      return { pixels: jpeg.channels === 1 && color === 'rgb' ? greyToRgb(reduced) : reduced, orientation };
    }
    const whole = await decodeWhole(bytes, name, { maxPixels: recipe.maxPixels, jpeg: true });
    const pixels = convert(whole.data, whole.width, whole.height, whole.channels, color, recipe.faithful);
    return { pixels, orientation: whole.oriented ? 1 : orientation };
  }
  const whole = await decodeWhole(bytes, name, { maxPixels: recipe.maxPixels, jpeg: false });
  if (whole.width * whole.height > recipe.maxPixels) {
    throw new PictureError(name, `decompression bomb: ${whole.width}x${whole.height} exceeds ${recipe.maxPixels} pixels`);
  }
  // GIF, WebP, TIFF and the rest: the platform's decoder has turned them (sharp's autoOrient,
  // the browser's imageOrientation 'from-image'); not held to Pillow's reading of their EXIF.
  return { pixels: convert(whole.data, whole.width, whole.height, whole.channels, color, recipe.faithful), orientation: 1 };
}

/**
 * A picture file's model input, float32 [height, width, channels].
 * @param {Uint8Array} bytes
 * @param {string} name
 * @param {import('./recipe.js').Recipe} recipe
 * @param {DecodeWhole} decodeWhole
 * @returns {Promise<Float32Array>}
 * @throws {PictureError}
 */
export async function prepareInput(bytes, name, recipe, decodeWhole) {
  const { pixels, orientation } = await decodeStored(bytes, name, recipe, decodeWhole);
  try {
    return toInput(pixels, recipe, orientation);
  } catch (err) {
    if (err instanceof RangeError) throw new PictureError(name, err.message);
    throw err;
  }
}
