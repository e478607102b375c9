package io.github.modelparity.picture.png;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.github.modelparity.PictureException;
import io.github.modelparity.picture.Conversion;
import io.github.modelparity.picture.DecodeOptions;
import io.github.modelparity.picture.TestDecoding;
import io.github.modelparity.preprocess.Preprocessor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.Deflater;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Damaged PNGs are accepted or refused as Pillow accepts or refuses them: each case below was
 * run through python.data.pictures.decode_grey (Pillow 13) and gave the answer asserted here.
 */
public class DamagedPngTest {
    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    private static byte[] chunk(String type, byte[] data) {
        return TestDecoding.pngChunk(type, data);
    }

    private static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** 8 x 8 grey, row y holding 8y .. 8y + 7, filter 0: the rows given, zlib-compressed. */
    private static byte[] zlib(int rows) {
        byte[] raw = new byte[rows * 9];
        for (int y = 0; y < rows; y++) {
            for (int x = 0; x < 8; x++) {
                raw[y * 9 + 1 + x] = (byte) (y * 8 + x);
            }
        }
        return deflate(raw);
    }

    private static byte[] deflate(byte[] raw) {
        Deflater d = new Deflater();
        d.setInput(raw);
        d.finish();
        byte[] out = new byte[1024];
        int n = d.deflate(out);
        d.end();
        return Arrays.copyOf(out, n);
    }

    private static final byte[] IHDR = chunk("IHDR", new byte[] {0, 0, 0, 8, 0, 0, 0, 8, 8, 0, 0, 0, 0});
    private static final byte[] IEND = chunk("IEND", new byte[0]);

