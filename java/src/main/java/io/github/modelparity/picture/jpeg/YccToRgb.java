package io.github.modelparity.picture.jpeg;

/**
 * libjpeg-turbo's YCbCr to RGB conversion (jdcolor.c): build_ycc_rgb_table's integer tables
 * (SCALEBITS 16) and ycc_rgb_convert's sums, range-limited to 0..255. Python's RGB pixels of
 * a JPEG are these integers, not the floating-point formula, so they are reproduced as such.
 */
final class YccToRgb {
    private static final int SCALEBITS = 16;
    private static final long ONE_HALF = 1L << (SCALEBITS - 1);

    private final int[] crR = new int[256];
    private final int[] cbB = new int[256];
    private final long[] crG = new long[256];
    private final long[] cbG = new long[256];

    /** build_ycc_rgb_table. */
    YccToRgb() {
        for (int i = 0; i < 256; i++) {
            long x = i - 128;
            crR[i] = (int) ((fix(1.40200) * x + ONE_HALF) >> SCALEBITS);
            cbB[i] = (int) ((fix(1.77200) * x + ONE_HALF) >> SCALEBITS);
            crG[i] = -fix(0.71414) * x;
            cbG[i] = -fix(0.34414) * x + ONE_HALF; // ONE_HALF here, not in the inner loop
        }
    }

    /** jdcolor.c's FIX(x): x in 16-bit fixed point, rounded as C's cast of x * 65536 + 0.5. */
    private static long fix(double x) {
        return (long) (x * (1L << SCALEBITS) + 0.5);
    }

    private static byte clamp(int v) { // range_limit[] (sample_range_limit, not the IDCT's)
        return (byte) (v < 0 ? 0 : Math.min(v, 255));
    }

    /**
     * ycc_rgb_convert over whole planes: pixel i of y, cb and cr (bytes, read unsigned) to
     * samples 3i, 3i + 1 and 3i + 2 of rgb (bytes, read unsigned).
     */
    void convert(byte[] y, byte[] cb, byte[] cr, byte[] rgb) {
        for (int i = 0, o = 0; i < y.length; i++, o += 3) {
            int yy = y[i] & 0xFF;
            int b = cb[i] & 0xFF;
            int r = cr[i] & 0xFF;
            rgb[o] = clamp(yy + crR[r]);
            rgb[o + 1] = clamp(yy + (int) ((cbG[b] + crG[r]) >> SCALEBITS));
            rgb[o + 2] = clamp(yy + cbB[b]);
        }
    }
}
