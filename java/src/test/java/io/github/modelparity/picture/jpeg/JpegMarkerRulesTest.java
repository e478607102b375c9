package io.github.modelparity.picture.jpeg;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.github.modelparity.PictureException;
import io.github.modelparity.picture.DecodeOptions;
import io.github.modelparity.preprocess.Preprocessor;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The causes issue 37 found of Java accepting or refusing a damaged JPEG where Pillow
 * (libjpeg-turbo 3 under Pillow 13) does otherwise, one test each, on small JPEGs ImageIO
 * wrote: marker segments read as jdmarker.c reads them (JPG, DAC, DQT length and precision, an
 * empty frame, table numbers, scan components), what Pillow's own JpegImagePlugin refuses
 * before libjpeg, and the bytes ImageIO gets where it would fail on what libjpeg skips. The
 * JavaScript port (js/src/core/jpeg/) follows the same rules; tests/structfuzz.py's files hold
 * all three languages to Python.
 */
public class JpegMarkerRulesTest {
    private static final Path NAME = Path.of("damaged.jpg");
    private static byte[] grey;
    private static byte[] colour;
    private static byte[] progressive;
    private static int[] greyPixels;

    @BeforeClass
    public static void writeBases() throws IOException, PictureException {
        BufferedImage g = new BufferedImage(48, 40, BufferedImage.TYPE_BYTE_GRAY);
        BufferedImage c = new BufferedImage(48, 40, BufferedImage.TYPE_3BYTE_BGR);
        Random r = new Random(1);
        for (int y = 0; y < 40; y++) {
            for (int x = 0; x < 48; x++) {
                g.getRaster().setSample(x, y, 0, (x * 5 + y * 3 + r.nextInt(40)) & 255);
                c.setRGB(x, y, r.nextInt());
            }
        }
        grey = write(g, false);
        colour = write(c, false);
        progressive = write(g, true);
        greyPixels = decode(grey);
    }

    private static byte[] write(BufferedImage img, boolean progressiveMode) throws IOException {
        ImageWriter w = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam p = w.getDefaultWriteParam();
        if (progressiveMode) {
            p.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream s = new MemoryCacheImageOutputStream(out)) {
            w.setOutput(s);
            w.write(null, new IIOImage(img, null, null), p);
        } finally {
            w.dispose();
        }
        return out.toByteArray();
    }

    /** Through the preprocessing's decoder chain, whole: JpegDc's walk, then ImageIO's pixels. */
    private static int[] decode(byte[] bytes) throws PictureException {
        return Preprocessor.decoder().decode(NAME, bytes, DecodeOptions.whole(50_000_000L)).pixels();
    }

    /** At 1/8 through JpegDc alone (a draft side of 5 makes the 40-pixel side large enough). */
    private static int[] eighth(byte[] bytes) throws PictureException {
        return Preprocessor.decoder().decode(NAME, bytes, new DecodeOptions(50_000_000L, 5, 0)).pixels();
    }

    private static String refusal(byte[] bytes) {
        try {
            decode(bytes);
        } catch (PictureException e) {
            return e.reason();
        }
        fail("accepted, where Pillow refuses");
        return null;
    }

    private static void refused(byte[] bytes, String why) {
        String reason = refusal(bytes);
        assertTrue(reason, reason.contains(why));
    }

    /** Where the first marker {@code code} starts (its FF), walking the segments from SOI. */
    private static int marker(byte[] b, int code) {
        for (int i = 2; i + 3 < b.length; ) {
            int m = b[i + 1] & 0xFF;
            if (m == code) {
                return i;
            }
            if (m == 0xDA) {
                break;
            }
            i += 2 + (((b[i + 2] & 0xFF) << 8) | (b[i + 3] & 0xFF));
        }
        throw new AssertionError("no marker 0x" + Integer.toHexString(code));
    }

    private static byte[] insert(byte[] b, int at, byte[] piece) {
        byte[] out = new byte[b.length + piece.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(piece, 0, out, at, piece.length);
        System.arraycopy(b, at, out, at + piece.length, b.length - at);
        return out;
    }

    private static byte[] bytes(int... v) {
        byte[] out = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (byte) v[i];
        }
        return out;
    }

    private static byte[] withByte(byte[] b, int at, int value) {
        byte[] out = b.clone();
        out[at] = (byte) value;
        return out;
    }

