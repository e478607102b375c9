package io.github.modelparity.picture.jpeg;

/**
 * libjpeg-turbo's inverse DCTs for its scaled decoding, integer for integer: jpeg_idct_1x1,
 * jpeg_idct_2x2 and jpeg_idct_4x4 (jidctred.c) and jpeg_idct_islow (jidctint.c), one per
 * component's scaled IDCT size (1, 2, 4 or 8 samples a block side; see {@link Layout}).
 * libjpeg picks a component's size in jdmaster.c's jpeg_calc_output_dimensions: the scale's
 * (8 / scale_denom), doubled while that saves upsampling, so that a 4:2:0 chroma component
 * comes out of an IDCT twice the luma's. Hand-written, as all of this package: no Java
 * library decodes a JPEG the way libjpeg-turbo does at reduced scale, and Python's pixels are
 * libjpeg-turbo's.
 *
 * <p>Pillow's libjpeg-turbo on x86-64 runs the SIMD versions of the 2x2, 4x4 and 8x8 IDCTs
 * (jidctred-sse2.asm; jidctint-avx2.asm, or its SSE2 twin, which computes the same), and
 * these are computed as those do: coefficients dequantised modulo 2^16 (pmullw), sums modulo
 * 2^32, some sums of two inputs modulo 2^16 (paddw), the rows between the passes saturated to
 * 16 bits (packssdw), the output saturated to -128..127 (packsswb) rather than wrapped through
 * the 10-bit range-limit mask, and a block whose AC rows are all zero taken by a short cut
 * that shifts its top row in 16 bits (psllw). Wherever the dequantised coefficients fit 16
 * bits and the sums do not overflow (every undamaged JPEG) that is the C code bit for bit; on
 * damaged data it is what Python sees on x86-64 (ARM's NEON versions differ there again).
 *
 * <p>A block is kept as just the coefficients its IDCT reads ({@link Layout}), plus spare
 * slots that a sequential decoder writes the others to, so that its loop has no branch on
 * the position.
 */
final class JpegIdct {
    /**
     * jutils.c's jpeg_natural_order: zigzag index to natural (row-major) position, with the 16
     * extra 63s that catch a corrupt run past the block's end, as libjpeg's decoders index it.
     */
    private static final int[] NATURAL = {
        0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5,
        12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
        35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51,
        58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
        63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63};

    /**
     * Which coefficients of a block an IDCT size reads and where a block keeps them: the
     * rows and columns jpeg_idct_1x1 reads (0), jpeg_idct_2x2 (0, 1, 3, 5, 7), jpeg_idct_4x4
     * (0, 1, 2, 3, 5, 6, 7) and jpeg_idct_islow (all). A kept block is {@link #block} shorts:
     * the kept coefficients, row by row, then for sizes 2 and 4 the spare slots. Immutable.
     */
    static final class Layout {
        /** Samples a block side: 1, 2, 4 or 8. */
        final int size;
        /** Shorts a kept block takes. */
        final int block;
        /** The spare slot that coefficients outside {@link #tested} go to (sizes 2 and 4). */
        final int spare;
        /**
         * Size 4: the spare slot for column 4 of rows 1, 2, 3, 5, 6 and 7, which
         * jpeg_idct_4x4 does not read but whose SSE2 version tests for its short cut;
         * otherwise {@link #spare}.
         */
        final int spareTested;
        /** Natural positions (bit p) outside the kept ones that the size-4 short cut tests. */
        final long tested;
        /** Natural position to slot; -1: not kept. */
        private final int[] slotOf = new int[64];
        /** Zigzag index (0 to 79) to slot, the spare ones for coefficients not kept. */
        private final int[] zigzagSlot = new int[NATURAL.length];

