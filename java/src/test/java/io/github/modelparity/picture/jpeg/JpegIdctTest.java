package io.github.modelparity.picture.jpeg;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;

import java.util.Random;
import org.junit.Test;

/**
 * The reduced IDCTs, computed as libjpeg-turbo's x86-64 SIMD code computes them, are
 * jidctred.c's jpeg_idct_4x4 and jidctint.c's jpeg_idct_islow (straight ports here) wherever
 * the coefficients are what an encoder makes of 8-bit samples; the damaged
 * data where they part is held to Pillow by JpegRgbDcTest.
 */
public class JpegIdctTest {
    /** jpeg_idct_4x4 as jidctred.c writes it: int arithmetic, the zero column and row short cuts, the range mask. */
    private static int[] c4x4(int[] natural, int[] q) {
        int[] ws = new int[32];
        for (int col = 0; col < 8; col++) {
            if (col == 4) {
                continue;
            }
            int[] z = new int[8];
            for (int r = 0; r < 8; r++) {
                z[r] = natural[8 * r + col] * (short) q[8 * r + col];
            }
            if (z[1] == 0 && z[2] == 0 && z[3] == 0 && z[5] == 0 && z[6] == 0 && z[7] == 0) {
                for (int r = 0; r < 4; r++) {
                    ws[8 * r + col] = z[0] << 2;
                }
                continue;
            }
            int tmp0 = z[0] << 14;
            int tmp2 = z[2] * 15137 + z[6] * -6270;
            int tmp10 = tmp0 + tmp2;
            int tmp12 = tmp0 - tmp2;
            int o0 = z[7] * -1730 + z[5] * 11893 + z[3] * -17799 + z[1] * 8697;
            int o2 = z[7] * -4176 + z[5] * -4926 + z[3] * 7373 + z[1] * 20995;
            ws[col] = (tmp10 + o2 + 2048) >> 12;
            ws[24 + col] = (tmp10 - o2 + 2048) >> 12;
            ws[8 + col] = (tmp12 + o0 + 2048) >> 12;
            ws[16 + col] = (tmp12 - o0 + 2048) >> 12;
        }
        int[] out = new int[16];
        for (int r = 0; r < 4; r++) {
            int w = 8 * r;
            if (ws[w + 1] == 0 && ws[w + 2] == 0 && ws[w + 3] == 0 && ws[w + 5] == 0 && ws[w + 6] == 0
                    && ws[w + 7] == 0) {
                int v = JpegIdct.limit((ws[w] + 16) >> 5);
                for (int i = 0; i < 4; i++) {
                    out[4 * r + i] = v;
                }
                continue;
            }
            int tmp0 = ws[w] << 14;
            int tmp2 = ws[w + 2] * 15137 + ws[w + 6] * -6270;
            int tmp10 = tmp0 + tmp2;
            int tmp12 = tmp0 - tmp2;
            int o0 = ws[w + 7] * -1730 + ws[w + 5] * 11893 + ws[w + 3] * -17799 + ws[w + 1] * 8697;
            int o2 = ws[w + 7] * -4176 + ws[w + 5] * -4926 + ws[w + 3] * 7373 + ws[w + 1] * 20995;
            out[4 * r] = JpegIdct.limit((tmp10 + o2 + (1 << 18)) >> 19);
            out[4 * r + 3] = JpegIdct.limit((tmp10 - o2 + (1 << 18)) >> 19);
            out[4 * r + 1] = JpegIdct.limit((tmp12 + o0 + (1 << 18)) >> 19);
            out[4 * r + 2] = JpegIdct.limit((tmp12 - o0 + (1 << 18)) >> 19);
        }
        return out;
    }

    /** jidctint.c's 1-D step on 8 values (in place), descaled by shift. */
    private static void cIslow(int[] d, int shift) {
        int z2 = d[2];
        int z3 = d[6];
        int z1 = (z2 + z3) * 4433;
        int tmp2 = z1 + z3 * -15137;
        int tmp3 = z1 + z2 * 6270;
        int tmp0 = (d[0] + d[4]) << 13;
        int tmp1 = (d[0] - d[4]) << 13;
        int tmp10 = tmp0 + tmp3;
        int tmp13 = tmp0 - tmp3;
        int tmp11 = tmp1 + tmp2;
        int tmp12 = tmp1 - tmp2;
        tmp0 = d[7];
        tmp1 = d[5];
        tmp2 = d[3];
        tmp3 = d[1];
        z1 = tmp0 + tmp3;
        z2 = tmp1 + tmp2;
        z3 = tmp0 + tmp2;
        int z4 = tmp1 + tmp3;
        int z5 = (z3 + z4) * 9633;
        tmp0 *= 2446;
        tmp1 *= 16819;
        tmp2 *= 25172;
        tmp3 *= 12299;
        z1 *= -7373;
        z2 *= -20995;
        z3 = z3 * -16069 + z5;
        z4 = z4 * -3196 + z5;
        tmp0 += z1 + z3;
        tmp1 += z2 + z4;
        tmp2 += z2 + z3;
        tmp3 += z1 + z4;
        int r = 1 << (shift - 1);
        d[0] = (tmp10 + tmp3 + r) >> shift;
        d[7] = (tmp10 - tmp3 + r) >> shift;
        d[1] = (tmp11 + tmp2 + r) >> shift;
        d[6] = (tmp11 - tmp2 + r) >> shift;
        d[2] = (tmp12 + tmp1 + r) >> shift;
        d[5] = (tmp12 - tmp1 + r) >> shift;
        d[3] = (tmp13 + tmp0 + r) >> shift;
        d[4] = (tmp13 - tmp0 + r) >> shift;
    }