    /** The file with its EOI replaced by {@code tail}: what follows the last row. */
    private static byte[] afterLastRow(byte[] b, byte[] tail) {
        byte[] out = new byte[b.length - 2 + tail.length];
        System.arraycopy(b, 0, out, 0, b.length - 2);
        System.arraycopy(tail, 0, out, b.length - 2, tail.length);
        return out;
    }

    @Test
    public void overTenBlocksAnMcuIsRefusedOnTheGreyRouteToo() {
        int sof = marker(colour, 0xC0);
        byte[] b = colour.clone();
        for (int i = 0; i < 3; i++) {
            b[sof + 11 + 3 * i] = 0x22; // every component 2 x 2: 12 blocks an MCU
        }
        refused(b, "sampling factors too large");
    }

    @Test
    public void aQuantisationTableNumberOverThreeIsRefusedNotMasked() {
        refused(withByte(grey, marker(grey, 0xC0) + 12, 4), "quantisation table 4");
    }

    @Test
    public void aTableAfterTheLastRowIsCheckedAsFarAsTheFileGoes() throws PictureException {
        // a DQT cut short by the file's end: libjpeg suspends, which after the last row is no error
        assertArrayEquals(greyPixels, decode(afterLastRow(grey, bytes(0xFF, 0xDB, 0x00, 0x43, 0x00, 1, 2))));
        // a DHT whose counts say more symbols than its length holds: fatal as soon as read
        byte[] dht = new byte[21];
        dht[0] = (byte) 0xFF;
        dht[1] = (byte) 0xC4;
        dht[3] = 19;
        dht[5] = 5;
        refused(afterLastRow(grey, dht), "bad Huffman table");
        // a second scan header read whole
        refused(afterLastRow(grey, bytes(0xFF, 0xDA, 0, 8, 1, 1, 0, 0, 63, 0)), "second scan");
    }

    @Test
    public void theJpgMarkerIsRefused() {
        refused(insert(grey, 2, bytes(0xFF, 0xC8, 0, 6, 0, 0, 0, 0)), "0xc8");
    }

    @Test
    public void dqtAndDacLengthsAreChecked() throws PictureException {
        int dqt = marker(grey, 0xDB);
        int len = ((grey[dqt + 2] & 0xFF) << 8) | (grey[dqt + 3] & 0xFF);
        byte[] longer = insert(grey, dqt + 2 + len, bytes(0)); // one byte more than its tables
        longer[dqt + 3]++;
        refused(longer, "bad quantisation table");
        refused(insert(grey, 2, bytes(0xFF, 0xCC, 0, 4, 0x20, 0)), "arithmetic-coding table"); // index 32
        refused(insert(grey, 2, bytes(0xFF, 0xCC, 0, 5, 0x00, 0x10, 0)), "arithmetic-coding table"); // odd length
        assertArrayEquals(greyPixels, decode(insert(grey, 2, bytes(0xFF, 0xCC, 0, 4, 0x00, 0x10))));
    }

    @Test
    public void anEmptyFrameIsRefused() {
        int sof = marker(grey, 0xC0);
        refused(withByte(withByte(grey, sof + 7, 0), sof + 8, 0), "an empty image"); // width 0
    }

    @Test
    public void scanComponentsAreMatchedAsLibjpegMatchesThem() {
        int sos = marker(colour, 0xDA);
        assertTrue(colour[sos + 4] == 3 && colour[sos + 5] == 1 && colour[sos + 7] == 2 && colour[sos + 9] == 3);
        refused(withByte(colour, sos + 5, 2), "scan names a component twice"); // ids 2, 2, 3
        byte[] swapped = withByte(withByte(colour, sos + 7, 3), sos + 9, 2); // ids 1, 3, 2
        refused(swapped, "scan names no component");
    }

    @Test
    public void dqtPrecisionAboveOneReadsSixteenBitEntries() throws PictureException {
        int dqt = marker(grey, 0xDB);
        int len = ((grey[dqt + 2] & 0xFF) << 8) | (grey[dqt + 3] & 0xFF);
        assertTrue(len == 67);
        ByteArrayOutputStream wide = new ByteArrayOutputStream();
        wide.write(grey, 0, dqt);
        wide.writeBytes(bytes(0xFF, 0xDB, 0, 2 + 129, 0x20 | (grey[dqt + 4] & 15)));
        for (int i = 0; i < 64; i++) {
            wide.write(0);
            wide.write(grey[dqt + 5 + i]);
        }
        wide.write(grey, dqt + 2 + len, grey.length - dqt - 2 - len);
        assertArrayEquals(greyPixels, decode(wide.toByteArray()));
    }

