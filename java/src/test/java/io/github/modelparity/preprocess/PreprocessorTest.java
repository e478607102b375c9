package io.github.modelparity.preprocess;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.github.modelparity.PictureException;
import io.github.modelparity.manifest.Recipe;
import io.github.modelparity.picture.GreyImage;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Java preprocessing against the spec's formulas, on pictures made here (no Python needed). */
public class PreprocessorTest {
    private static final Preprocessor PRE = new Preprocessor(40, 40, 50_000_000L);

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    // ---- odd pictures made here, checked against the spec's integer formulas ----

    private static int pattern(int x, int y) {
        return (x * 37 + y * 11 + x * y) % 256;
    }

    private float[] expectedInput(int[][] grey) {
        int h = grey.length;
        int w = grey[0].length;
        int[] flat = new int[w * h];
        for (int y = 0; y < h; y++) {
            System.arraycopy(grey[y], 0, flat, y * w, w);
        }
        return PRE.toInput(new GreyImage(w, h, flat));
    }

    private Path save(BufferedImage img, String name) throws IOException {
        Path p = temp.getRoot().toPath().resolve(name);
        assertTrue("no writer for " + name, ImageIO.write(img, name.substring(name.lastIndexOf('.') + 1), p.toFile()));
        return p;
    }

    /**
     * The expected grey, computed apart from the code under test: ITU-R 601-2 luma with the
     * decoder's fixed-point weights (/65536) in double arithmetic, rounded half up, where
     * PictureDecoder shifts integers.
     */
    private static int luma(int r, int g, int b) {
        return (int) Math.floor((19595.0 * r + 38470.0 * g + 7471.0 * b) / 65536.0 + 0.5);
    }

    /** Alpha over white in double arithmetic, rounded to the nearest level. */
    private static int overWhite(int grey, int alpha) {
        double a = alpha / 255.0;
        return (int) Math.rint(grey * a + 255.0 * (1.0 - a));
    }

    @Test
    public void sixteenBitGrey() throws IOException {
        BufferedImage img = new BufferedImage(40, 40, BufferedImage.TYPE_USHORT_GRAY);
        int[][] expected = new int[40][40];
        for (int y = 0; y < 40; y++) {
            for (int x = 0; x < 40; x++) {
                int v = (pattern(x, y) * 257 + x * 3) & 0xffff;
                img.getRaster().setSample(x, y, 0, v);
                expected[y][x] = (int) (((long) v * 255 + 32767) / 65535);
            }
        }
        assertArrayEquals(expectedInput(expected), PRE.load(save(img, "grey16.png")), 0f);
    }

