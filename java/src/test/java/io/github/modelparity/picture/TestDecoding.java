package io.github.modelparity.picture;

import io.github.modelparity.PictureException;
import io.github.modelparity.preprocess.Preprocessor;
import java.nio.file.Path;

/** The preprocessing's decoder chain on a file, for the decoders' tests. */
public final class TestDecoding {
    private TestDecoding() {
    }

    /** With every shortcut the options allow; large JPEGs at 1/8 alone. */
    public static GreyImage decode(Path p, long maxPixels, int draftSide, int boxSide) throws PictureException {
        return Preprocessor.decoder().decode(p, PictureDecoder.readFile(p), new DecodeOptions(maxPixels, draftSide, boxSide));
    }

    /** Large JPEGs (shorter side at least 8 * draftSide) at 1/8. */
    public static GreyImage decode(Path p, long maxPixels, int draftSide) throws PictureException {
        return decode(p, maxPixels, draftSide, 0);
    }

    /**
     * One PNG chunk: its length, type, data and CRC.
     *
     * @param type the chunk's four-letter type
     * @param data its data
     * @return the chunk's bytes
     */
    public static byte[] pngChunk(String type, byte[] data) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] t = type.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        out.write(data.length >>> 24);
        out.write(data.length >>> 16);
        out.write(data.length >>> 8);
        out.write(data.length);
        out.writeBytes(t);
        out.writeBytes(data);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(t);
        crc.update(data);
        long c = crc.getValue();
        for (int s = 24; s >= 0; s -= 8) {
            out.write((int) (c >>> s));
        }
        return out.toByteArray();
    }

    /** Every picture whole. */
    public static GreyImage decode(Path p, long maxPixels) throws PictureException {
        return decode(p, maxPixels, 0, 0);
    }
}
