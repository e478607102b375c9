/**
 * Upright 8-bit pixels to the model's input, python.data.pictures.pixels_to_input step by step:
 * on the fast route box step and float resize, on the faithful one Pillow's 8-bit resize
 * (resample8.js); then centre crop, rescale, normalise; float32 [height, width, channels].
 */
import { boxReduce, resize } from './resample.js';
import { orient } from './orientation.js';
import { resize8 } from './resample8.js';
import { outputSize, reduceSide, resizeTo } from './recipe.js';

/**
 * @typedef {object} Pixels 8-bit upright pixels, interleaved rows top to bottom
 * @property {number} width
 * @property {number} height
 * @property {number} channels 1 (grey) or 3 (RGB), the recipe's
 * @property {Uint8Array} data
 * @property {number} [fullWidth] the upright width the pixels stand for when a decoder reduced
 *   them (a JPEG decoded reduced); a shortest-edge resize is computed from it
 * @property {number} [fullHeight]
 */

/**
 * The model input for one picture.
 * @param {Pixels} pixels
 * @param {import('./recipe.js').Recipe} recipe
 * @param {number} [orientation] the EXIF orientation still to apply to the pixels (default 1:
 *   upright); the faithful route's resize turns only its result
 * @returns {Float32Array} height * width * channels floats
 * @throws {RangeError} when the recipe cannot take this picture (the caller names the picture)
 */
export function toInput(pixels, recipe, orientation = 1) {
  const turnInResize = recipe.faithful && recipe.doResize;
  if (!turnInResize) pixels = orient(pixels, orientation);
  const c = pixels.channels;
  let w = pixels.width;
  let h = pixels.height;
  let values;
  if (recipe.faithful) {
    values = pixels.data; // the whole picture: no reduced decoding, no box step
    if (recipe.doResize) {
      const swap = orientation >= 5 && orientation <= 8;
      const [th, tw] = swap ? resizeTo(recipe, h, w) : resizeTo(recipe, w, h);
      values = resize8(values, w, h, c, tw, th, recipe.resample, { orientation });
      w = tw;
      h = th;
    }
  } else if (recipe.doResize) {
    const [th, tw] = resizeTo(recipe, pixels.fullWidth ?? w, pixels.fullHeight ?? h);
    const f = Math.floor(Math.min(h, w) / (recipe.reduceTo * reduceSide(recipe)));
    if (f >= 2) {
      const box = boxReduce(pixels.data, w, h, c, f);
      values = box.data;
      w = box.width;
      h = box.height;
    } else {
      values = Float32Array.from(pixels.data);
    }
    if (w !== tw || h !== th) {
      values = resize(values, w, h, c, tw, th, recipe.resample);
      w = tw;
      h = th;
    }
  } else {
    values = Float32Array.from(pixels.data);
  }
  if (recipe.doCenterCrop) {
    const { height: ch, width: cw } = recipe.cropSize;
    if (h < ch || w < cw) throw new RangeError(`${w}x${h} is smaller than the centre crop ${cw}x${ch}`);
    const top = Math.floor((h - ch) / 2);
    const left = Math.floor((w - cw) / 2);
    const crop = new values.constructor(ch * cw * c); // 8 bits on the faithful route
    for (let y = 0; y < ch; y++) {
      crop.set(values.subarray(((top + y) * w + left) * c, ((top + y) * w + left + cw) * c), y * cw * c);
    }
    values = crop;
    w = cw;
    h = ch;
  }
  const [oh, ow] = outputSize(recipe) ?? [h, w];
  if (h !== oh || w !== ow) {
    throw new RangeError(`${w}x${h}, the model takes ${ow}x${oh} and its preprocessing does not resize`);
  }
  if (values === pixels.data || !(values instanceof Float32Array)) values = Float32Array.from(values);
  if (recipe.doRescale) {
    const factor = recipe.rescaleFactor;
    for (let i = 0; i < values.length; i++) values[i] = values[i] * factor; // float64 product, stored float32
  }
  if (recipe.doNormalize) {
    const mean = recipe.imageMean.map(Math.fround);
    const std = recipe.imageStd.map(Math.fround);
    for (let i = 0; i < values.length; i++) {
      const k = i % c;
      values[i] = Math.fround(values[i] - mean[k]) / std[k]; // float32 arithmetic, as numpy's
    }
  }
  return values;
}