    @Test
    public void appnAndComSegmentsOfLengthZeroOrOneAreSkippedAsLibjpegSkipsThem() throws PictureException {
        assertArrayEquals(greyPixels, decode(insert(grey, 2, bytes(0xFF, 0xFE, 0, 0))));
        byte[] garbage = "JFIF\0".getBytes(StandardCharsets.US_ASCII);
        assertArrayEquals(greyPixels, decode(insert(grey, 2, insert(bytes(0xFF, 0xE1, 0, 1), 4, garbage))));
        assertArrayEquals(greyPixels, decode(insert(grey, marker(grey, 0xC0), bytes(0xFF, 0xEE, 0, 0, 0x12))));
    }

    @Test
    public void pillowRefusesAJfifOrAdobeSegmentTooShortForItsHeader() throws PictureException {
        refused(insert(grey, 2, bytes(0xFF, 0xE0, 0, 7, 'J', 'F', 'I', 'F', 0)), "too short for its JFIF");
        refused(insert(grey, 2, bytes(0xFF, 0xEE, 0, 8, 'A', 'd', 'o', 'b', 'e', 0)), "too short for its Adobe");
        // a JFXX extension: no check in Pillow, a failure in ImageIO's parser
        assertArrayEquals(greyPixels, decode(insert(grey, 2, bytes(0xFF, 0xE0, 0, 7, 'J', 'F', 'X', 'X', 0))));
    }

    @Test
    public void pillowRefusesATemMarkerBeforeTheScanThatLibjpegSkips() throws PictureException {
        refused(insert(grey, 2, bytes(0xFF, 0x01, 0, 4, 'a', 'b')), "no marker found");
        assertArrayEquals(greyPixels, decode(afterLastRow(grey, bytes(0xFF, 0x01, 0xFF, 0xD9)))); // after it: libjpeg's
    }

    @Test
    public void aJfifSegmentMakesThreeComponentsYcbcrWhateverAnAdobeTransformSays() throws PictureException {
        byte[] adobe = bytes(0xFF, 0xEE, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0); // transform 0
        assertTrue(colour[2] == (byte) 0xFF && colour[3] == (byte) 0xE0); // ImageIO's JFIF first
        DecodeOptions rgb = new DecodeOptions(50_000_000L, 0, 0, 3);
        assertArrayEquals(Preprocessor.decoder().decodeRgb(NAME, colour, rgb).samples(),
                Preprocessor.decoder().decodeRgb(NAME, insert(colour, marker(colour, 0xC0), adobe), rgb).samples());
    }

    @Test
    public void aSequentialScansSpectralSelectionIsOnlyWarnedAbout() throws PictureException {
        int sos = marker(grey, 0xDA);
        byte[] b = withByte(grey, sos + 7, 6); // Ss 6 in a baseline scan
        assertArrayEquals(greyPixels, decode(b));
        assertArrayEquals(eighth(grey), eighth(b));
    }

    @Test
    public void framesPastLibjpegsMaximumDimensionAreRefused() {
        int sof = marker(grey, 0xC0);
        refused(withByte(withByte(grey, sof + 5, 0xFF), sof + 6, 0xFF), "maximum supported image dimension");
    }

    @Test
    public void aLosslessFrameWithSequentialScanParametersIsRefused() {
        refused(withByte(grey, marker(grey, 0xC0) + 1, 0xC3), "bad lossless scan parameters");
    }

    @Test
    public void aProgressiveScanHasNoStandardHuffmanTables() {
        // the first AC scan (Ss > 0) made to use AC table 1, which the grey file never defines
        byte[] b = progressive.clone();
        for (int i = 2; i + 9 < b.length; i++) {
            if ((b[i] & 0xFF) == 0xFF && (b[i + 1] & 0xFF) == 0xDA && b[i + 4] == 1 && b[i + 7] != 0) {
                b[i + 6] = 0x01;
                refused(b, "Huffman table that is missing");
                return;
            }
        }
        fail("no AC scan");
    }

    @Test
    public void cutsAfterTheLastRowGiveImageIoTheRowsAlone() throws PictureException {
        // a table after the rows cut short: libjpeg suspends there, which Pillow accepts
        assertArrayEquals(greyPixels, decode(afterLastRow(grey, bytes(0xFF, 0xC4, 0, 40, 0x10))));
    }
}
