package io.github.modelparity.preprocess;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

/**
 * Pillow 13's Image.resize(..., reducing_gap=None) on small seeded pictures, its output written
 * here (numpy's default_rng(7) and (11)): enlarging and shrinking, one pass and two in either
 * order, bilinear and bicubic, RGB and grey. Every two-pass case here gives another picture in
 * the other order. The integration tests hold the rest (RecipeParityTest).
 */
public class PillowResizeTest {
    /** default_rng(7).integers(0, 256, size=(5, 6, 3)): RGB, 6 wide, 5 high. */
    private static final int[] RGB = {139, 74, 229, 241, 169, 65, 6, 160, 149, 106, 38, 175, 188, 205, 175, 229, 98,
        249, 10, 148, 95, 86, 147, 198, 66, 39, 106, 213, 171, 45, 167, 57, 69, 81, 55, 14, 153, 178, 215, 76, 52, 39,
        250, 72, 215, 50, 161, 223, 112, 172, 161, 233, 38, 17, 89, 1, 221, 6, 242, 127, 143, 6, 60, 210, 94, 25, 166,
        33, 249, 189, 12, 204, 33, 57, 124, 30, 199, 149, 202, 119, 72, 220, 3, 209, 122, 136, 147, 77, 133, 82};
    /** The same generator's next draw, size=(4, 5): grey, 5 wide, 4 high. */
    private static final int[] GREY = {162, 230, 70, 71, 240, 62, 47, 184, 31, 34, 63, 65, 146, 197, 142, 253, 81, 133,
        240, 113};

    @Test
    public void bicubicBothPassesIsPillows() {
        assertResized(RGB, 6, 5, 3, 4, 7, Resize.BICUBIC, new int[] {194, 105, 170, 90, 158, 115, 113, 102, 181, 226,
            147, 235, 96, 134, 149, 80, 117, 127, 167, 111, 96, 153, 89, 116, 47, 152, 134, 108, 75, 145, 168, 137, 88,
            122, 55, 23, 120, 133, 146, 177, 64, 152, 82, 167, 215, 193, 85, 64, 74, 102, 185, 117, 89, 86, 166, 89,
            127, 191, 25, 200, 35, 100, 170, 116, 121, 80, 204, 49, 128, 138, 67, 185, 21, 112, 132, 152, 142, 110,
            195, 49, 186, 83, 147, 96});
        assertResized(GREY, 5, 4, 1, 3, 9, Resize.BICUBIC, new int[] {208, 98, 178, 179, 102, 148, 110, 113, 74, 53,
            124, 33, 42, 134, 92, 57, 141, 164, 106, 144, 179, 164, 143, 172, 188, 143, 171});
    }

    /** default_rng(11).integers(0, 256, size=(9, 4)): grey, 4 wide, 9 high. */
    private static final int[] TALL = {78, 204, 64, 34, 16, 250, 233, 32, 103, 122, 13, 204, 138, 172, 208, 127, 124,
        100, 12, 151, 222, 203, 251, 153, 211, 235, 80, 182, 176, 41, 88, 7, 141, 241, 73, 124};

    /** Pillow 13 runs the vertical pass first where the height loses over twice what the width loses. */
    @Test
    public void thePassesComeInPillow13sOrder() {
        assertTrue(PillowResize.verticalFirst(4, 9, 6, 3));
        assertResized(TALL, 4, 9, 1, 6, 3, Resize.BILINEAR, new int[] {69, 133, 186, 144, 110, 87, 156, 156, 149, 123,
            136, 155, 182, 171, 150, 113, 101, 98});
        assertTrue(PillowResize.verticalFirst(4, 9, 3, 4));
        assertResized(TALL, 4, 9, 1, 3, 4, Resize.BICUBIC, new int[] {97, 178, 74, 125, 125, 141, 195, 159, 148, 171,
            117, 78});
        assertFalse(PillowResize.verticalFirst(4, 9, 1, 7)); // 2 rows lost, 3 columns: horizontal first
        assertResized(TALL, 4, 9, 1, 1, 7, Resize.BICUBIC, new int[] {113, 127, 142, 116, 205, 115, 126});
        assertFalse(PillowResize.verticalFirst(4, 9, 2, 8));
        assertResized(TALL, 4, 9, 1, 2, 8, Resize.BILINEAR, new int[] {133, 83, 135, 139, 121, 130, 134, 130, 164, 149,
            208, 166, 130, 72, 164, 108});
        assertFalse(PillowResize.verticalFirst(4, 9, 4, 3)); // one pass only
    }

