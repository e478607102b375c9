/**
 * libjpeg-turbo's reduced inverse DCTs at 1/8 scale (jidctred.c), integer for integer: a
 * component at its full sampling comes out of jpeg_idct_1x1 (one pixel a block, its DC), a
 * 4:2:0 chroma component out of jpeg_idct_2x2 (two by two pixels a block), because libjpeg
 * scales the chroma's IDCT up rather than upsample it (jdmaster.c,
 * jpeg_calc_output_dimensions).
 *
 * A hand port of the Java library's JpegIdct, as all of this folder is: no JavaScript library
 * decodes a JPEG at 1/8 scale as libjpeg-turbo does (jpeg-js, for one, differs by 2 to 8
 * levels), and Python's pixels are libjpeg-turbo's.
 *
 * jpeg_idct_2x2 reads 25 coefficients of a block, those in rows and columns 0, 1, 3, 5 and 7;
 * a block is kept as just those (slot() says where), plus one spare slot that a sequential
 * decoder writes the others to, so that its loop has no branch on the position. Java's int
 * arithmetic (32-bit, wrapping) is kept with `| 0` and shifts, its short casts with `<< 16 >> 16`.
 */

/** The coefficients of a block jpeg_idct_2x2 reads: rows and columns 0, 1, 3, 5, 7. */
export const SLOTS = 25;
/** A kept block's size: the SLOTS and the spare one. */
export const BLOCK = SLOTS + 1;
/** The spare slot: where a coefficient jpeg_idct_2x2 never reads may be written. */
export const SPARE = SLOTS;

/** Where a row or column of the block is among the five jpeg_idct_2x2 reads; -1: not. */
const FIVE = [0, 1, -1, 2, -1, 3, -1, 4];

/**
 * jutils.c's jpeg_natural_order: zigzag index to natural (row-major) position, with the 16
 * extra 63s that catch a corrupt run past the block's end, as libjpeg's decoders index it.
 */
export const NATURAL = Int32Array.from([
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5,
  12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
  35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51,
  58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
  63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63]);

/**
 * Where the coefficient at natural position p is kept in a block; -1: jpeg_idct_2x2 never reads it.
 * @param {number} p natural position, 0 to 63
 * @returns {number}
 */
export function slot(p) {
  const r = FIVE[p >> 3];
  const c = FIVE[p & 7];
  return r < 0 || c < 0 ? -1 : r * 5 + c;
}

/** slot() of NATURAL[k], SPARE for -1: the sequential decoder's lookup, zigzag index 0 to 79. */
export const ZIGZAG_SLOT = Int32Array.from(NATURAL, (p) => {
  const s = slot(p);
  return s < 0 ? SPARE : s;
});

// jidctred.c's constants, CONST_BITS 13, PASS1_BITS 2 (8-bit samples).
const FIX_0_720959822 = 5906;
const FIX_0_850430095 = 6967;
const FIX_1_272758580 = 10426;
const FIX_3_624509785 = 29692;

/**
 * The post-IDCT range limit (jdmaster.c prepare_range_limit_table, read as
 * `IDCT_range_limit(cinfo)[x & RANGE_MASK]`): x + 128 clamped to 0..255, where a value far
 * out of range wraps as the 10-bit mask makes it.
 * @param {number} x
 * @returns {number}
 */
export function limit(x) {
  const v = x & 1023;
  return v < 128 ? v + 128 : v < 512 ? 255 : v < 896 ? 0 : v - 896;
}

/**
 * jpeg_idct_1x1: the block's DC over 8, range-limited; DEQUANTIZE multiplies by the
 * quantiser as a short (ISLOW_MULT_TYPE).
 * @param {number} dc the quantised DC coefficient, a short
 * @param {number} quant its quantiser
 * @returns {number} the sample, 0..255
 */
export function idct1x1(dc, quant) {
  return limit(((dc * ((quant << 16) >> 16)) + 4) >> 3); // DESCALE(dcval, 3)
}

