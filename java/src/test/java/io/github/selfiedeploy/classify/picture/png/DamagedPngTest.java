package io.github.selfiedeploy.classify.picture.png;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.github.selfiedeploy.classify.PictureException;
import io.github.selfiedeploy.classify.picture.TestDecoding;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;
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
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] t = type.getBytes(StandardCharsets.ISO_8859_1);
        out.write(data.length >>> 24);
        out.write(data.length >>> 16);
        out.write(data.length >>> 8);
        out.write(data.length);
        out.writeBytes(t);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        long c = crc.getValue();
        for (int s = 24; s >= 0; s -= 8) {
            out.write((int) (c >>> s));
        }
        return out.toByteArray();
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
}
