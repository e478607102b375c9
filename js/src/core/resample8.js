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
 * skipped. Channels are resampled alike. The passes run in WebAssembly SIMD where it runs
 * (resample8simd.js, four taps at a time), else in the JavaScript loops here: the same bytes.
 * Browser-safe.
 *
 * The pass order is Pillow 13's (python-pillow/Pillow#9549, read from its ImagingResampleInner):
 * horizontal first, unless the height shrinks by more than twice what the width shrinks by.
 * Pillow 12 and before always went horizontal first; the order moves the last bit.
 */
import { coefficients } from './resample.js';
import { orient } from './orientation.js';
import { horizontalSimd, simdAvailable, verticalSimd } from './resample8simd.js';

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
 * The weights of a pass as the loops read them: per output, its first tap and its count with
 * the zero weights at either end left out (adding 0 changes nothing; a tap past the edge always
 * weighs 0), the weights themselves contiguous from offsets[i]. Mirrored (a side the picture
 * is stored flipped along): output nOut - 1 - i takes output i's weights in reverse order, on
 * the input mirrored alike, so each output sums the same products (integer sums in any order
 * are the same).
 * @returns {{nOut: number, first: Int32Array, count: Int32Array, offsets: Int32Array, weights: Int32Array}}
 */
function taps8(nIn, nOut, resample, mirrored = false) {
  const t = unmirrored(nIn, nOut, resample);
  if (!mirrored) return t;
  const first = new Int32Array(nOut);
  const count = new Int32Array(nOut);
  const offsets = new Int32Array(nOut);
  const weights = new Int32Array(t.weights.length);
  for (let i = 0, at = 0; i < nOut; i++) {
    const m = nOut - 1 - i;
    const n = t.count[m];
    first[i] = nIn - t.first[m] - n;
    count[i] = n;
    offsets[i] = at;
    for (let j = t.offsets[m] + n - 1; j >= t.offsets[m]; j--) weights[at++] = t.weights[j];
  }
  return { nOut, first, count, offsets, weights };
}

function unmirrored(nIn, nOut, resample) {
  const { starts, weights, taps } = coefficients8(nIn, nOut, resample);
  const first = new Int32Array(nOut);
  const count = new Int32Array(nOut);
  const offsets = new Int32Array(nOut);
  const packed = new Int32Array(weights.length);
  let at = 0;
  for (let i = 0; i < nOut; i++) {
    const row = i * taps;
    let lo = 0;
    let hi = Math.min(taps, nIn - starts[i]);
    while (hi > lo && weights[row + hi - 1] === 0) hi--;
    while (lo < hi && weights[row + lo] === 0) lo++;
    first[i] = starts[i] + lo;
    count[i] = hi - lo;
    offsets[i] = at;
    for (let j = lo; j < hi; j++) packed[at++] = weights[row + j];
  }
  return { nOut, first, count, offsets, weights: packed };
}

