/**
 * libjpeg-turbo's YCbCr to RGB conversion (jdcolor.c): build_ycc_rgb_table's integer tables
 * (SCALEBITS 16) and ycc_rgb_convert's sums, range-limited to 0..255. Python's RGB pixels of a
 * JPEG are these integers, not the floating-point formula, so they are reproduced as such.
 *
 * A hand port of the Java library's YccToRgb: no JavaScript library decodes a JPEG at reduced
 * scale as libjpeg-turbo does (jpeg-js differs by 2 to 8 levels). Every value here stays far
 * below 2^53, so JavaScript numbers hold libjpeg's longs exactly.
 */

const SCALEBITS = 16;
const ONE_HALF = 1 << (SCALEBITS - 1);

/** jdcolor.c's FIX(x): x in 16-bit fixed point, rounded as C's cast of x * 65536 + 0.5. */
function fix(x) {
  return Math.trunc(x * (1 << SCALEBITS) + 0.5);
}

const CR_R = new Int32Array(256);
const CB_B = new Int32Array(256);
const CR_G = new Int32Array(256);
const CB_G = new Int32Array(256);

// build_ycc_rgb_table, once.
for (let i = 0; i < 256; i++) {
  const x = i - 128;
  CR_R[i] = (fix(1.40200) * x + ONE_HALF) >> SCALEBITS;
  CB_B[i] = (fix(1.77200) * x + ONE_HALF) >> SCALEBITS;
  CR_G[i] = -fix(0.71414) * x;
  CB_G[i] = -fix(0.34414) * x + ONE_HALF; // ONE_HALF here, not in the inner loop
}

/** range_limit[] (sample_range_limit, not the IDCT's). */
function clamp(v) {
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/**
 * ycc_rgb_convert over whole planes: pixel (x, y) of the y, cb and cr planes (0..255 each,
 * each with its own row stride) to samples 3 (y * w + x) to 3 (y * w + x) + 2 of rgb.
 * @param {{data: Uint8Array, stride: number}} y
 * @param {{data: Uint8Array, stride: number}} cb
 * @param {{data: Uint8Array, stride: number}} cr
 * @param {number} w the output's width
 * @param {number} h the output's height
 * @param {Uint8Array} rgb 3 * w * h samples, written
 */
export function yccToRgb(y, cb, cr, w, h, rgb) {
  const yd = y.data;
  const bd = cb.data;
  const rd = cr.data;
  for (let row = 0, o = 0; row < h; row++) {
    const yi = row * y.stride;
    const bi = row * cb.stride;
    const ri = row * cr.stride;
    for (let x = 0; x < w; x++, o += 3) {
      const yy = yd[yi + x];
      const b = bd[bi + x];
      const r = rd[ri + x];
      rgb[o] = clamp(yy + CR_R[r]);
      rgb[o + 1] = clamp(yy + ((CB_G[b] + CR_G[r]) >> SCALEBITS));
      rgb[o + 2] = clamp(yy + CB_B[b]);
    }
  }
}