    /** jpeg_idct_islow as jidctint.c writes it (its short cuts give what the full steps give). */
    private static int[] cIslow(int[] natural, int[] q) {
        int[] ws = new int[64];
        int[] d = new int[8];
        for (int col = 0; col < 8; col++) {
            for (int r = 0; r < 8; r++) {
                d[r] = natural[8 * r + col] * (short) q[8 * r + col];
            }
            cIslow(d, 11);
            for (int r = 0; r < 8; r++) {
                ws[8 * r + col] = d[r];
            }
        }
        int[] out = new int[64];
        for (int r = 0; r < 8; r++) {
            System.arraycopy(ws, 8 * r, d, 0, 8);
            cIslow(d, 18);
            for (int i = 0; i < 8; i++) {
                out[8 * r + i] = JpegIdct.limit(d[i]);
            }
        }
        return out;
    }

    /**
     * A block as an encoder makes it: 8 x 8 samples (flat, a gradient or noise) through the
     * forward DCT, quantised by q.
     */
    private static int[] block(Random rnd, int[] q) {
        double[] f = new double[64];
        int kind = rnd.nextInt(3);
        int base = rnd.nextInt(256);
        for (int i = 0; i < 64; i++) {
            int v = kind == 0 ? base
                    : kind == 1 ? base + (i & 7) * (rnd.nextInt(9) - 4) + (i >> 3) * 3 : rnd.nextInt(256);
            f[i] = Math.max(0, Math.min(255, v)) - 128;
        }
        int[] natural = new int[64];
        for (int u = 0; u < 8; u++) {
            for (int v = 0; v < 8; v++) {
                double sum = 0;
                for (int y = 0; y < 8; y++) {
                    for (int x = 0; x < 8; x++) {
                        sum += f[8 * y + x] * Math.cos((2 * y + 1) * u * Math.PI / 16)
                                * Math.cos((2 * x + 1) * v * Math.PI / 16);
                    }
                }
                double c = (u == 0 ? Math.sqrt(0.5) : 1) * (v == 0 ? Math.sqrt(0.5) : 1) / 4;
                natural[8 * u + v] = (int) Math.round(c * sum / q[8 * u + v]);
            }
        }
        return natural;
    }

    private static short[] kept(int[] natural, JpegIdct.Layout layout) {
        short[] blocks = new short[3 + layout.block]; // at 3: the kept block need not start at 0
        for (int p = 0; p < 64; p++) {
            int s = layout.slot(p);
            if (s >= 0) {
                blocks[3 + s] = (short) natural[p];
            } else if (natural[p] != 0) {
                blocks[3 + ((layout.tested >>> p & 1) != 0 ? layout.spareTested : layout.spare)] = (short) natural[p];
            }
        }
        return blocks;
    }

    @Test
    public void theSimdArithmeticIsTheCCodesOnUndamagedData() {
        Random rnd = new Random(36);
        int[] ws = new int[64];
        int[] out = new int[64];
        for (int trial = 0; trial < 5000; trial++) {
            int[] q = new int[64];
            for (int i = 0; i < 64; i++) {
                q[i] = 1 + rnd.nextInt(trial % 3 == 0 ? 2 : 100);
            }
            int[] natural = block(rnd, q);
            JpegIdct.Layout four = JpegIdct.layout(4);
            short[] b4 = kept(natural, four);
            boolean unkept = b4[3 + four.spareTested] != 0;
            JpegIdct.idct4x4(b4, 3, q, unkept, ws, out);
            assertArrayEquals("4x4, trial " + trial, c4x4(natural, q), java.util.Arrays.copyOf(out, 16));
            short[] b8 = kept(natural, JpegIdct.layout(8));
            JpegIdct.idctIslow(b8, 3, q, ws, out);
            assertArrayEquals("islow, trial " + trial, cIslow(natural, q), out);
        }
    }

    /** What each size keeps: the rows and columns its IDCT reads, and the spare slots the others go to. */
    @Test
    public void layoutsKeepWhatEachIdctReads() {
        assertEquals(1, JpegIdct.layout(1).block);
        assertEquals(26, JpegIdct.layout(2).block);
        assertEquals(51, JpegIdct.layout(4).block);
        assertEquals(64, JpegIdct.layout(8).block);
        JpegIdct.Layout four = JpegIdct.layout(4);
        assertEquals(-1, four.slot(4)); // column 4
        assertEquals(-1, four.slot(32)); // row 4
        assertEquals(7 + 4, four.slot(8 + 5)); // row 1, column 5
        assertEquals(four.spareTested, four.zigzagSlot(16)); // zigzag 16: row 1, column 4
        assertEquals(four.spare, four.zigzagSlot(14)); // zigzag 14: row 0, column 4, not tested
        assertEquals(four.spare, four.zigzagSlot(10)); // zigzag 10: row 4, column 0
        assertEquals(48, four.zigzagSlot(70)); // past the block's end: position 63, kept
        for (int k = 0; k < 80; k++) {
            assertEquals(JpegIdct.natural(k), JpegIdct.layout(8).zigzagSlot(k));
        }
    }
}