        private Layout(int size, int[] rows) {
            this.size = size;
            int[] index = new int[8];
            java.util.Arrays.fill(index, -1);
            for (int i = 0; i < rows.length; i++) {
                index[rows[i]] = i;
            }
            int kept = rows.length * rows.length;
            this.spare = size == 2 || size == 4 ? kept : -1;
            this.spareTested = size == 4 ? kept + 1 : spare;
            this.block = size == 4 ? kept + 2 : size == 2 ? kept + 1 : kept;
            long t = 0;
            for (int p = 0; p < 64; p++) {
                int r = index[p >> 3];
                int c = index[p & 7];
                slotOf[p] = r < 0 || c < 0 ? -1 : r * rows.length + c;
                if (size == 4 && (p & 7) == 4 && (p >> 3) != 0 && (p >> 3) != 4) {
                    t |= 1L << p;
                }
            }
            this.tested = t;
            for (int k = 0; k < NATURAL.length; k++) {
                int p = NATURAL[k];
                int s = slotOf[p];
                zigzagSlot[k] = s >= 0 ? s : (t >>> p & 1) != 0 ? spareTested : spare;
            }
        }

        /**
         * @param p a natural position, 0 to 63
         * @return its slot; -1 where this size's IDCT does not read it
         */
        int slot(int p) {
            return slotOf[p];
        }

        /**
         * @param k a zigzag index, 0 to 79 (past 63: a corrupt run, position 63)
         * @return where a sequential decoder writes it: its slot, or a spare one
         */
        int zigzagSlot(int k) {
            return zigzagSlot[k];
        }

        /** The zigzag-to-slot table itself, for the sequential decoder's loop. */
        int[] zigzagSlots() {
            return zigzagSlot;
        }
    }

    private static final Layout[] LAYOUTS = {
        new Layout(1, new int[] {0}),
        new Layout(2, new int[] {0, 1, 3, 5, 7}),
        new Layout(4, new int[] {0, 1, 2, 3, 5, 6, 7}),
        new Layout(8, new int[] {0, 1, 2, 3, 4, 5, 6, 7})};

    // jidctred.c and jidctint.c's constants, CONST_BITS 13, PASS1_BITS 2 (8-bit samples).
    private static final int FIX_0_211164243 = 1730;
    private static final int FIX_0_298631336 = 2446;
    private static final int FIX_0_390180644 = 3196;
    private static final int FIX_0_509795579 = 4176;
    private static final int FIX_0_541196100 = 4433;
    private static final int FIX_0_601344887 = 4926;
    private static final int FIX_0_720959822 = 5906;
    private static final int FIX_0_765366865 = 6270;
    private static final int FIX_0_850430095 = 6967;
    private static final int FIX_0_899976223 = 7373;
    private static final int FIX_1_061594337 = 8697;
    private static final int FIX_1_175875602 = 9633;
    private static final int FIX_1_272758580 = 10426;
    private static final int FIX_1_451774981 = 11893;
    private static final int FIX_1_501321110 = 12299;
    private static final int FIX_1_847759065 = 15137;
    private static final int FIX_1_961570560 = 16069;
    private static final int FIX_2_053119869 = 16819;
    private static final int FIX_2_172734803 = 17799;
    private static final int FIX_2_562915447 = 20995;
    private static final int FIX_3_072711026 = 25172;
    private static final int FIX_3_624509785 = 29692;

    private JpegIdct() {
    }

    /**
     * @param size an IDCT size: 1, 2, 4 or 8
     * @return its layout
     * @throws IllegalArgumentException for another size
     */
    static Layout layout(int size) {
        return switch (size) {
            case 1 -> LAYOUTS[0];
            case 2 -> LAYOUTS[1];
            case 4 -> LAYOUTS[2];
            case 8 -> LAYOUTS[3];
            default -> throw new IllegalArgumentException("no IDCT of size " + size);
        };
    }

    /** The natural position of zigzag index k (0 to 79), as jpeg_natural_order[k]. */
    static int natural(int k) {
        return NATURAL[k];
    }

