package io.github.modelparity.preprocess;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.github.modelparity.PictureException;
import io.github.modelparity.picture.Conversion;
import io.github.modelparity.picture.DecodeOptions;
import io.github.modelparity.picture.GreyImage;
import io.github.modelparity.picture.PictureDecoder;
import io.github.modelparity.picture.Pixels;
import io.github.modelparity.picture.TestDecoding;
import io.github.modelparity.picture.png.PngDecoder;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The fast route's large-picture steps on pictures written here by the JDK: JPEG at 1/8 from
 * its DC coefficients, PNG without ImageIO, the box reduction. Parity with Python on phone-size
 * photos is the integration tests' (PreprocessorParityTest).
 */
public class LargePictureTest {
    private static final long MAX = 50_000_000L;

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    /** A smooth colour picture with some texture: not flat, so every block's DC differs. */
    private static BufferedImage photo(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int r = (x * 255 / w + (x * y) % 7) & 255;
                int g = (y * 255 / h + (x + 3 * y) % 5) & 255;
                int b = ((x + y) * 127 / (w + h) + 60) & 255;
                img.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return img;
    }

    private Path jpeg(BufferedImage img, String name, boolean progressive) throws IOException {
        Path p = temp.getRoot().toPath().resolve(name);
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(0.85f);
        if (progressive) {
            param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
        }
        try (ImageOutputStream out = ImageIO.createImageOutputStream(p.toFile())) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(img, null, null), param);
        } finally {
            writer.dispose();
        }
        return p;
    }

    /**
     * For an RGB model, a large grey JPEG still comes at 1/8, its grey repeated (Python's
     * draft("L"), then to_rgb); a large colour one comes at 1/8 in RGB (draft("RGB")), standing
     * for its full size; below the threshold both decode whole.
     */
    @Test
    public void rgbDecodingTakesTheDcRoutesInGreyAndInColour() throws IOException, PictureException {
        DecodeOptions rgb = new DecodeOptions(MAX, 80, 0, 3);
        BufferedImage colour = photo(1280, 968);
        BufferedImage grey = new BufferedImage(1280, 968, BufferedImage.TYPE_BYTE_GRAY);
        grey.getGraphics().drawImage(colour, 0, 0, null);
        Path g = jpeg(grey, "grey.jpg", false);
        Pixels repeated = Preprocessor.decoder().decodeRgb(g, PictureDecoder.readFile(g), rgb);
        GreyImage dc = TestDecoding.decode(g, MAX, 80);
        assertEquals(dc.width(), repeated.width());
        for (int i = 0; i < dc.pixels().length; i++) {
            for (int c = 0; c < 3; c++) {
                assertEquals(dc.pixels()[i], repeated.sample(3 * i + c));
            }
        }
        Path c = jpeg(colour, "colour.jpg", false);
        Pixels eighth = Preprocessor.decoder().decodeRgb(c, PictureDecoder.readFile(c), rgb);
        assertEquals(160, eighth.width());
        assertEquals(121, eighth.height());
        assertEquals(1280, eighth.fullWidth());
        assertEquals(968, eighth.fullHeight());
        // Its luma is the grey route's picture of the same file, within the colour round trip
        GreyImage luma = TestDecoding.decode(c, MAX, 80);
        double total = 0;
        for (int i = 0; i < luma.pixels().length; i++) {
            int y = (19595 * eighth.sample(3 * i) + 38470 * eighth.sample(3 * i + 1)
                    + 7471 * eighth.sample(3 * i + 2) + 32768) >> 16;
            total += Math.abs(y - luma.pixels()[i]);
        }
        assertTrue("mean |luma - grey route| " + total / luma.pixels().length, total / luma.pixels().length < 2);
        Pixels whole = Preprocessor.decoder().decodeRgb(c, PictureDecoder.readFile(c), new DecodeOptions(MAX, 0, 0, 3));
        assertEquals(1280, whole.width());
        assertEquals(968 * 1280 * 3, whole.samples().length);
    }

    @Test
    public void jpegDcIsEachBlocksMeanLuma() throws IOException, PictureException {
        Path p = jpeg(photo(1280, 968), "photo.jpg", false);
        GreyImage dc = TestDecoding.decode(p, MAX, 80);
        assertEquals(160, dc.width());
        assertEquals(121, dc.height()); // ceil(968 / 8)
        GreyImage full = TestDecoding.decode(p, MAX); // the JDK's decoder, every pixel
        double worst = 0;
        double sum = 0;
        for (int by = 0; by < 121 - 1; by++) {
            for (int bx = 0; bx < 160; bx++) {
                double mean = 0;
                for (int y = 0; y < 8; y++) {
                    for (int x = 0; x < 8; x++) {
                        mean += full.get(bx * 8 + x, by * 8 + y) / 64.0;
                    }
                }
                double d = Math.abs(dc.get(bx, by) - mean);
                worst = Math.max(worst, d);
                sum += d;
            }
        }
        // Luma of the decoded RGB is not quite the Y channel (chroma rounding and clipping at
        // sharp colour edges): measured max 8.5, mean 0.28. A block out of place gives tens.
        assertTrue("max " + worst, worst <= 12);
        assertTrue("mean " + sum / (120 * 160), sum / (120 * 160) < 0.6);
    }

    @Test
    public void progressiveAndBaselineHoldTheSameDcCoefficients() throws IOException, PictureException {
        BufferedImage img = photo(700, 650);
        GreyImage base = TestDecoding.decode(jpeg(img, "base.jpg", false), MAX, 80);
        GreyImage prog = TestDecoding.decode(jpeg(img, "prog.jpg", true), MAX, 80);
        assertEquals(88, base.width());
        assertArrayEquals(base.pixels(), prog.pixels());
    }

    @Test
    public void belowTheThresholdJpegsDecodeWhole() throws IOException, PictureException {
        Path p = jpeg(photo(700, 639), "small.jpg", false);
        assertEquals(700, TestDecoding.decode(p, MAX, 80).width());
        assertEquals(88, TestDecoding.decode(jpeg(photo(700, 640), "big.jpg", false), MAX, 80).width());
    }

    @Test
    public void truncatedAndBombJpegsAreOneLineNamingTheFile() throws IOException {
        Path p = jpeg(photo(800, 700), "whole.jpg", false);
        byte[] whole = Files.readAllBytes(p);
        Path cut = temp.getRoot().toPath().resolve("cut.jpg");
        Files.write(cut, Arrays.copyOf(whole, whole.length * 6 / 10));
        assertRefused(cut, "truncated picture");
        // All the data, no EOI: libjpeg-turbo's last fill of its bit buffer stops short of the
        // end, every row comes out, and Pillow accepts this very file (checked); so does Java.
        Files.write(cut, Arrays.copyOf(whole, whole.length - 2));
        assertEquals(100, TestDecoding.decode(cut, MAX, 80).width());
        byte[] bomb = whole.clone();
        for (int i = 0; i + 1 < bomb.length; i++) {
            if ((bomb[i] & 0xFF) == 0xFF && (bomb[i + 1] & 0xFF) == 0xC0) { // SOF0: 10000 x 6000
                bomb[i + 5] = (byte) (6000 >> 8);
                bomb[i + 6] = (byte) 6000;
                bomb[i + 7] = (byte) (10000 >> 8);
                bomb[i + 8] = (byte) 10000;
                break;
            }
        }
        Path b = temp.getRoot().toPath().resolve("bomb.jpg");
        Files.write(b, bomb);
        assertRefused(b, "decompression bomb: 10000x6000");
    }

    private static void assertRefused(Path p, String words) {
        try {
            TestDecoding.decode(p, MAX, 80);
            fail(p + " accepted");
        } catch (PictureException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith(p + ": ") && e.getMessage().contains(words));
            assertTrue(e.getMessage(), !e.getMessage().contains("\n"));
        }
    }

    /** The same photo as an RGB and as a grey PNG, written by ImageIO. */
    private Path[] rgbAndGreyPngs(int w, int h, String prefix) throws IOException {
        BufferedImage rgb = photo(w, h);
        BufferedImage grey = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        grey.getGraphics().drawImage(rgb, 0, 0, null);
        Path[] paths = new Path[2];
        int i = 0;
        for (BufferedImage img : new BufferedImage[] {rgb, grey}) {
            paths[i] = temp.getRoot().toPath().resolve(prefix + img.getType() + ".png");
            ImageIO.write(img, "png", paths[i++].toFile());
        }
        return paths;
    }

    @Test
    public void pngsDecodeAsImageIODoes() throws IOException, PictureException {
        for (Path p : rgbAndGreyPngs(333, 171, "p")) {
            byte[] bytes = Files.readAllBytes(p);
            assertTrue("our PNG reader should take it", new PngDecoder().decode(bytes, p, DecodeOptions.whole(MAX), 1).picture() != null);
            GreyImage ours = TestDecoding.decode(p, MAX);
            assertArrayEquals(PictureDecoder.fromImage(ImageIO.read(p.toFile()), Conversion.OVER_WHITE).pixels(), ours.pixels());
        }
    }

    @Test
    public void largePngsAreBoxSummedWhileDecodedWithTheSameInput() throws IOException, PictureException {
        // 331 x 173 with boxSide 40: f = 4, a 82 x 43 crop from (1, 0) -- odd leftovers on both
        // sides; the sums taken row by row must give the floats of the whole-picture route.
        Preprocessor pre = new Preprocessor(20, 20, MAX);
        for (Path p : rgbAndGreyPngs(331, 173, "box")) {
            byte[] bytes = Files.readAllBytes(p);
            GreyImage boxed = Preprocessor.decoder().decode(p, bytes, new DecodeOptions(MAX, 0, 40));
            assertEquals(4, boxed.box());
            assertEquals(82, boxed.width());
            assertEquals(43, boxed.height());
            GreyImage whole = Preprocessor.decoder().decode(p, bytes, DecodeOptions.whole(MAX));
            assertEquals(1, whole.box());
            assertArrayEquals(pre.toInput(whole), pre.toInput(boxed), 0f);
            assertArrayEquals(pre.toInput(whole), pre.load(p), 0f);
        }
    }

    @Test
    public void boxSumsRefuseToBeTurned() {
        GreyImage sums = new GreyImage(2, 1, new int[] {4, 8}, 2, 4, 2);
        assertEquals(sums, sums.oriented(1));
        try {
            sums.oriented(6);
            fail("turned box sums");
        } catch (IllegalStateException expected) {
            assertTrue(expected.getMessage().contains("upright"));
        }
    }
}