    private Object outcome(byte[] png) throws IOException {
        Path p = temp.newFile().toPath();
        Files.write(p, png);
        try {
            int sum = 0;
            for (int v : TestDecoding.decode(p, 50_000_000L).pixels()) {
                sum += v;
            }
            return sum;
        } catch (PictureException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith(p + ": ") && !e.getMessage().contains("\n"));
            return e.reason();
        }
    }

    private void accepted(int sum, byte[] png) throws IOException {
        assertEquals(sum, outcome(png));
    }

    private void refused(byte[] png) throws IOException {
        if (outcome(png) instanceof Integer) {
            fail("accepted, where Pillow refuses");
        }
    }

    @Test
    public void crcsBeforeTheImageOnlyAndTheIdatRunAsPillowReadsThem() throws IOException {
        byte[] idat = chunk("IDAT", zlib(8));
        accepted(2016, cat(SIGNATURE, IHDR, idat, IEND));
        byte[] badIhdrCrc = IHDR.clone();
        badIhdrCrc[badIhdrCrc.length - 1] ^= 1;
        refused(cat(SIGNATURE, badIhdrCrc, idat, IEND));
        byte[] badIdatCrc = idat.clone();
        badIdatCrc[badIdatCrc.length - 1] ^= 1;
        accepted(2016, cat(SIGNATURE, IHDR, badIdatCrc, IEND)); // Pillow reads no IDAT CRC
        refused(cat(SIGNATURE, IHDR, IEND, idat)); // IEND before any image data
        accepted(2016, cat(SIGNATURE, IHDR, idat, IEND, "garbage".getBytes(StandardCharsets.US_ASCII)));
        accepted(496, cat(SIGNATURE, IHDR, chunk("IDAT", zlib(4)), IEND)); // stream ends at a row: zeros
        byte[] z = zlib(8);
        refused(cat(SIGNATURE, IHDR, chunk("IDAT", Arrays.copyOf(z, 10)), chunk("tEXt", new byte[] {'a', 0, 'b'}),
                chunk("IDAT", Arrays.copyOfRange(z, 10, z.length)), IEND)); // the run ends at tEXt
        byte[] badAdler = z.clone();
        badAdler[badAdler.length - 1] ^= 1;
        refused(cat(SIGNATURE, IHDR, chunk("IDAT", badAdler), IEND));
        accepted(2016, cat(SIGNATURE, IHDR, chunk("IDAT", Arrays.copyOf(z, z.length - 4)), IEND)); // no Adler-32
    }

    @Test
    public void aPaletteOnlyAfterTheImageOrNoneAtAllLeavesItBlack() throws IOException {
        byte[] ihdr = chunk("IHDR", new byte[] {0, 0, 0, 8, 0, 0, 0, 8, 8, 3, 0, 0, 0});
        byte[] idat = chunk("IDAT", zlib(8)); // indices 0 to 63
        byte[] red = new byte[64 * 3];
        for (int i = 0; i < red.length; i += 3) {
            red[i] = (byte) 255;
        }
        accepted(64 * 76, cat(SIGNATURE, ihdr, chunk("PLTE", red), idat, IEND)); // luma of red: 76
        accepted(0, cat(SIGNATURE, ihdr, idat, IEND));
        accepted(0, cat(SIGNATURE, ihdr, idat, chunk("PLTE", red), IEND));
        accepted(0, cat(SIGNATURE, chunk("PLTE", red), ihdr, idat, IEND)); // before IHDR: not a P palette yet
    }

    @Test
    public void afterTheImageCutShortChunksRefuseButACutShortHeaderDoesNot() throws IOException {
        byte[] idat = chunk("IDAT", zlib(8));
        byte[] text = chunk("tEXt", new byte[] {'a', 0, 'b', 'c', 'd', 'e', 'f'});
        refused(cat(SIGNATURE, IHDR, idat, Arrays.copyOf(text, text.length - 6)));
        refused(cat(SIGNATURE, IHDR, idat, chunk("tRNS", new byte[] {'a'}), IEND));
        accepted(2016, cat(SIGNATURE, IHDR, idat, Arrays.copyOf(IEND, 5)));
        accepted(2016, cat(SIGNATURE, IHDR, idat, chunk("tEXt", new byte[] {'a', 0})));
    }

    /** 8 x 8 zero samples, every row's filter byte set to {@code filter}, zlib-compressed. */
    private static byte[] zlibFiltered(int filter) {
        byte[] raw = new byte[8 * 9];
        for (int y = 0; y < 8; y++) {
            raw[y * 9] = (byte) filter;
        }
        return deflate(raw);
    }

    private static byte[] be(int... v) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int x : v) {
            out.write(x >>> 24);
            out.write(x >>> 16);
            out.write(x >>> 8);
            out.write(x);
        }
        return out.toByteArray();
    }

    /** fcTL: sequence number, a w x 8 frame at 0, 0. */
    private static byte[] fcTL(int seq, int w) {
        return chunk("fcTL", cat(be(seq, w, 8, 0, 0), new byte[] {0, 1, 0, 10, 0, 0}));
    }

    @Test
    public void anIdatBeforeTheIhdrIsSkippedAsPillowSkipsIt() throws IOException {
        byte[] idat = chunk("IDAT", zlib(8));
        accepted(2016, cat(SIGNATURE, chunk("IDAT", new byte[] {'j', 'u', 'n', 'k'}), IHDR, idat, IEND));
    }

    @Test
    public void aTrnsAfterTheImageStillCountsItsKeysLowByteMatched() throws IOException {
        byte[] idat = chunk("IDAT", zlib(8)); // pixel (0, 0) is 0: transparent, white over white
        accepted(2016 + 255, cat(SIGNATURE, IHDR, idat, chunk("tRNS", new byte[] {0, 0}), IEND));
        accepted(2016 + 255, cat(SIGNATURE, IHDR, idat, chunk("tRNS", new byte[] {0x6A, 0}), IEND));
        accepted(2016 + 255, cat(SIGNATURE, IHDR, chunk("tRNS", new byte[] {0x6A, 0}), idat, IEND));
    }

    @Test
    public void anOversizedPaletteOrPaletteAlphaIsRefused() throws IOException {
        byte[] ihdr = chunk("IHDR", new byte[] {0, 0, 0, 8, 0, 0, 0, 8, 8, 3, 0, 0, 0});
        byte[] idat = chunk("IDAT", zlib(8));
        byte[] red = new byte[64 * 3];
        for (int i = 0; i < red.length; i += 3) {
            red[i] = (byte) 255;
        }
        refused(cat(SIGNATURE, ihdr, chunk("PLTE", Arrays.copyOf(red, 257 * 3)), idat, IEND)); // invalid palette size
        byte[] alphas = new byte[257];
        Arrays.fill(alphas, (byte) 255);
        refused(cat(SIGNATURE, ihdr, chunk("PLTE", red), chunk("tRNS", alphas), idat, IEND)); // index out of range
        // a stream that ends at a row boundary, decoded by ImageIO: the rows left are index 0
        accepted(64 * 76, cat(SIGNATURE, ihdr, chunk("PLTE", red), chunk("IDAT", zlib(4)), IEND));
    }

    @Test
    public void exifPillowCannotParseIsRefusedBeforeOrAfterTheImage() throws IOException {
        byte[] idat = chunk("IDAT", zlib(8));
        byte[] tiff = {'I', 'I', 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0};
        accepted(2016, cat(SIGNATURE, IHDR, chunk("eXIf", tiff), idat, IEND));
        byte[] garbage = "garbage!".getBytes(StandardCharsets.US_ASCII);
        assertTrue(((String) outcome(cat(SIGNATURE, IHDR, chunk("eXIf", garbage), idat, IEND)))
                .contains("not a TIFF file (header b'garbage!' not valid)"));
        refused(cat(SIGNATURE, IHDR, idat, chunk("eXIf", garbage), IEND));
    }

    @Test
    public void apngFramesOutOfSequenceOrOutsideThePictureAreRefused() throws IOException {
        byte[] idat = chunk("IDAT", zlib(8));
        byte[] acTL = chunk("acTL", be(1, 0));
        accepted(2016, cat(SIGNATURE, IHDR, acTL, fcTL(0, 8), idat, IEND));
        refused(cat(SIGNATURE, IHDR, acTL, fcTL(1, 8), idat, IEND)); // out of sequence
        refused(cat(SIGNATURE, IHDR, acTL, fcTL(0, 9), idat, IEND)); // outside the picture
        refused(cat(SIGNATURE, IHDR, fcTL(0, 8), idat, fcTL(0, 8), IEND)); // after the image: sequence errors
    }

    @Test
    public void aFilterTypeIsNamedUnsigned() throws IOException {
        assertEquals("unreadable picture (PNG filter type 200)",
                outcome(cat(SIGNATURE, IHDR, chunk("IDAT", zlibFiltered(200)), IEND)));
    }

    @Test
    public void aTrnsWithAlphaIsIgnoredAsPillowIgnoresIt() throws IOException {
        byte[] rgba = chunk("IHDR", new byte[] {0, 0, 0, 2, 0, 0, 0, 8, 8, 6, 0, 0, 0});
        accepted(3638, cat(SIGNATURE, rgba, chunk("tRNS", new byte[6]), chunk("IDAT", zlib(8)), IEND));
    }

    @Test
    public void theFaithfulRouteRefusesAPaletteWithTransparencyButNoPlteAsPillowAsserts() throws IOException {
        byte[] ihdr = chunk("IHDR", new byte[] {0, 0, 0, 8, 0, 0, 0, 8, 8, 3, 0, 0, 0});
        byte[] png = cat(SIGNATURE, chunk("PLTE", new byte[12]), ihdr, chunk("tRNS", new byte[] {(byte) 255, 0}),
                chunk("IDAT", zlib(8)), IEND);
        accepted(0 + 63 * 0 + 255, png); // alpha over white: index 1 transparent, the rest black
        Path p = temp.newFile().toPath();
        Files.write(p, png);
        DecodeOptions faithful = new DecodeOptions(50_000_000L, 0, DecodeOptions.EIGHTH, 0, 3, Conversion.PILLOW);
        try {
            Preprocessor.decoder().decodeRgb(p, png, faithful);
            fail("accepted, where Pillow's convert asserts");
        } catch (PictureException e) {
            assertTrue(e.reason(), e.reason().contains("no PLTE"));
        }
    }
}