    /**
     * The post-IDCT range limit (jdmaster.c prepare_range_limit_table, read as
     * {@code IDCT_range_limit(cinfo)[x & RANGE_MASK]}): x + 128 clamped to 0..255, where a
     * value far out of range wraps as the 10-bit mask makes it.
     */
    static int limit(int x) {
        int v = x & 1023;
        return v < 128 ? v + 128 : v < 512 ? 255 : v < 896 ? 0 : v - 896;
    }

    /** DEQUANTIZE: the coefficient (a JCOEF) times its ISLOW_MULT_TYPE multiplier, a short. */
    private static int dequantize(int coef, int quant) {
        return coef * (short) quant;
    }

    /** jpeg_idct_1x1: the block's DC over 8, range-limited. */
    static int idct1x1(int dc, int quant) {
        return limit((dequantize(dc, quant) + 4) >> 3); // DESCALE(dcval, 3)
    }

    /**
     * jpeg_idct_2x2 on one block, computed as jsimd_idct_2x2_sse2 (simd/x86_64/jidctred-sse2.asm)
     * computes it: jidctred.c's arithmetic with coefficients dequantised modulo 2^16, the sums
     * modulo 2^32, the odd rows between the passes saturated to 16 bits, the output saturated
     * (see the class Javadoc). It has no short cut for zero AC terms.
     *
     * @param coef the blocks, kept as {@link #layout}(2) says
     * @param at where this block starts
     * @param quant the component's quantisers, natural order
     * @param ws a workspace of 16: the two rows between the passes
     * @param out the four samples: out[0], out[1] the top row, out[2], out[3] the bottom one
     */
    static void idct2x2(short[] coef, int at, int[] quant, int[] ws, int[] out) {
        // Pass 1: columns 0, 1, 3, 5, 7 into the workspace's two rows.
        for (int ci = 0; ci < 5; ci++) {
            int col = ci == 0 ? 0 : 2 * ci - 1;
            int z0 = (short) (coef[at + ci] * quant[col]); // pmullw: DEQUANTIZE modulo 2^16
            int z1 = (short) (coef[at + 5 + ci] * quant[8 + col]);
            int z3 = (short) (coef[at + 10 + ci] * quant[24 + col]);
            int z5 = (short) (coef[at + 15 + ci] * quant[40 + col]);
            int z7 = (short) (coef[at + 20 + ci] * quant[56 + col]);
            int tmp10 = z0 << 15; // CONST_BITS + 2
            // pmaddwd: sqrt(2) * (c1+c3+c5+c7), (-c1+c3-c5-c7), (-c1+c3+c5+c7), (c7-c5+c3-c1)
            int tmp0 = z1 * FIX_3_624509785 + z3 * -FIX_1_272758580 + z5 * FIX_0_850430095
                    + z7 * -FIX_0_720959822;
            ws[col] = (tmp10 + tmp0 + (1 << 12)) >> 13; // DESCALE(..., CONST_BITS - PASS1_BITS + 2)
            ws[8 + col] = (tmp10 - tmp0 + (1 << 12)) >> 13;
        }
        // Pass 2: the two rows.
        row2(ws, 0, out, 0);
        row2(ws, 8, out, 2);
    }

    private static void row2(int[] ws, int w, int[] out, int o) {
        int tmp10 = ws[w] << 15; // pslld: column 0 is not saturated
        int tmp0 = sat16(ws[w + 1]) * FIX_3_624509785 + sat16(ws[w + 3]) * -FIX_1_272758580
                + sat16(ws[w + 5]) * FIX_0_850430095 + sat16(ws[w + 7]) * -FIX_0_720959822;
        // DESCALE(..., CONST_BITS + PASS1_BITS + 3 + 2), then packssdw, packsswb, + CENTERJSAMPLE
        out[o] = sample((tmp10 + tmp0 + (1 << 19)) >> 20);
        out[o + 1] = sample((tmp10 - tmp0 + (1 << 19)) >> 20);
    }

