/**
 * libjpeg-turbo's inverse DCTs at the scales Pillow's draft asks for, integer for integer:
 * jpeg_idct_1x1, jpeg_idct_2x2 and jpeg_idct_4x4 (jidctred.c) and jpeg_idct_islow
 * (jidctint.c). A component comes out of the IDCT of its scaled size (jdmaster.c
 * jpeg_calc_output_dimensions): at 1/s the luma's is 8 / s, a 4:2:0 chroma component's twice
 * that, because libjpeg scales the chroma's IDCT up rather than upsample it (idctSize()).
 *
 * A hand port, as all of this folder is: no JavaScript library decodes a JPEG at reduced scale
 * as libjpeg-turbo does (jpeg-js, for one, differs by 2 to 8 levels at 1/8), and Python's
 * pixels are libjpeg-turbo's. Where libjpeg-turbo's x86-64 build runs SIMD code (2x2 and 4x4:
 * SSE2, islow: AVX2), that code's arithmetic is the one reproduced: it equals the C text's
 * wherever the dequantised coefficients fit 16 bits (every undamaged JPEG) and wraps and
 * saturates in 16-bit lanes where they do not (damaged data). 32-bit wrapping is kept with
 * `| 0` before each shift, 16-bit wrapping with `<< 16 >> 16`.
 *
 * A block is kept as the coefficients its IDCT reads (a Layout): 1x1 the DC; 2x2 rows and
 * columns 0, 1, 3, 5 and 7; 4x4 rows and columns 0 to 3 and 5 to 7; islow all 64. The
 * reduced layouts have a spare slot that a sequential decoder writes the others to, so that
 * its loop has no branch on the position.
 */

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
 * How a block of one IDCT size is kept.
 * @typedef {object} Layout
 * @property {number} n the IDCT's output size: n x n samples a block (1, 2, 4 or 8)
 * @property {number} size shorts a block
 * @property {Int32Array} slot natural position (0 to 63) to where it is kept; -1: not kept
 * @property {Int32Array|null} zigzag zigzag index (0 to 79, NATURAL's) to where a sequential
 *   decoder writes it: its slot, or the spare (or, 4x4, the flag) slot for one not kept
 * @property {Int32Array} zslot zigzag index (0 to 79) to its slot, -1 where not kept: a
 *   progressive decoder's lookup
 * @property {boolean} partial whether some coefficients are not kept (a progressive decoder
 *   then notes which of those are nonzero: refinement scans depend on it)
 * @property {number} flag 4x4: the slot that is nonzero when any coefficient of column 4 in
 *   rows 1, 2, 3, 5, 6 or 7 is (jsimd_idct_4x4_sse2's zero test reads them); -1 otherwise
 */

/**
 * A Layout that keeps the rows and columns `kept` of a block, with a spare slot (and a flag
 * slot when flagged) after them; all 64 without either when every one is kept.
 * @param {number} n the IDCT's output size
 * @param {number[]} kept the rows (and columns) kept, ascending
 * @param {boolean} flagged whether column 4's zero test needs a flag (4x4)
 * @returns {Layout}
 */
function layout(n, kept, flagged) {
  const index = new Int32Array(8).fill(-1);
  kept.forEach((rc, i) => { index[rc] = i; });
  const k = kept.length;
  const slot = Int32Array.from({ length: 64 }, (_, p) => {
    const r = index[p >> 3];
    const c = index[p & 7];
    return r < 0 || c < 0 ? -1 : r * k + c;
  });
  const partial = k < 8;
  const flag = flagged ? k * k : -1;
  const spare = k * k + (flagged ? 1 : 0);
  const zigzag = Int32Array.from(NATURAL, (p) => {
    if (slot[p] >= 0) {
      return slot[p];
    }
    return flagged && (p & 7) === 4 && (p >> 3) !== 0 && (p >> 3) !== 4 ? flag : spare;
  });
  const zslot = Int32Array.from(NATURAL, (p) => slot[p]);
  return Object.freeze({ n, size: partial ? spare + 1 : 64, slot, zigzag, zslot, partial, flag });
}

/** The layouts by IDCT size: 1x1 keeps the DC alone. */
export const LAYOUTS = Object.freeze({
  1: Object.freeze({ // its AC coefficients are decoded to be skipped
    n: 1, size: 1, slot: Int32Array.from({ length: 64 }, (_, p) => (p === 0 ? 0 : -1)), zigzag: null,
    zslot: Int32Array.from(NATURAL, (p) => (p === 0 ? 0 : -1)), partial: true, flag: -1,
  }),
  2: layout(2, [0, 1, 3, 5, 7], false),
  4: layout(4, [0, 1, 2, 3, 5, 6, 7], true),
  8: layout(8, [0, 1, 2, 3, 4, 5, 6, 7], false),
});

/**
 * The size of the IDCT a component comes out of at scale 1/s (jdmaster.c
 * jpeg_calc_output_dimensions): from the smallest, 8 / s, doubled while that spares upsampling
 * its sampling factors would need, up to 8.
 * @param {number} s the scale's denominator: 8, 4 or 2
 * @param {number} h the component's sampling factors
 * @param {number} v
 * @param {number} hmax the frame's largest
 * @param {number} vmax
 * @returns {number} 1, 2, 4 or 8
 */
export function idctSize(s, h, v, hmax, vmax) {
  const min = 8 / s;
  let ssize = min;
  while (ssize < 8 && (hmax * min) % (h * ssize * 2) === 0 && (vmax * min) % (v * ssize * 2) === 0) {
    ssize *= 2;
  }
  return ssize;
}

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
 * jpeg_idct_1x1 (no SIMD version): the block's DC over 8, range-limited; DEQUANTIZE
 * multiplies by the quantiser as a short (ISLOW_MULT_TYPE).
 * @param {number} dc the quantised DC coefficient, a short
 * @param {number} quant its quantiser
 * @returns {number} the sample, 0..255
 */
export function idct1x1(dc, quant) {
  return limit(((dc * ((quant << 16) >> 16)) + 4) >> 3); // DESCALE(dcval, 3)
}

/** pmullw: a coefficient times its quantiser, modulo 2^16 (DEQUANTIZE in a 16-bit lane). */
function dq(coef, quant) {
  return (Math.imul(coef, quant) << 16) >> 16;
}

/** packssdw: a 32-bit lane saturated to 16 bits. */
function sat16(v) {
  return v < -32768 ? -32768 : v > 32767 ? 32767 : v;
}

/** A 1-D pass's outputs (idct4, dodct), before they are packed. */
const D = new Int32Array(8);

/** packssdw then packsswb after the last descale, then + CENTERJSAMPLE: a sample 0..255. */
function sat8(v) {
  return (v < -128 ? -128 : v > 127 ? 127 : v) + 128;
}

// jidctred.c's and jidctint.c's constants, CONST_BITS 13, PASS1_BITS 2 (8-bit samples).
const FIX_0_211164243 = 1730;
const FIX_0_298631336 = 2446;
const FIX_0_390180644 = 3196;
const FIX_0_509795579 = 4176;
const FIX_0_541196100 = 4433;
const FIX_0_601344887 = 4926;
const FIX_0_720959822 = 5906;
const FIX_0_765366865 = 6270;
const FIX_0_850430095 = 6967;
const FIX_0_899976223 = 7373;
const FIX_1_061594337 = 8697;
const FIX_1_175875602 = 9633;
const FIX_1_272758580 = 10426;
const FIX_1_451774981 = 11893;
const FIX_1_501321110 = 12299;
const FIX_1_847759065 = 15137;
const FIX_1_961570560 = 16069;
const FIX_2_053119869 = 16819;
const FIX_2_172734803 = 17799;
const FIX_2_562915447 = 20995;
const FIX_3_072711026 = 25172;
const FIX_3_624509785 = 29692;

/**
 * jpeg_idct_2x2 on one block, computed as jsimd_idct_2x2_sse2 (simd/x86_64/jidctred-sse2.asm)
 * computes it: coefficients dequantised modulo 2^16 (pmullw), the sums modulo 2^32, the odd
 * columns between the passes saturated to 16 bits (packssdw), the output saturated to
 * -128..127 (packsswb) rather than wrapped through the 10-bit range-limit mask.
 *
 * @param {Int16Array} coef the blocks, LAYOUTS[2].size shorts each
 * @param {number} at where this block starts
 * @param {Int32Array|number[]} quant the component's quantisers, natural order
 * @param {Uint8Array} out the component's samples
 * @param {number} o where the block's top left sample goes in out
 * @param {number} stride out's row length
 * @param {Int32Array} ws a workspace of 64
 */
export function idct2x2(coef, at, quant, out, o, stride, ws) {
  // Pass 1: columns 0, 1, 3, 5, 7 into the workspace's two rows.
  for (let ci = 0; ci < 5; ci++) {
    const col = ci === 0 ? 0 : 2 * ci - 1;
    const z0 = dq(coef[at + ci], quant[col]);
    const z1 = dq(coef[at + 5 + ci], quant[8 + col]);
    const z3 = dq(coef[at + 10 + ci], quant[24 + col]);
    const z5 = dq(coef[at + 15 + ci], quant[40 + col]);
    const z7 = dq(coef[at + 20 + ci], quant[56 + col]);
    const tmp10 = z0 << 15; // CONST_BITS + 2
    // pmaddwd: sqrt(2) * (c1+c3+c5+c7), (-c1+c3-c5-c7), (-c1+c3+c5+c7), (c7-c5+c3-c1)
    const tmp0 = (z1 * FIX_3_624509785 - z3 * FIX_1_272758580 + z5 * FIX_0_850430095
      - z7 * FIX_0_720959822) | 0;
    ws[col] = ((tmp10 + tmp0 + (1 << 12)) | 0) >> 13; // DESCALE(..., CONST_BITS - PASS1_BITS + 2)
    ws[8 + col] = ((tmp10 - tmp0 + (1 << 12)) | 0) >> 13;
  }
  // Pass 2: the two rows.
  row2(ws, 0, out, o);
  row2(ws, 8, out, o + stride);
}

function row2(ws, w, out, o) {
  const tmp10 = ws[w] << 15; // pslld: column 0 is not saturated
  const tmp0 = (sat16(ws[w + 1]) * FIX_3_624509785 - sat16(ws[w + 3]) * FIX_1_272758580
    + sat16(ws[w + 5]) * FIX_0_850430095 - sat16(ws[w + 7]) * FIX_0_720959822) | 0;
  // DESCALE(..., CONST_BITS + PASS1_BITS + 3 + 2), then packssdw, packsswb, + CENTERJSAMPLE
  out[o] = sat8(((tmp10 + tmp0 + (1 << 19)) | 0) >> 20);
  out[o + 1] = sat8(((tmp10 - tmp0 + (1 << 19)) | 0) >> 20);
}

/** The 4x4 layout's columns (and rows) as kept: 0, 1, 2, 3, 5, 6, 7. */
const SEVEN = [0, 1, 2, 3, 5, 6, 7];

/**
 * jpeg_idct_4x4 on one block, computed as jsimd_idct_4x4_sse2 (simd/x86_64/jidctred-sse2.asm)
 * computes it. Pass 1 first tests the whole block: when rows 1, 2, 3, 5, 6 and 7 are all zero
 * (column 4 included, which the layout's flag slot stands for), each column's four outputs are
 * its dequantised DC shifted by PASS1_BITS in a 16-bit lane (psllw: wrapping); otherwise every
 * column but 4 goes through jidctred.c's arithmetic in 32-bit lanes, saturated to 16 bits
 * between the passes (packssdw). Pass 2 does the four rows likewise, and the output is
 * saturated to -128..127 (packsswb) rather than wrapped through the range-limit mask.
 *
 * @param {Int16Array} coef the blocks, LAYOUTS[4].size shorts each
 * @param {number} at where this block starts
 * @param {Int32Array|number[]} quant the component's quantisers, natural order
 * @param {Uint8Array} out the component's samples
 * @param {number} o where the block's top left sample goes in out
 * @param {number} stride out's row length
 * @param {Int32Array} ws a workspace of 64: four rows of eight
 */
export function idct4x4(coef, at, quant, out, o, stride, ws) {
  let ac = coef[at + 49]; // LAYOUTS[4].flag
  for (let i = at + 7; i < at + 49 && ac === 0; i++) {
    ac = coef[i];
  }
  if (ac === 0) { // AC terms all zero
    for (let ci = 0; ci < 7; ci++) {
      const col = SEVEN[ci];
      const dc = (dq(coef[at + ci], quant[col]) << 18) >> 16; // psllw PASS1_BITS
      ws[col] = dc;
      ws[8 + col] = dc;
      ws[16 + col] = dc;
      ws[24 + col] = dc;
    }
  } else {
    for (let ci = 0; ci < 7; ci++) {
      const col = SEVEN[ci];
      const z0 = dq(coef[at + ci], quant[col]);
      const z1 = dq(coef[at + 7 + ci], quant[8 + col]);
      const z2 = dq(coef[at + 14 + ci], quant[16 + col]);
      const z3 = dq(coef[at + 21 + ci], quant[24 + col]);
      const z5 = dq(coef[at + 28 + ci], quant[40 + col]);
      const z6 = dq(coef[at + 35 + ci], quant[48 + col]);
      const z7 = dq(coef[at + 42 + ci], quant[56 + col]);
      idct4(z0, z1, z2, z3, z5, z6, z7, 12);
      for (let i = 0; i < 4; i++) {
        ws[8 * i + col] = sat16(D[i]); // packssdw
      }
    }
  }
  for (let r = 0; r < 4; r++) {
    const w = 8 * r;
    idct4(ws[w], ws[w + 1], ws[w + 2], ws[w + 3], ws[w + 5], ws[w + 6], ws[w + 7], 19);
    const row = o + r * stride;
    for (let i = 0; i < 4; i++) {
      out[row + i] = sat8(D[i]); // packssdw, packsswb, + CENTERJSAMPLE
    }
  }
}

/**
 * One column (pass 1) or row (pass 2) of jpeg_idct_4x4 on 16-bit inputs (4 is not read): its
 * four outputs, descaled by `shift` with rounding, into D (the caller packs them).
 */
function idct4(z0, z1, z2, z3, z5, z6, z7, shift) {
  // Even part: tmp0 by a 16-bit unpack and psrad, tmp2 by pmaddwd.
  const tmp0 = z0 << 14; // CONST_BITS + 1
  const tmp2 = z2 * FIX_1_847759065 - z6 * FIX_0_765366865;
  const tmp10 = tmp0 + tmp2;
  const tmp12 = tmp0 - tmp2;
  // Odd part: pmaddwd on (z1, z3) and (z5, z7), then paddd.
  const odd0 = z1 * FIX_1_061594337 - z3 * FIX_2_172734803 + z5 * FIX_1_451774981
    - z7 * FIX_0_211164243;
  const odd2 = z1 * FIX_2_562915447 + z3 * FIX_0_899976223 - z5 * FIX_0_601344887
    - z7 * FIX_0_509795579;
  const round = 1 << (shift - 1);
  D[0] = ((tmp10 + odd2 + round) | 0) >> shift;
  D[1] = ((tmp12 + odd0 + round) | 0) >> shift;
  D[2] = ((tmp12 - odd0 + round) | 0) >> shift;
  D[3] = ((tmp10 - odd2 + round) | 0) >> shift;
}

/**
 * jpeg_idct_islow on one block, computed as jsimd_idct_islow_avx2
 * (simd/x86_64/jidctint-avx2.asm) computes it, which Pillow's libjpeg-turbo runs on an AVX2
 * machine. Pass 1 first tests the whole block: when rows 1 to 7 are all zero, each column's
 * eight outputs are its dequantised DC shifted by PASS1_BITS in a 16-bit lane (vpsllw:
 * wrapping). Otherwise both passes are jidctint.c's arithmetic rearranged into pmaddwd pairs
 * (the same integers), with the sums in0 + in4, in0 - in4, in7 + in3 and in5 + in1 taken in
 * 16-bit lanes (vpaddw: wrapping), 32-bit lanes after, saturated to 16 bits between the passes
 * (vpackssdw) and to -128..127 at the end (vpacksswb).
 *
 * @param {Int16Array} coef the blocks, 64 shorts each, natural order
 * @param {number} at where this block starts
 * @param {Int32Array|number[]} quant the component's quantisers, natural order
 * @param {Uint8Array} out the component's samples
 * @param {number} o where the block's top left sample goes in out
 * @param {number} stride out's row length
 * @param {Int32Array} ws a workspace of 64
 */
export function idctIslow(coef, at, quant, out, o, stride, ws) {
  let ac = 0;
  for (let i = at + 8; i < at + 64 && ac === 0; i++) {
    ac = coef[i];
  }
  if (ac === 0) { // AC terms all zero
    for (let col = 0; col < 8; col++) {
      const dc = (dq(coef[at + col], quant[col]) << 18) >> 16; // vpsllw PASS1_BITS
      for (let r = 0; r < 64; r += 8) {
        ws[r + col] = dc;
      }
    }
  } else {
    for (let col = 0; col < 8; col++) {
      const c = at + col;
      dodct(dq(coef[c], quant[col]), dq(coef[c + 8], quant[8 + col]),
        dq(coef[c + 16], quant[16 + col]), dq(coef[c + 24], quant[24 + col]),
        dq(coef[c + 32], quant[32 + col]), dq(coef[c + 40], quant[40 + col]),
        dq(coef[c + 48], quant[48 + col]), dq(coef[c + 56], quant[56 + col]), 11);
      for (let i = 0; i < 8; i++) {
        ws[8 * i + col] = sat16(D[i]); // vpackssdw
      }
    }
  }
  for (let r = 0; r < 8; r++) {
    const w = 8 * r;
    dodct(ws[w], ws[w + 1], ws[w + 2], ws[w + 3], ws[w + 4], ws[w + 5], ws[w + 6], ws[w + 7], 18);
    const row = o + r * stride;
    for (let i = 0; i < 8; i++) {
      out[row + i] = sat8(D[i]); // vpackssdw, vpacksswb, + CENTERJSAMPLE
    }
  }
}

/**
 * One column (pass 1) or row (pass 2) of jsimd_idct_islow_avx2's DODCT on 16-bit inputs: its
 * eight outputs, descaled by `shift` with rounding, into D (the caller packs them).
 */
function dodct(in0, in1, in2, in3, in4, in5, in6, in7, shift) {
  // Even part.
  const tmp0 = (((in0 + in4) << 16) >> 16) << 13; // vpaddw, then unpacked and psrad'd
  const tmp1 = (((in0 - in4) << 16) >> 16) << 13;
  const tmp3 = in2 * (FIX_0_541196100 + FIX_0_765366865) + in6 * FIX_0_541196100;
  const tmp2 = in2 * FIX_0_541196100 + in6 * (FIX_0_541196100 - FIX_1_847759065);
  const tmp10 = tmp0 + tmp3;
  const tmp13 = tmp0 - tmp3;
  const tmp11 = tmp1 + tmp2;
  const tmp12 = tmp1 - tmp2;
  // Odd part.
  const z3 = ((in7 + in3) << 16) >> 16; // vpaddw
  const z4 = ((in5 + in1) << 16) >> 16;
  const z3m = z3 * (FIX_1_175875602 - FIX_1_961570560) + z4 * FIX_1_175875602;
  const z4m = z4 * (FIX_1_175875602 - FIX_0_390180644) + z3 * FIX_1_175875602;
  const t0 = in7 * (FIX_0_298631336 - FIX_0_899976223) - in1 * FIX_0_899976223 + z3m;
  const t1 = in5 * (FIX_2_053119869 - FIX_2_562915447) - in3 * FIX_2_562915447 + z4m;
  const t3 = in1 * (FIX_1_501321110 - FIX_0_899976223) - in7 * FIX_0_899976223 + z4m;
  const t2 = in3 * (FIX_3_072711026 - FIX_2_562915447) - in5 * FIX_2_562915447 + z3m;
  // Final output stage: paddd/psubd (32-bit lanes), then the descale.
  const round = 1 << (shift - 1);
  D[0] = ((tmp10 + t3 + round) | 0) >> shift;
  D[7] = ((tmp10 - t3 + round) | 0) >> shift;
  D[1] = ((tmp11 + t2 + round) | 0) >> shift;
  D[6] = ((tmp11 - t2 + round) | 0) >> shift;
  D[2] = ((tmp12 + t1 + round) | 0) >> shift;
  D[5] = ((tmp12 - t1 + round) | 0) >> shift;
  D[3] = ((tmp13 + t0 + round) | 0) >> shift;
  D[4] = ((tmp13 - t0 + round) | 0) >> shift;
}
