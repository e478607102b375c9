package io.github.selfiedeploy.classify.picture.jpeg;

/**
 * libjpeg-turbo's reduced inverse DCTs at 1/8 scale (jidctred.c), integer for integer: a
 * component at its full sampling comes out of jpeg_idct_1x1 (one pixel a block, its DC), a
 * 4:2:0 chroma component out of jpeg_idct_2x2 (two by two pixels a block), because libjpeg
 * scales the chroma's IDCT up rather than upsample it (jdmaster.c,
 * jpeg_calc_output_dimensions). Hand-written, as all of this package: no Java library decodes
 * a JPEG the way libjpeg-turbo does at 1/8 scale, and Python's pixels are libjpeg-turbo's.
 *
 * <p>jpeg_idct_2x2 reads 25 coefficients of a block, those in rows and columns 0, 1, 3, 5
 * and 7; a block is kept as just those ({@link #slot} says where), plus one spare slot that
 * a sequential decoder writes the others to, so that its loop has no branch on the position.
 */
final class JpegIdct {
    /** The coefficients of a block jpeg_idct_2x2 reads: rows and columns 0, 1, 3, 5, 7. */
    static final int SLOTS = 25;
    /** A kept block's size: the {@link #SLOTS} and the spare one, {@link #SPARE}. */
    static final int BLOCK = SLOTS + 1;
    /** The spare slot: where a coefficient jpeg_idct_2x2 never reads may be written. */
    static final int SPARE = SLOTS;
    /** Where a row or column of the block is among the five jpeg_idct_2x2 reads; -1: not. */
    private static final int[] FIVE = {0, 1, -1, 2, -1, 3, -1, 4};
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
    /** {@link #slot} of {@link #natural}(k), {@link #SPARE} for -1: the sequential decoder's lookup. */
    private static final int[] ZIGZAG_SLOT = new int[NATURAL.length];

    static {
        for (int k = 0; k < NATURAL.length; k++) {
            int s = slot(NATURAL[k]);
            ZIGZAG_SLOT[k] = s < 0 ? SPARE : s;
        }
    }

    // jidctred.c's constants, CONST_BITS 13, PASS1_BITS 2 (8-bit samples).
    private static final int FIX_0_720959822 = 5906;
    private static final int FIX_0_850430095 = 6967;
    private static final int FIX_1_272758580 = 10426;
    private static final int FIX_3_624509785 = 29692;

    private JpegIdct() {
    }

    /** The natural position of zigzag index k (0 to 79), as jpeg_natural_order[k]. */
    static int natural(int k) {
        return NATURAL[k];
    }

    /** Where the coefficient at zigzag index k (0 to 79) is written in a block: its slot, or {@link #SPARE}. */
    static int zigzagSlot(int k) {
        return ZIGZAG_SLOT[k];
    }

    /** Where the coefficient at natural position p is kept in a block; -1: jpeg_idct_2x2 never reads it. */
    static int slot(int p) {
        int r = FIVE[p >> 3];
        int c = FIVE[p & 7];
        return r < 0 || c < 0 ? -1 : r * 5 + c;
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
     * jpeg_idct_2x2 on one block, computed as libjpeg-turbo's x86-64 build computes it:
     * jsimd_idct_2x2_sse2 (simd/x86_64/jidctred-sse2.asm), which Pillow's libjpeg-turbo runs
     * there. Its arithmetic is jidctred.c's in 16- and 32-bit lanes: coefficients dequantised
     * modulo 2^16 (pmullw), the sums modulo 2^32, the odd rows between the passes saturated to
     * 16 bits (packssdw), the output saturated to -128..127 (packsswb) rather than wrapped
     * through the 10-bit range-limit mask. Wherever the dequantised coefficients fit 16 bits
     * (every undamaged JPEG) that is jpeg_idct_2x2 bit for bit; on damaged data it is what
     * Python sees on x86-64 (ARM's NEON version differs there again).
     *
     * @param coef the blocks, {@link #BLOCK} shorts each, slots as {@link #slot} says
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
        row(ws, 0, out, 0);
        row(ws, 8, out, 2);
    }

    private static void row(int[] ws, int w, int[] out, int o) {
        int tmp10 = ws[w] << 15; // pslld: column 0 is not saturated
        int tmp0 = sat16(ws[w + 1]) * FIX_3_624509785 + sat16(ws[w + 3]) * -FIX_1_272758580
                + sat16(ws[w + 5]) * FIX_0_850430095 + sat16(ws[w + 7]) * -FIX_0_720959822;
        // DESCALE(..., CONST_BITS + PASS1_BITS + 3 + 2), then packssdw, packsswb, + CENTERJSAMPLE
        out[o] = Math.max(-128, Math.min(127, (tmp10 + tmp0 + (1 << 19)) >> 20)) + 128;
        out[o + 1] = Math.max(-128, Math.min(127, (tmp10 - tmp0 + (1 << 19)) >> 20)) + 128;
    }

    /** packssdw: a 32-bit lane saturated to 16 bits. */
    private static int sat16(int v) {
        return Math.max(-32768, Math.min(32767, v));
    }
}