/** Pillow's clip8 of a sum: shifted right by PRECISION_BITS, clipped to 0..255. */
function clip8(ss) {
  const v = ss >> PRECISION_BITS;
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/**
 * The 8-bit pass along x: each output 2^21 plus the sum of pixel times weight, shifted and
 * clipped (Pillow's ImagingResampleHorizontal_8bpc). The sum stays below 2^31, as Pillow's
 * INT32 does, so Math.imul and | 0 are exact and >> is Pillow's arithmetic shift. Channels are
 * summed side by side, one pixel's taps read in a row.
 */
function horizontal8(src, w, h, c, t) {
  const { nOut, first, count, offsets, weights } = t;
  const out = new Uint8Array(nOut * h * c);
  const rowIn = w * c;
  if (c === 3) {
    for (let y = 0, o = 0; y < h; y++) {
      const row = y * rowIn;
      for (let x = 0; x < nOut; x++) {
        let at = row + first[x] * 3;
        let k = offsets[x];
        const end = k + count[x];
        let s0 = HALF;
        let s1 = HALF;
        let s2 = HALF;
        for (; k < end; k++, at += 3) {
          const wt = weights[k];
          s0 = (s0 + Math.imul(src[at], wt)) | 0;
          s1 = (s1 + Math.imul(src[at + 1], wt)) | 0;
          s2 = (s2 + Math.imul(src[at + 2], wt)) | 0;
        }
        out[o++] = clip8(s0);
        out[o++] = clip8(s1);
        out[o++] = clip8(s2);
      }
    }
    return out;
  }
  for (let y = 0, o = 0; y < h; y++) {
    const row = y * rowIn;
    for (let x = 0; x < nOut; x++) {
      const from = offsets[x];
      const end = from + count[x];
      for (let ch = 0; ch < c; ch++) {
        let ss = HALF;
        for (let k = from, at = row + first[x] * c + ch; k < end; k++, at += c) {
          ss = (ss + Math.imul(src[at], weights[k])) | 0;
        }
        out[o++] = clip8(ss);
      }
    }
  }
  return out;
}

/**
 * The 8-bit pass along y (ImagingResampleVertical_8bpc): per output row, the input rows it
 * weighs added into a row of sums, each read along its length.
 */
function vertical8(src, w, h, c, t) {
  const { nOut, first, count, offsets, weights } = t;
  const n = w * c;
  const out = new Uint8Array(n * nOut);
  const sums = new Int32Array(n);
  for (let y = 0; y < nOut; y++) {
    sums.fill(HALF);
    const from = offsets[y];
    const end = from + count[y];
    for (let k = from, at = first[y] * n; k < end; k++, at += n) {
      const wt = weights[k];
      for (let i = 0; i < n; i++) sums[i] = (sums[i] + Math.imul(src[at + i], wt)) | 0;
    }
    const o = y * n;
    for (let i = 0; i < n; i++) out[o + i] = clip8(sums[i]);
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

/** Which sides of an EXIF orientation's upright picture run backwards along the stored one. */
const FLIPPED_X = [2, 3, 6, 7];
const FLIPPED_Y = [3, 4, 7, 8];

/**
 * Resize 8-bit [h, w, c] to [height, width, c] as Pillow's Image.resize with no reducing gap:
 * a pass along each side whose size differs, in Pillow 13's order (verticalFirst).
 *
 * With an EXIF orientation, the pixels are as stored and the sizes upright: the result is
 * Pillow's resize of the upright picture (exif_transpose first), computed on the stored one
 * without turning it whole: each upright pass runs along the stored side it lies on, with its
 * weights mirrored where that side is stored backwards; only the small result is turned.
 * @param {Uint8Array} data
 * @param {number} w stored width
 * @param {number} h stored height
 * @param {number} c channels
 * @param {number} width upright width wanted
 * @param {number} height upright height wanted
 * @param {number} resample 2 bilinear or 3 bicubic
 * @param {{simd?: boolean, orientation?: number}} [options] simd: the passes in WebAssembly
 *   SIMD (resample8simd.js; the default where it runs), else in JavaScript, the same bytes;
 *   orientation: the EXIF Orientation still to apply (1 to 8, default 1)
 * @returns {Uint8Array} upright [height, width, c]
 */
export function resize8(data, w, h, c, width, height, resample, { simd = simdAvailable(), orientation = 1 } = {}) {
  const o = orientation >= 2 && orientation <= 8 ? orientation : 1;
  const swap = o >= 5;
  const vector = simd && c >= 1 && c <= 4;
  const uw = swap ? h : w; // upright
  const uh = swap ? w : h;
  let sw = w; // stored, as the passes go
  let sh = h;
  let out = data;
  const pass = (t, alongStoredX) => {
    if (alongStoredX) {
      out = vector ? horizontalSimd(out, sw, sh, c, t.nOut, t) : horizontal8(out, sw, sh, c, t);
      sw = t.nOut;
    } else {
      out = vector ? verticalSimd(out, sw, sh, c, t.nOut, t) : vertical8(out, sw, sh, c, t);
      sh = t.nOut;
    }
  };
  const alongX = () => pass(taps8(uw, width, resample, FLIPPED_X.includes(o)), !swap);
  const alongY = () => pass(taps8(uh, height, resample, FLIPPED_Y.includes(o)), swap);
  if (verticalFirst(uw, uh, width, height)) {
    alongY();
    alongX();
  } else {
    if (uw !== width) alongX();
    if (uh !== height) alongY();
  }
  if (o === 1) return out;
  return orient({ width: sw, height: sh, channels: c, data: out }, o).data;
}
