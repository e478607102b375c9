/**
 * The faithful route's resize: Pillow's 8-bit resampling (libImaging/Resample.c,
 * ImagingResampleInner with the _8bpc passes), as Image.resize(size, resample,
 * reducing_gap=None) gives it to Hugging Face's image processors.
 *
 * Written by hand because no JavaScript image library reproduces Pillow's fixed-point
 * arithmetic: canvas and sharp (libvips) resize in 8 bits too, but with their own kernels,
 * pass order and rounding. Here, per pass, Pillow's double coefficients (resample.js's
 * coefficients, its precompute_coeffs) become integers scaled by 2^22 (normalize_coeffs_8bpc),
 * each output is 2^21 plus the sum of pixel times coefficient, shifted right by 22 and clipped
 * to 0..255 (clip8). The first pass is stored as 8 bits; a pass whose size already matches is
 * skipped. Channels are resampled alike. Browser-safe.
 *
 * The pass order is Pillow 13's (python-pillow/Pillow#9549, read from its ImagingResampleInner):
 * horizontal first, unless the height shrinks by more than twice what the width shrinks by.
 * Pillow 12 and before always went horizontal first; the order moves the last bit.
 */
import { coefficients } from './resample.js';

/** Pillow's PRECISION_BITS: 32 - 8 bits of pixel - 2 bits of headroom. */
const PRECISION_BITS = 22;
const ONE = 2 ** PRECISION_BITS;
const HALF = 2 ** (PRECISION_BITS - 1);

/**
 * Pillow's coefficients as its 8-bit passes use them: each double weight k becomes
 * (int)(k * 2^22 -/+ 0.5), rounding half away from zero by truncation.
 * @returns {{starts: Int32Array, weights: Int32Array, taps: number}}
 */
export function coefficients8(nIn, nOut, resample) {
  const { starts, weights, taps } = coefficients(nIn, nOut, resample);
  const ints = new Int32Array(weights.length);
  for (let i = 0; i < weights.length; i++) {
    const k = weights[i];
    ints[i] = k < 0 ? Math.trunc(-0.5 + k * ONE) : Math.trunc(0.5 + k * ONE);
  }
  return { starts, weights: ints, taps };
}

/**
 * One 8-bit pass along x (horizontal) or y. Taps past an output's own carry weight 0 and are
 * left out where they would run past the edge: adding 0 changes nothing. The sum stays below
 * 2^31, as Pillow's INT32 does, so JavaScript's numbers hold it exactly and >> is Pillow's
 * arithmetic shift.
 */
function pass8(src, w, h, c, nOut, horizontal, resample) {
  const nIn = horizontal ? w : h;
  const { starts, weights, taps } = coefficients8(nIn, nOut, resample);
  const ow = horizontal ? nOut : w;
  const oh = horizontal ? h : nOut;
  const out = new Uint8Array(ow * oh * c);
  const step = horizontal ? c : w * c; // from one tap to the next in src
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      const i = horizontal ? x : y;
      const first = starts[i];
      const n = Math.min(taps, nIn - first);
      const row = i * taps;
      const base = (horizontal ? y * w * c : x * c) + first * step;
      for (let k = 0; k < c; k++) {
        let ss = HALF;
        for (let j = 0, at = base + k; j < n; j++, at += step) ss += src[at] * weights[row + j];
        const v = ss >> PRECISION_BITS;
        out[(y * ow + x) * c + k] = v < 0 ? 0 : v > 255 ? 255 : v;
      }
    }
  }
  return out;
}

/**
 * Whether Pillow 13 runs the vertical pass first: both passes needed, and the height reduced
 * by more than twice the width's reduction (its cost estimate).
 */
export function verticalFirst(w, h, width, height) {
  return w !== width && h !== height && h - height > 0 && h - height > 2 * (w - width);
}

/**
 * Resize 8-bit [h, w, c] to [height, width, c] as Pillow's Image.resize with no reducing gap:
 * a pass along each side whose size differs, in Pillow 13's order (verticalFirst).
 * @param {Uint8Array} data
 * @param {number} w
 * @param {number} h
 * @param {number} c channels
 * @param {number} width
 * @param {number} height
 * @param {number} resample 2 bilinear or 3 bicubic
 * @returns {Uint8Array}
 */
export function resize8(data, w, h, c, width, height, resample) {
  if (verticalFirst(w, h, width, height)) {
    return pass8(pass8(data, w, h, c, height, false, resample), w, height, c, width, true, resample);
  }
  let out = data;
  if (w !== width) out = pass8(out, w, h, c, width, true, resample);
  if (h !== height) out = pass8(out, width, h, c, height, false, resample);
  return out;
}