    @Test
    public void bilinearBothPassesIsPillows() {
        assertResized(RGB, 6, 5, 3, 9, 3, Resize.BILINEAR, new int[] {84, 106, 172, 130, 133, 147, 151, 151, 124, 56,
            117, 129, 92, 102, 125, 157, 103, 121, 174, 134, 128, 173, 111, 139, 166, 80, 148, 107, 132, 190, 85, 124,
            142, 83, 104, 104, 165, 61, 146, 154, 99, 148, 124, 143, 143, 134, 121, 156, 163, 76, 109, 189, 36, 58, 57,
            33, 166, 39, 125, 153, 46, 193, 128, 151, 95, 79, 197, 57, 99, 203, 50, 140, 154, 84, 181, 133, 87, 163,
            125, 81, 134});
    }

    @Test
    public void onlyTheVerticalPassWhenTheWidthIsKept() {
        assertResized(RGB, 6, 5, 3, 6, 2, Resize.BICUBIC, new int[] {91, 128, 173, 137, 133, 113, 87, 85, 147, 137,
            125, 127, 162, 133, 131, 172, 62, 100, 81, 65, 182, 26, 181, 118, 191, 57, 100, 179, 82, 132, 137, 97, 190,
            156, 59, 110});
    }

    @Test
    public void theSameSizeIsACopy() {
        byte[] in = bytes(GREY);
        byte[] out = PillowResize.resize(in, 5, 4, 1, 5, 4, Resize.BICUBIC);
        assertArrayEquals(in, out);
    }

    /**
     * The resize from the stored picture is the resize of the upright RGB picture, byte for
     * byte: every orientation, grey and RGB, both filters, one pass or two in either order,
     * enlarging and shrinking, on seeded random pictures.
     */
    @Test
    public void resizingTheStoredPictureIsResizingTheUprightOne() {
        java.util.Random random = new java.util.Random(36);
        int[][] sizes = {{37, 23}, {23, 37}, {9, 4}, {4, 9}, {31, 31}};
        int cases = 0;
        for (int[] size : sizes) {
            int w = size[0];
            int h = size[1];
            for (int channels : new int[] {1, 3}) {
                byte[] stored = new byte[w * h * channels];
                random.nextBytes(stored);
                for (int o = 1; o <= 8; o++) {
                    io.github.modelparity.picture.StoredPixels s = new io.github.modelparity
                            .picture.StoredPixels(new io.github.modelparity.picture.Pixels(w, h, channels,
                            stored.clone()), o);
                    io.github.modelparity.picture.Pixels upright = s.upright();
                    int uw = upright.width();
                    int uh = upright.height();
                    int[][] targets = {{uw / 3, uh / 2}, {uw, uh / 4 + 1}, {uw / 2 + 1, uh}, {uw * 2, uh + 3},
                        {uw - 1, 2}, {uw + 5, uh * 3}, {3, uh - 2}};
                    for (int[] t : targets) {
                        if (t[0] == uw && t[1] == uh) {
                            continue;
                        }
                        for (int filter : new int[] {Resize.BILINEAR, Resize.BICUBIC}) {
                            byte[] expected = PillowResize.resize(upright.samples(), uw, uh, 3, t[0], t[1], filter);
                            byte[] got = PillowResize.resizeStored(stored, w, h, channels, o, t[0], t[1], filter);
                            assertArrayEquals(w + "x" + h + "x" + channels + " orientation " + o + " to " + t[0] + "x"
                                    + t[1] + " filter " + filter, expected, got);
                            cases++;
                        }
                    }
                }
            }
        }
        assertTrue(cases > 700);
    }

    private static void assertResized(int[] in, int w, int h, int channels, int outW, int outH, int filter,
                                      int[] pillows) {
        assertArrayEquals(bytes(pillows), PillowResize.resize(bytes(in), w, h, channels, outW, outH, filter));
    }

    private static byte[] bytes(int[] values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }
}
