/**
 * The box reduction and the resize filter, in python.data.resample's order of operations.
 *
 * Written by hand, as Python and Java write it, because no image library fixes its pass order
 * and float arithmetic: Pillow picks the first pass by its own cost estimate, and canvas or
 * sharp resize in 8 bits. Pictures are row-major Float32Array (or Uint8Array for the box step)
 * [height, width, channels]; channels are resampled alike. Float64 arithmetic is JavaScript's
 * own number; Math.fround stores a float32 where Python stores one.
 */
import { FILTERS } from './recipe.js';

/**
 * The mean of each f x f block of the centred crop: float32(sum) / float32(f * f).
 * @param {Uint8Array} pixels [h, w, c]
 * @param {number} w
 * @param {number} h
 * @param {number} c channels
 * @param {number} f the factor, at least 2
 * @returns {{data: Float32Array, width: number, height: number}}
 */
export function boxReduce(pixels, w, h, c, f) {
  const ow = Math.floor(w / f);
  const oh = Math.floor(h / f);
  const x0 = Math.floor((w - ow * f) / 2);
  const y0 = Math.floor((h - oh * f) / 2);
  const out = new Float32Array(ow * oh * c);
  const sums = new Uint32Array(ow * c);
  const area = Math.fround(f * f);
  for (let oy = 0; oy < oh; oy++) {
    sums.fill(0);
    for (let dy = 0; dy < f; dy++) {
      const row = ((y0 + oy * f + dy) * w + x0) * c;
      for (let ox = 0; ox < ow; ox++) {
        for (let dx = 0; dx < f; dx++) {
          const at = row + (ox * f + dx) * c;
          for (let k = 0; k < c; k++) sums[ox * c + k] += pixels[at + k];
        }
      }
    }
    for (let i = 0; i < ow * c; i++) out[oy * ow * c + i] = Math.fround(sums[i]) / area;
  }
  return { data: out, width: ow, height: oh };
}

function triangle(x) {
  x = Math.abs(x);
  return x < 1.0 ? 1.0 - x : 0.0;
}

function cubic(x) {
  const a = -0.5;
  x = Math.abs(x);
  if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
  if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
  return 0.0;
}

const KERNELS = { 2: { kernel: triangle, support: 1.0 }, 3: { kernel: cubic, support: 2.0 } };
if (Object.keys(KERNELS).join() !== Object.keys(FILTERS).join()) throw new Error('FILTERS and KERNELS differ');

/**
 * Pillow's precompute_coeffs: per output index its first tap, and the normalised weights
 * padded with zeros to the widest output's taps.
 * @returns {{starts: Int32Array, weights: Float64Array, taps: number}}
 */
export function coefficients(nIn, nOut, resample) {
  const { kernel, support: base } = KERNELS[resample];
  const scale = nIn / nOut;
  const fs = Math.max(scale, 1.0);
  const support = base * fs;
  const ss = 1.0 / fs; // a reciprocal, multiplied: C's order of rounding
  const starts = new Int32Array(nOut);
  const rows = [];
  for (let i = 0; i < nOut; i++) {
    const center = (i + 0.5) * scale;
    const lo = Math.max(Math.trunc(center - support + 0.5), 0);
    const hi = Math.min(Math.trunc(center + support + 0.5), nIn);
    const k = [];
    for (let x = lo; x < hi; x++) k.push(kernel((x - center + 0.5) * ss));
    let total = 0.0;
    for (const v of k) total += v; // summed in order, as C does
    starts[i] = lo;
    rows.push(total !== 0.0 ? k.map((v) => v / total) : k);
  }
  const taps = Math.max(...rows.map((r) => r.length));
  const weights = new Float64Array(nOut * taps);
  rows.forEach((r, i) => weights.set(r, i * taps));
  return { starts, weights, taps };
}

/**
 * One pass along x (axis 1) or y (axis 0): float64 products summed tap by tap, stored as float32.
 * Taps past an output's own are weight 0 on a clamped index, as in Python: adding 0 changes nothing.
 * Each output's sum runs over its taps in order, whatever the loops' nesting: the vertical pass
 * adds a whole input row a tap into float64 sums of the output row.
 */
function pass(src, w, h, c, nOut, horizontal, resample) {
  const nIn = horizontal ? w : h;
  const { starts, weights, taps } = coefficients(nIn, nOut, resample);
  const index = new Int32Array(nOut * taps); // each tap's input, clamped
  for (let i = 0; i < nOut; i++) {
    for (let j = 0; j < taps; j++) index[i * taps + j] = Math.min(starts[i] + j, nIn - 1);
  }
  const ow = horizontal ? nOut : w;
  const oh = horizontal ? h : nOut;
  const out = new Float32Array(ow * oh * c);
  if (horizontal && c === 3) { // RGB: the three sums side by side, each in its own order
    for (let y = 0; y < oh; y++) {
      const row = y * w * 3;
      for (let x = 0, o = y * ow * 3; x < ow; x++, o += 3) {
        let r = 0.0;
        let g = 0.0;
        let b = 0.0;
        for (let j = 0, at = x * taps; j < taps; j++, at++) {
          const p = row + index[at] * 3;
          const wj = weights[at];
          r += src[p] * wj;
          g += src[p + 1] * wj;
          b += src[p + 2] * wj;
        }
        out[o] = r;
        out[o + 1] = g;
        out[o + 2] = b;
      }
    }
    return out;
  }
  if (horizontal) {
    for (let y = 0; y < oh; y++) {
      const row = y * w * c;
      for (let x = 0; x < ow; x++) {
        for (let k = 0; k < c; k++) {
          let acc = 0.0;
          for (let j = 0, at = x * taps; j < taps; j++, at++) {
            acc += src[row + index[at] * c + k] * weights[at];
          }
          out[(y * ow + x) * c + k] = acc;
        }
      }
    }
    return out;
  }
  const n = w * c;
  const acc = new Float64Array(n);
  for (let y = 0; y < oh; y++) {
    acc.fill(0.0);
    for (let j = 0, at = y * taps; j < taps; j++, at++) {
      const row = index[at] * n;
      const wj = weights[at];
      for (let i = 0; i < n; i++) acc[i] += src[row + i] * wj;
    }
    out.set(acc, y * n);
  }
  return out;
}

/**
 * Resize float32 [h, w, c] to [height, width, c] with Pillow's filter: horizontal pass, then
 * vertical; a pass whose size already matches is skipped. No clipping, no rounding.
 * @param {Float32Array} data
 * @returns {Float32Array}
 */
export function resize(data, w, h, c, width, height, resample) {
  let out = data;
  if (w !== width) out = pass(out, w, h, c, width, true, resample);
  if (h !== height) out = pass(out, width, h, c, height, false, resample);
  return out;
}