    /**
     * jpeg_idct_4x4 on one block, computed as jsimd_idct_4x4_sse2 (simd/x86_64/jidctred-sse2.asm)
     * computes it (see the class Javadoc): where rows 1, 2, 3, 5, 6 and 7 are all zero, column
     * 4 included, every workspace row is the top row dequantised and shifted in 16 bits;
     * otherwise jidctred.c's two passes, all eight columns at once (no per-column short cut),
     * the workspace saturated to 16 bits, no short cut for zero rows in the second pass. (Zero
     * columns and rows are computed here without the full step, to the values it gives.)
     *
     * @param coef the blocks, kept as {@link #layout}(4) says
     * @param at where this block starts
     * @param quant the component's quantisers, natural order
     * @param unkeptAc whether column 4 of rows 1, 2, 3, 5, 6 or 7 (not kept) is nonzero
     * @param ws a workspace of 32: the four rows between the passes
     * @param out the 16 samples, row by row
     */
    static void idct4x4(short[] coef, int at, int[] quant, boolean unkeptAc, int[] ws, int[] out) {
        // Pass 1: columns 0, 1, 2, 3, 5, 6, 7 into the workspace's four rows. A column whose AC
        // terms are zero gives its DC times 4, saturated as the full step would (found here
        // without it), or wrapped where the whole block takes the short cut.
        boolean blockZero = !unkeptAc;
        int zeroColumns = 0;
        for (int ci = 0; ci < 7; ci++) {
            int col = ci < 4 ? ci : ci + 1;
            int c1 = coef[at + 7 + ci];
            int c2 = coef[at + 14 + ci];
            int c3 = coef[at + 21 + ci];
            int c5 = coef[at + 28 + ci];
            int c6 = coef[at + 35 + ci];
            int c7 = coef[at + 42 + ci];
            int z0 = (short) (coef[at + ci] * quant[col]); // pmullw: DEQUANTIZE modulo 2^16
            if ((c1 | c2 | c3 | c5 | c6 | c7) == 0) {
                ws[col] = z0;
                zeroColumns |= 1 << col;
                continue;
            }
            blockZero = false;
            // DESCALE(..., CONST_BITS - PASS1_BITS + 1), then packssdw
            reduce4(z0, (short) (c1 * quant[8 + col]), (short) (c2 * quant[16 + col]),
                    (short) (c3 * quant[24 + col]), (short) (c5 * quant[40 + col]), (short) (c6 * quant[48 + col]),
                    (short) (c7 * quant[56 + col]), ws, col, 8, 12, false);
        }
        for (int col = 0; col < 8; col++) {
            if ((zeroColumns >> col & 1) != 0) {
                int dc = blockZero ? (short) (ws[col] << 2) : sat16(ws[col] << 2); // psllw, or the full step
                ws[col] = dc;
                ws[8 + col] = dc;
                ws[16 + col] = dc;
                ws[24 + col] = dc;
            }
        }
        // Pass 2: the four rows (a row whose AC terms are zero: what the full step gives).
        for (int r = 0; r < 4; r++) {
            int w = 8 * r;
            if ((ws[w + 1] | ws[w + 2] | ws[w + 3] | ws[w + 5] | ws[w + 6] | ws[w + 7]) == 0) {
                int v = sample(((ws[w] << 14) + (1 << 18)) >> 19);
                out[4 * r] = v;
                out[4 * r + 1] = v;
                out[4 * r + 2] = v;
                out[4 * r + 3] = v;
                continue;
            }
            // DESCALE(..., CONST_BITS + PASS1_BITS + 3 + 1), packssdw, packsswb, + CENTERJSAMPLE
            reduce4(ws[w], ws[w + 1], ws[w + 2], ws[w + 3], ws[w + 5], ws[w + 6], ws[w + 7], out, 4 * r, 1, 19,
                    true);
        }
    }