    @Test
    public void paletteWithTransparencyGoesOverWhite() throws IOException {
        byte[] r = new byte[16];
        byte[] g = new byte[16];
        byte[] b = new byte[16];
        byte[] a = new byte[16];
        for (int i = 0; i < 16; i++) {
            r[i] = (byte) (i * 16);
            g[i] = (byte) (255 - i * 16);
            b[i] = (byte) ((i * 40) % 256);
            a[i] = (byte) (i == 3 ? 0 : i == 5 ? 128 : 255);
        }
        IndexColorModel cm = new IndexColorModel(8, 16, r, g, b, a);
        BufferedImage img = new BufferedImage(48, 32, BufferedImage.TYPE_BYTE_INDEXED, cm);
        int[][] expected = new int[32][48];
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 48; x++) {
                int i = pattern(x, y) % 16;
                img.getRaster().setSample(x, y, 0, i);
                int l = luma(i * 16, 255 - i * 16, (i * 40) % 256);
                expected[y][x] = overWhite(l, a[i] & 255);
            }
        }
        assertArrayEquals(expectedInput(expected), PRE.load(save(img, "palette.png")), 0f);
    }

    @Test
    public void rgbaAndGreyAlpha() throws IOException {
        BufferedImage rgba = new BufferedImage(44, 36, BufferedImage.TYPE_4BYTE_ABGR);
        int[][] expected = new int[36][44];
        for (int y = 0; y < 36; y++) {
            for (int x = 0; x < 44; x++) {
                int r = pattern(x, y);
                int g = pattern(y, x);
                int b = (x * 5) % 256;
                int al = (x * 6) % 256;
                WritableRaster ras = rgba.getRaster();
                ras.setSample(x, y, 0, r);
                ras.setSample(x, y, 1, g);
                ras.setSample(x, y, 2, b);
                ras.setSample(x, y, 3, al);
                expected[y][x] = overWhite(luma(r, g, b), al);
            }
        }
        assertArrayEquals(expectedInput(expected), PRE.load(save(rgba, "rgba.png")), 0f);

        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY),
                true, false, Transparency.TRANSLUCENT, DataBuffer.TYPE_BYTE);
        BufferedImage la = new BufferedImage(cm, cm.createCompatibleWritableRaster(40, 40), false, null);
        int[][] expectedLa = new int[40][40];
        for (int y = 0; y < 40; y++) {
            for (int x = 0; x < 40; x++) {
                la.getRaster().setSample(x, y, 0, pattern(x, y));
                la.getRaster().setSample(x, y, 1, pattern(x, 39 - y));
                expectedLa[y][x] = overWhite(pattern(x, y), pattern(x, 39 - y));
            }
        }
        // Grey is read from the raster's samples, never colour-converted by getRGB.
        assertArrayEquals(expectedInput(expectedLa), PRE.load(save(la, "grey_alpha.png")), 0f);
        assertArrayEquals(expectedInput(expectedLa), PRE.fromImage(la), 0f);
    }

    /**
     * The faithful route converts as Pillow's convert("L") and convert("RGB"): alpha dropped,
     * a palette's alpha too, 16-bit grey clipped to 255; pictures of the model's size are not
     * resized, so the input is each value / 255.
     */
    @Test
    public void faithfulRouteDropsAlphaAndClipsSixteenBitGrey() throws IOException {
        Preprocessor grey = new Preprocessor(50_000_000L, faithful(1));
        Preprocessor rgb = new Preprocessor(50_000_000L, faithful(3));
        BufferedImage rgba = new BufferedImage(40, 40, BufferedImage.TYPE_4BYTE_ABGR);
        BufferedImage sixteen = new BufferedImage(40, 40, BufferedImage.TYPE_USHORT_GRAY);
        byte[] pr = new byte[16];
        byte[] pg = new byte[16];
        byte[] pb = new byte[16];
        byte[] pa = new byte[16];
        for (int i = 0; i < 16; i++) {
            pr[i] = (byte) (i * 16);
            pg[i] = (byte) (255 - i * 16);
            pb[i] = (byte) ((i * 40) % 256);
            pa[i] = (byte) (i % 3 == 0 ? 0 : 255);
        }
        BufferedImage palette = new BufferedImage(40, 40, BufferedImage.TYPE_BYTE_INDEXED,
                new IndexColorModel(8, 16, pr, pg, pb, pa));
        float[] rgbaGrey = new float[40 * 40];
        float[] rgbaRgb = new float[40 * 40 * 3];
        float[] sixteenGrey = new float[40 * 40];
        float[] sixteenRgb = new float[40 * 40 * 3];
        float[] paletteRgb = new float[40 * 40 * 3];
        for (int y = 0; y < 40; y++) {
            for (int x = 0; x < 40; x++) {
                int i = y * 40 + x;
                int[] c = {pattern(x, y), pattern(y, x), (x * 6) % 256};
                for (int k = 0; k < 3; k++) {
                    rgba.getRaster().setSample(x, y, k, c[k]);
                    rgbaRgb[3 * i + k] = (float) (c[k] * (1 / 255.0));
                }
                rgba.getRaster().setSample(x, y, 3, (x * y) % 256);
                rgbaGrey[i] = (float) (luma(c[0], c[1], c[2]) * (1 / 255.0));
                int v = (pattern(x, y) * 3 + y) & 0x3ff; // a quarter above 255
                sixteen.getRaster().setSample(x, y, 0, v);
                sixteenGrey[i] = (float) (Math.min(v, 255) * (1 / 255.0));
                int p = pattern(x, y) % 16;
                palette.getRaster().setSample(x, y, 0, p);
                int[] entry = {pr[p] & 255, pg[p] & 255, pb[p] & 255};
                for (int k = 0; k < 3; k++) {
                    sixteenRgb[3 * i + k] = sixteenGrey[i];
                    paletteRgb[3 * i + k] = (float) (entry[k] * (1 / 255.0));
                }
            }
        }
        assertArrayEquals(rgbaGrey, grey.load(save(rgba, "rgba.png")), 0f);
        assertArrayEquals(rgbaRgb, rgb.load(save(rgba, "rgba.png")), 0f);
        assertArrayEquals(rgbaRgb, rgb.fromImage(rgba), 0f);
        assertArrayEquals(sixteenGrey, grey.load(save(sixteen, "grey16.png")), 0f);
        assertArrayEquals(sixteenRgb, rgb.load(save(sixteen, "grey16.png")), 0f);
        assertArrayEquals(paletteRgb, rgb.load(save(palette, "palette.png")), 0f);
    }

    private static Recipe faithful(int channels) {
        return new Recipe(channels, true, new Recipe.Size(40, 40, 0), Resize.BILINEAR, false, null, true,
                1 / 255.0, false, new float[0], new float[0], 2, true, false, Recipe.DRAFT_SCALES);
    }

    @Test
    public void bilevelIsBlackAndWhite() throws IOException {
        BufferedImage img = new BufferedImage(40, 40, BufferedImage.TYPE_BYTE_BINARY);
        int[][] expected = new int[40][40];
        for (int y = 0; y < 40; y++) {
            for (int x = 0; x < 40; x++) {
                int bit = pattern(x, y) > 100 ? 1 : 0;
                img.getRaster().setSample(x, y, 0, bit);
                expected[y][x] = bit * 255;
            }
        }
        assertArrayEquals(expectedInput(expected), PRE.load(save(img, "bilevel.png")), 0f);
    }

    @Test
    public void fromImageEqualsFromFile() throws IOException {
        BufferedImage img = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 48; y++) {
            for (int x = 0; x < 64; x++) {
                img.setRGB(x, y, pattern(x, y) << 16 | pattern(y, x) << 8 | (x * 3));
            }
        }
        assertArrayEquals(PRE.load(save(img, "rgb.png")), PRE.fromImage(img), 0f);
    }

    /** PIL.ImageOps.exif_transpose for each Orientation value, on a 3-wide, 2-high picture. */
    @Test
    public void exifOrientations() {
        GreyImage g = new GreyImage(3, 2, new int[] {1, 2, 3, 4, 5, 6});
        int[][] expected = {
            null, {1, 2, 3, 4, 5, 6},
            {3, 2, 1, 6, 5, 4},   // 2 mirror
            {6, 5, 4, 3, 2, 1},   // 3 rotate 180
            {4, 5, 6, 1, 2, 3},   // 4 flip
            {1, 4, 2, 5, 3, 6},   // 5 transpose
            {4, 1, 5, 2, 6, 3},   // 6 rotate 90 clockwise
            {6, 3, 5, 2, 4, 1},   // 7 transverse
            {3, 6, 2, 5, 1, 4},   // 8 rotate 90 counter-clockwise
        };
        for (int o = 1; o <= 8; o++) {
            GreyImage t = g.oriented(o);
            assertArrayEquals("orientation " + o, expected[o], t.pixels());
            assertEquals(o >= 5 ? 2 : 3, t.width());
        }
    }

    @Test
    public void resizeKeepsConstantsAndSkipsSameSize() {
        float[] c = new float[123 * 77];
        java.util.Arrays.fill(c, 200f);
        float[] r = Resize.resize(c, 123, 77, 1, 40, 40, Resize.BILINEAR);
        for (float v : r) {
            assertEquals(200f, v, 1e-4f);
        }
        float[] same = {1, 2, 3, 4};
        assertArrayEquals(same, Resize.resize(same, 2, 2, 1, 2, 2, Resize.BILINEAR), 0f);
    }

    @Test
    public void pillowBilinearCoefficients() {
        // Pillow precompute_coeffs for 80 -> 40 (scale 2, support 2): output 0 is centred at
        // 1.0, x in [0, 3) with raw weights 0.75, 0.75, 0.25 before normalising.
        Resize.Coefficients k = new Resize.Coefficients(80, 40);
        assertEquals(0, k.start[0]);
        assertArrayEquals(new double[] {3.0 / 7, 3.0 / 7, 1.0 / 7}, k.weights[0], 1e-12);
        assertEquals(1, k.start[1]);
        assertArrayEquals(new double[] {0.125, 0.375, 0.375, 0.125}, k.weights[1], 1e-12);
        List<Double> sums = new ArrayList<>();
        for (double[] w : k.weights) {
            sums.add(java.util.Arrays.stream(w).sum());
        }
        for (double s : sums) {
            assertEquals(1.0, s, 1e-12);
        }
    }

    // ---- bytes read elsewhere (a distributed file system) decode as the file does ----

    @Test
    public void bytesGiveTheSameInputAsTheFile() throws Exception {
        BufferedImage img = new BufferedImage(53, 31, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 31; y++) {
            for (int x = 0; x < 53; x++) {
                img.setRGB(x, y, (pattern(x, y) << 16) | (pattern(y, x) << 8) | pattern(x + 3, y));
            }
        }
        Path file = save(img, "colour.png");
        float[] fromBytes = PRE.load("hdfs://cluster/photos/colour.png", Files.readAllBytes(file));
        assertArrayEquals(PRE.load(file), fromBytes, 0f);
    }

    @Test
    public void badBytesNameThePictureAsGiven() throws Exception {
        PictureException empty = assertThrows(PictureException.class, () -> PRE.load("file:/x/empty.jpg", new byte[0]));
        assertEquals("file:/x/empty.jpg", empty.path());
        assertEquals("file:/x/empty.jpg: empty file", empty.getMessage());
        PictureException text = assertThrows(PictureException.class,
                () -> PRE.load("s3a://b/notes.png", "not a picture".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertEquals("not a picture Java can read", text.reason());
    }
}
