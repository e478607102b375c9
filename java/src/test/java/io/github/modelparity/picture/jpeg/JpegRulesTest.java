package io.github.modelparity.picture.jpeg;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.fail;

import io.github.modelparity.PictureException;
import io.github.modelparity.picture.DecodeOptions;
import io.github.modelparity.preprocess.Preprocessor;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The JPEG rules of {@link JpegDc}'s Javadoc, one test each, on a 48 x 40 grey JPEG that
 * ImageIO wrote. Each answer was checked against Python: the same damage to a Pillow-written
 * JPEG, through python.data.pictures.load_image (Pillow 12, libjpeg-turbo), is accepted or
 * refused alike.
 */
public class JpegRulesTest {
    private static final Path NAME = Path.of("damaged.jpg");
    private static byte[] base;
    private static int[] basePixels;

    @BeforeClass
    public static void writeBase() throws IOException, PictureException {
        BufferedImage img = new BufferedImage(48, 40, BufferedImage.TYPE_BYTE_GRAY);
        Random r = new Random(0);
        for (int y = 0; y < 40; y++) {
            for (int x = 0; x < 48; x++) {
                img.getRaster().setSample(x, y, 0, r.nextInt(256));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "jpeg", out);
        base = out.toByteArray();
        basePixels = decode(base);
    }

    /** Through the preprocessing's decoder chain: JpegDc's walk, then ImageIO's pixels. */
    private static int[] decode(byte[] bytes) throws PictureException {
        return Preprocessor.decoder().decode(NAME, bytes, DecodeOptions.whole(50_000_000L)).pixels();
    }

    private static String refusal(byte[] bytes) {
        try {
            decode(bytes);
        } catch (PictureException e) {
            return e.reason();
        }
        fail("accepted");
        return null;
    }

    /** The bytes with {@code inserted} just after SOI. */
    private static byte[] afterSoi(byte[] inserted) {
        byte[] out = new byte[base.length + inserted.length];
        System.arraycopy(base, 0, out, 0, 2);
        System.arraycopy(inserted, 0, out, 2, inserted.length);
        System.arraycopy(base, 2, out, 2 + inserted.length, base.length - 2);
        return out;
    }

    private static int sos() {
        for (int i = 2; i + 1 < base.length; ) {
            int m = base[i + 1] & 0xFF;
            if (m == 0xDA) {
                return i;
            }
            i += 2 + (((base[i + 2] & 0xFF) << 8) | (base[i + 3] & 0xFF));
        }
        throw new AssertionError("no SOS");
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    /** Rule 1: a reserved marker (here 0xF0) or a second SOI before the scan is fatal. */
    @Test
    public void rule1ReservedMarkersAndASecondSoiAreFatal() {
        String reserved = refusal(afterSoi(bytes(0xFF, 0xF0, 0x00, 0x04, 'a', 'b')));
        assertEquals("unreadable picture (corrupt JPEG data: marker 0xf0 where libjpeg allows none)", reserved);
        String soi = refusal(afterSoi(bytes(0xFF, 0xD8)));
        assertEquals("unreadable picture (corrupt JPEG data: marker 0xd8 where libjpeg allows none)", soi);
    }

    /**
     * Rule 2: APPn and COM with a length under 2 are skipped (libjpeg skips length - 2 bytes:
     * none). Asserted on the walk itself: the JDK's ImageIO reader, which decodes a JPEG this
     * small, then refuses such a file in its own marker parser ("-2"), where Pillow accepts it.
     */
    @Test
    public void rule2ShortAppAndComSegmentsAreSkipped() throws PictureException {
        int[] dc = walked(base);
        assertArrayEquals(dc, walked(afterSoi(bytes(0xFF, 0xFE, 0x00, 0x00))));
        assertArrayEquals(dc, walked(afterSoi(bytes(0xFF, 0xE1, 0x00, 0x01))));
    }

    /** JpegDc's one read: the header walk, then the 1/8-scale luma. */
    private static int[] walked(byte[] bytes) throws PictureException {
        JpegDc jpeg = new JpegDc(bytes, NAME);
        assertNotEquals(null, jpeg.headers());
        return jpeg.pixels(8).pixels();
    }

    /** Rule 3: data that runs out inside the scan, before the last row, is a truncated picture. */
    @Test
    public void rule3DataEndingInsideTheScanIsTruncated() {
        int sos = sos();
        byte[] cut = java.util.Arrays.copyOf(base, sos + (base.length - sos) / 2);
        assertEquals("truncated picture", refusal(cut));
    }

    /** Rule 4: a segment whose length runs past the end of the file refuses it. */
    @Test
    public void rule4ASegmentCutShortRefusesTheFile() {
        byte[] cut = java.util.Arrays.copyOf(base, sos() - 10);
        assertNotEquals(null, refusal(cut));
    }

    /** Rule 5: after the last row of a single-scan JPEG, trailing garbage is no error. */
    @Test
    public void rule5TrailingGarbageAfterTheImageIsNoError() throws PictureException {
        byte[] garbage = "garbage".repeat(10).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] longer = java.util.Arrays.copyOf(base, base.length + garbage.length);
        System.arraycopy(garbage, 0, longer, base.length, garbage.length);
        assertArrayEquals(basePixels, decode(longer));
    }
}