/** packssdw: a 32-bit lane saturated to 16 bits. */
function sat16(v) {
  return v < -32768 ? -32768 : v > 32767 ? 32767 : v;
}

/** packsswb after the descale, then + CENTERJSAMPLE. */
function sat8(v) {
  return (v < -128 ? -128 : v > 127 ? 127 : v) + 128;
}

/**
 * jpeg_idct_2x2 on one block, computed as libjpeg-turbo's x86-64 build computes it:
 * jsimd_idct_2x2_sse2 (simd/x86_64/jidctred-sse2.asm), which Pillow's libjpeg-turbo runs
 * there. Its arithmetic is jidctred.c's in 16- and 32-bit lanes: coefficients dequantised
 * modulo 2^16 (pmullw), the sums modulo 2^32, the odd rows between the passes saturated to
 * 16 bits (packssdw), the output saturated to -128..127 (packsswb) rather than wrapped
 * through the 10-bit range-limit mask. Wherever the dequantised coefficients fit 16 bits
 * (every undamaged JPEG) that is jpeg_idct_2x2 bit for bit; on damaged data it is what
 * Python sees on x86-64.
 *
 * @param {Int16Array} coef the blocks, BLOCK shorts each, slots as slot() says
 * @param {number} at where this block starts
 * @param {Int32Array|number[]} quant the component's quantisers, natural order
 * @param {Int32Array} ws a workspace of 16: the two rows between the passes
 * @param {Int32Array} out the four samples: out[0], out[1] the top row, out[2], out[3] the bottom one
 */
export function idct2x2(coef, at, quant, ws, out) {
  // Pass 1: columns 0, 1, 3, 5, 7 into the workspace's two rows.
  for (let ci = 0; ci < 5; ci++) {
    const col = ci === 0 ? 0 : 2 * ci - 1;
    const z0 = ((coef[at + ci] * quant[col]) << 16) >> 16; // pmullw: DEQUANTIZE modulo 2^16
    const z1 = ((coef[at + 5 + ci] * quant[8 + col]) << 16) >> 16;
    const z3 = ((coef[at + 10 + ci] * quant[24 + col]) << 16) >> 16;
    const z5 = ((coef[at + 15 + ci] * quant[40 + col]) << 16) >> 16;
    const z7 = ((coef[at + 20 + ci] * quant[56 + col]) << 16) >> 16;
    const tmp10 = z0 << 15; // CONST_BITS + 2
    // pmaddwd: sqrt(2) * (c1+c3+c5+c7), (-c1+c3-c5-c7), (-c1+c3+c5+c7), (c7-c5+c3-c1)
    const tmp0 = (z1 * FIX_3_624509785 - z3 * FIX_1_272758580 + z5 * FIX_0_850430095
      - z7 * FIX_0_720959822) | 0;
    ws[col] = (tmp10 + tmp0 + (1 << 12)) >> 13; // DESCALE(..., CONST_BITS - PASS1_BITS + 2)
    ws[8 + col] = (tmp10 - tmp0 + (1 << 12)) >> 13;
  }
  // Pass 2: the two rows.
  row(ws, 0, out, 0);
  row(ws, 8, out, 2);
}

function row(ws, w, out, o) {
  const tmp10 = ws[w] << 15; // pslld: column 0 is not saturated
  const tmp0 = (sat16(ws[w + 1]) * FIX_3_624509785 - sat16(ws[w + 3]) * FIX_1_272758580
    + sat16(ws[w + 5]) * FIX_0_850430095 - sat16(ws[w + 7]) * FIX_0_720959822) | 0;
  // DESCALE(..., CONST_BITS + PASS1_BITS + 3 + 2), then packssdw, packsswb, + CENTERJSAMPLE
  out[o] = sat8((tmp10 + tmp0 + (1 << 19)) >> 20);
  out[o + 1] = sat8((tmp10 - tmp0 + (1 << 19)) >> 20);
}