    /** jidctred.c's 8-to-4 step on inputs 0, 1, 2, 3, 5, 6, 7 (16-bit), to out[o + i * step]. */
    private static void reduce4(int in0, int in1, int in2, int in3, int in5, int in6, int in7, int[] out, int o,
            int step, int shift, boolean last) {
        int tmp0 = in0 << 14; // CONST_BITS + 1
        int tmp2 = in2 * FIX_1_847759065 + in6 * -FIX_0_765366865;
        int tmp10 = tmp0 + tmp2;
        int tmp12 = tmp0 - tmp2;
        int odd0 = in7 * -FIX_0_211164243 + in5 * FIX_1_451774981 + in3 * -FIX_2_172734803
                + in1 * FIX_1_061594337;
        int odd2 = in7 * -FIX_0_509795579 + in5 * -FIX_0_601344887 + in3 * FIX_0_899976223
                + in1 * FIX_2_562915447;
        int round = 1 << (shift - 1);
        out[o] = descaled(tmp10 + odd2 + round, shift, last);
        out[o + 3 * step] = descaled(tmp10 - odd2 + round, shift, last);
        out[o + step] = descaled(tmp12 + odd0 + round, shift, last);
        out[o + 2 * step] = descaled(tmp12 - odd0 + round, shift, last);
    }

    /**
     * jpeg_idct_islow on one block, computed as jsimd_idct_islow_avx2
     * (simd/x86_64/jidctint-avx2.asm; jidctint-sse2.asm computes the same) computes it (see
     * the class Javadoc): where rows 1 to 7 are all zero, every workspace row is the top row
     * dequantised and shifted in 16 bits; otherwise jidctint.c's two passes with in0 + in4,
     * in0 - in4, in7 + in3 and in5 + in1 taken modulo 2^16, the workspace saturated to 16
     * bits, no short cut for zero rows in the second pass. (Zero columns and rows are computed
     * here without the full step, to the values it gives.)
     *
     * @param coef the blocks, 64 coefficients each in natural order
     * @param at where this block starts
     * @param quant the component's quantisers, natural order
     * @param ws a workspace of 64: the rows between the passes
     * @param out the 64 samples, row by row
     */
    static void idctIslow(short[] coef, int at, int[] quant, int[] ws, int[] out) {
        // Pass 1: the columns; one whose AC terms are zero gives its DC times 4, saturated as
        // the full step would, or wrapped where the whole block takes the short cut.
        int zeroColumns = 0;
        for (int col = 0; col < 8; col++) {
            int c = at + col;
            int c1 = coef[c + 8];
            int c2 = coef[c + 16];
            int c3 = coef[c + 24];
            int c4 = coef[c + 32];
            int c5 = coef[c + 40];
            int c6 = coef[c + 48];
            int c7 = coef[c + 56];
            int z0 = (short) (coef[c] * quant[col]); // pmullw: DEQUANTIZE modulo 2^16
            if ((c1 | c2 | c3 | c4 | c5 | c6 | c7) == 0) {
                ws[col] = z0;
                zeroColumns |= 1 << col;
                continue;
            }
            // DESCALE(..., CONST_BITS - PASS1_BITS), then packssdw
            islow(z0, (short) (c1 * quant[8 + col]), (short) (c2 * quant[16 + col]), (short) (c3 * quant[24 + col]),
                    (short) (c4 * quant[32 + col]), (short) (c5 * quant[40 + col]), (short) (c6 * quant[48 + col]),
                    (short) (c7 * quant[56 + col]), ws, col, 8, 11, false);
        }
        boolean blockZero = zeroColumns == 0xFF;
        for (int col = 0; col < 8; col++) {
            if ((zeroColumns >> col & 1) != 0) {
                int dc = blockZero ? (short) (ws[col] << 2) : sat16(ws[col] << 2); // psllw, or the full step
                for (int r = 0; r < 64; r += 8) {
                    ws[r + col] = dc;
                }
            }
        }
        // Pass 2: the rows (a row whose AC terms are zero: what the full step gives).
        for (int r = 0; r < 64; r += 8) {
            if ((ws[r + 1] | ws[r + 2] | ws[r + 3] | ws[r + 4] | ws[r + 5] | ws[r + 6] | ws[r + 7]) == 0) {
                int v = sample(((ws[r] << 13) + (1 << 17)) >> 18);
                for (int i = 0; i < 8; i++) {
                    out[r + i] = v;
                }
                continue;
            }
            // DESCALE(..., CONST_BITS + PASS1_BITS + 3), packssdw, packsswb, + CENTERJSAMPLE
            islow(ws[r], ws[r + 1], ws[r + 2], ws[r + 3], ws[r + 4], ws[r + 5], ws[r + 6], ws[r + 7], out, r, 1, 18,
                    true);
        }
    }

