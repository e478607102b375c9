package io.github.modelparity.picture;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.junit.Assume.assumeTrue;

import io.github.modelparity.PictureException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** A picture file is opened once; "truncated" comes from what the decoder read, not its words. */
public class PictureDecoderTest {
    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private static BufferedImage noise(int width, int height) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Random r = new Random(7);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                img.setRGB(x, y, r.nextInt());
            }
        }
        return img;
    }

    private static byte[] encode(BufferedImage img, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue("no ImageIO writer for " + format, ImageIO.write(img, format, out));
        return out.toByteArray();
    }

    /** A JPEG with an EXIF APP1 segment right after SOI holding Orientation 6 (rotate 90 clockwise). */
    private static byte[] jpegWithOrientation6(BufferedImage img) throws IOException {
        byte[] jpeg = encode(img, "jpeg");
        byte[] tiff = {'I', 'I', 42, 0, 8, 0, 0, 0, // little-endian TIFF header, IFD0 at 8
            1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0, // one entry: 0x0112 SHORT x1 = 6
            0, 0, 0, 0}; // no next IFD
        byte[] exif = new byte[6 + tiff.length];
        System.arraycopy("Exif\0\0".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), 0, exif, 0, 6);
        System.arraycopy(tiff, 0, exif, 6, tiff.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2); // SOI
        out.write(0xFF);
        out.write(0xE1);
        out.write((exif.length + 2) >> 8);
        out.write((exif.length + 2) & 0xFF);
        out.write(exif, 0, exif.length);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    /**
     * A picture that can be read only once, a named pipe: the decoder gets its pixels, its EXIF
     * orientation and its size from one read. When each file was opened three times (size,
     * pixels, EXIF), the pipe's size read as 0 ("empty file"), and a second open would wait for
     * a writer that never comes.
     */
    @Test(timeout = 30_000)
    public void aPictureThatCanBeReadOnlyOnceDecodesWithItsOrientation() throws Exception {
        byte[] bytes = jpegWithOrientation6(noise(12, 8));
        Path file = temp.getRoot().toPath().resolve("rotated.jpg");
        Files.write(file, bytes);
        GreyImage fromFile = TestDecoding.decode(file, 1_000_000);
        assertEquals("orientation 6 turns 12x8 upright to 8x12", 8, fromFile.width());
        assertEquals(12, fromFile.height());

        Path pipe = temp.getRoot().toPath().resolve("pipe.jpg");
        Process mkfifo;
        try {
            mkfifo = new ProcessBuilder("mkfifo", pipe.toString()).inheritIO().start();
        } catch (IOException e) {
            assumeTrue("no mkfifo here: " + e.getMessage(), false);
            return;
        }
        assumeTrue("mkfifo failed", mkfifo.waitFor() == 0);
        Thread writer = new Thread(() -> {
            try {
                Files.write(pipe, bytes); // blocks until a reader opens the pipe
            } catch (IOException e) {
                // the reader went away: the assertions below say what happened
            }
        }, "pipe-writer");
        writer.setDaemon(true);
        writer.start();
        try {
            GreyImage fromPipe = TestDecoding.decode(pipe, 1_000_000);
            assertEquals(fromFile.width(), fromPipe.width());
            assertEquals(fromFile.height(), fromPipe.height());
            assertArrayEquals(fromFile.pixels(), fromPipe.pixels());
        } finally {
            // A writer that finished may still look alive for a moment, and opening the pipe
            // then blocks for ever (no writer left): wait for it first, and drain only from a
            // daemon thread, so the test can never hang on its own clean-up.
            writer.join(5000);
            if (writer.isAlive()) { // the decoder never opened the pipe: release the writer
                Thread drain = new Thread(() -> {
                    try (InputStream in = Files.newInputStream(pipe)) {
                        in.readAllBytes();
                    } catch (IOException e) {
                        // nothing to release
                    }
                }, "pipe-drain");
                drain.setDaemon(true);
                drain.start();
            }
        }
    }

    /**
     * The faithful route's stored pixels are the RGB route's upright ones once turned: an
     * EXIF-rotated colour JPEG (read in place, BGR swapped), a grey JPEG (one channel), a PNG
     * and a palette GIF (converted), under Pillow's conversion.
     */
    @Test
    public void storedPixelsTurnedAreTheUprightOnes() throws IOException, PictureException {
        PictureDecoder decoder = new PictureDecoder(java.util.List.of());
        BufferedImage grey = new BufferedImage(13, 9, BufferedImage.TYPE_BYTE_GRAY);
        grey.getGraphics().drawImage(noise(13, 9), 0, 0, null);
        BufferedImage palette = new BufferedImage(13, 9, BufferedImage.TYPE_BYTE_INDEXED);
        palette.getGraphics().drawImage(noise(13, 9), 0, 0, null);
        byte[][] files = {jpegWithOrientation6(noise(12, 8)), encode(grey, "jpeg"), encode(noise(7, 5), "png"),
            encode(palette, "gif")};
        int[] channels = {3, 1, 3, 3};
        int[] orientations = {6, 1, 1, 1};
        DecodeOptions options = DecodeOptions.faithful(1_000_000, 3);
        for (int i = 0; i < files.length; i++) {
            Path p = Path.of("picture" + i);
            StoredPixels stored = decoder.decodeRgbStored(p, files[i], options);
            assertEquals(p.toString(), channels[i], stored.pixels().channels());
            assertEquals(p.toString(), orientations[i], stored.orientation());
            Pixels upright = decoder.decodeRgb(p, files[i], options);
            Pixels turned = stored.upright();
            assertEquals(upright.width(), turned.width());
            assertEquals(upright.height(), turned.height());
            assertArrayEquals(p.toString(), upright.samples(), turned.samples());
        }
    }

    private String refusal(Path p) {
        try {
            TestDecoding.decode(p, 50_000_000L);
            fail(p + " was accepted");
            return null;
        } catch (PictureException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith(p + ": "));
            return e.reason();
        }
    }

    /**
     * Cut short, every format the JDK writes (but JPEG, whose reader fills in the missing
     * part, as libjpeg does) is called truncated, also where the decoder's error does not
     * say so: GIF's "I/O error reading image!" and TIFF's "Data segment out of stream" were
     * called "unreadable" when the decision searched the error's words.
     */
    @Test
    public void truncatedIsDecidedByReadingPastTheEndWhateverTheErrorSays() throws IOException {
        BufferedImage img = noise(64, 64);
        for (String format : new String[] {"png", "gif", "bmp", "tiff"}) {
            byte[] whole = encode(img, format);
            for (double kept : new double[] {0.5, 0.9}) {
                Path p = temp.getRoot().toPath().resolve("cut" + kept + "." + format);
                Files.write(p, Arrays.copyOf(whole, (int) (whole.length * kept)));
                assertEquals(format + " cut to " + kept, "truncated picture", refusal(p));
            }
        }
    }

    /** Whole but damaged: unreadable, with the decoder's reason, not "truncated". */
    @Test
    public void damagedButWholeIsUnreadableNotTruncated() throws IOException {
        byte[] png = encode(noise(64, 64), "png");
        for (int i = png.length / 3; i < png.length / 3 + 40; i++) {
            png[i] ^= 0x5a;
        }
        Path p = temp.getRoot().toPath().resolve("damaged.png");
        Files.write(p, png);
        String reason = refusal(p);
        assertTrue(reason, reason.startsWith("unreadable picture ("));
    }

    @Test
    public void emptyMissingFolderAndNotAPicture() throws IOException {
        Path root = temp.getRoot().toPath();
        assertEquals("empty file", refusal(Files.write(root.resolve("empty.png"), new byte[0])));
        assertEquals("no such file", refusal(root.resolve("absent.png")));
        assertEquals("is a folder, not a picture", refusal(temp.newFolder("folder.png").toPath()));
        assertEquals("not a picture Java can read",
                refusal(Files.writeString(root.resolve("text.png"), "this is a text file, not a picture\n")));
    }

    private static final String XMP = "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF"
            + " xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description"
            + " xmlns:tiff=\"http://ns.adobe.com/tiff/1.0/\" tiff:Orientation=\"6\"/></rdf:RDF></x:xmpmeta>";

    /**
     * An XMP-only orientation (no EXIF): Pillow's getexif takes the packet's tiff:Orientation,
     * in a JPEG's APP1 XMP segment and in a PNG's XML:com.adobe.xmp iTXt chunk; so does Java
     * (checked against python.data.decode.decode_pixels: 12 x 8 comes out 8 x 12).
     */
    @Test
    public void anXmpOnlyOrientationTurnsThePictureAsPillowTurnsIt() throws IOException, PictureException {
        byte[] xmp = XMP.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] png = encode(noise(12, 8), "png");
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(png, 0, 33); // signature and IHDR
        p.writeBytes(TestDecoding.pngChunk("iTXt", cat("XML:com.adobe.xmp\0\0\0\0\0".getBytes(
                java.nio.charset.StandardCharsets.ISO_8859_1), xmp)));
        p.write(png, 33, png.length - 33);
        byte[] jpeg = encode(noise(12, 8), "jpeg");
        byte[] app1 = cat("http://ns.adobe.com/xap/1.0/\0".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), xmp);
        ByteArrayOutputStream j = new ByteArrayOutputStream();
        j.write(jpeg, 0, 2);
        j.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xE1, (byte) ((app1.length + 2) >> 8), (byte) (app1.length + 2)});
        j.writeBytes(app1);
        j.write(jpeg, 2, jpeg.length - 2);
        for (byte[] bytes : new byte[][] {p.toByteArray(), j.toByteArray()}) {
            Path file = temp.newFile().toPath();
            Files.write(file, bytes);
            GreyImage g = TestDecoding.decode(file, 1_000_000);
            assertEquals("orientation 6 turns 12x8 upright to 8x12", 8, g.width());
            assertEquals(12, g.height());
        }
    }

    private static byte[] cat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