    /**
     * jidctint.c's 8-point step on 16-bit inputs as the AVX2 code arranges it (the products
     * distributed, so that only in0 +- in4, in7 + in3 and in5 + in1 are 16-bit sums), to
     * out[o + i * step].
     */
    private static void islow(int in0, int in1, int in2, int in3, int in4, int in5, int in6, int in7, int[] out,
            int o, int step, int shift, boolean last) {
        // Even part.
        int tmp0 = (short) (in0 + in4) << 13; // paddw, then CONST_BITS
        int tmp1 = (short) (in0 - in4) << 13;
        int tmp3 = in2 * (FIX_0_541196100 + FIX_0_765366865) + in6 * FIX_0_541196100;
        int tmp2 = in6 * (FIX_0_541196100 - FIX_1_847759065) + in2 * FIX_0_541196100;
        int tmp10 = tmp0 + tmp3;
        int tmp13 = tmp0 - tmp3;
        int tmp11 = tmp1 + tmp2;
        int tmp12 = tmp1 - tmp2;
        // Odd part.
        int z3 = (short) (in7 + in3); // paddw
        int z4 = (short) (in5 + in1);
        int z3r = z3 * (FIX_1_175875602 - FIX_1_961570560) + z4 * FIX_1_175875602;
        int z4r = z4 * (FIX_1_175875602 - FIX_0_390180644) + z3 * FIX_1_175875602;
        int odd0 = in7 * (FIX_0_298631336 - FIX_0_899976223) + in1 * -FIX_0_899976223 + z3r;
        int odd1 = in5 * (FIX_2_053119869 - FIX_2_562915447) + in3 * -FIX_2_562915447 + z4r;
        int odd2 = in5 * -FIX_2_562915447 + in3 * (FIX_3_072711026 - FIX_2_562915447) + z3r;
        int odd3 = in7 * -FIX_0_899976223 + in1 * (FIX_1_501321110 - FIX_0_899976223) + z4r;
        int round = 1 << (shift - 1);
        out[o] = descaled(tmp10 + odd3 + round, shift, last);
        out[o + 7 * step] = descaled(tmp10 - odd3 + round, shift, last);
        out[o + step] = descaled(tmp11 + odd2 + round, shift, last);
        out[o + 6 * step] = descaled(tmp11 - odd2 + round, shift, last);
        out[o + 2 * step] = descaled(tmp12 + odd1 + round, shift, last);
        out[o + 5 * step] = descaled(tmp12 - odd1 + round, shift, last);
        out[o + 3 * step] = descaled(tmp13 + odd0 + round, shift, last);
        out[o + 4 * step] = descaled(tmp13 - odd0 + round, shift, last);
    }

    /** psrad by shift, then packssdw (between the passes) or packsswb and + 128 (the output). */
    private static int descaled(int v, int shift, boolean last) {
        return last ? sample(v >> shift) : sat16(v >> shift);
    }

    /** packssdw, packsswb, paddb CENTERJSAMPLE: a value saturated to -128..127, plus 128. */
    private static int sample(int v) {
        return Math.max(-128, Math.min(127, v)) + 128;
    }

    /** packssdw: a 32-bit lane saturated to 16 bits. */
    private static int sat16(int v) {
        return Math.max(-32768, Math.min(32767, v));
    }
}
