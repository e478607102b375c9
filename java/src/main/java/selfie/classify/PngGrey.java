package selfie.classify;

import java.nio.file.Path;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * 8-bit grey and RGB PNGs (not interlaced, no tRNS) straight to 8-bit grey, with the
 * manifest's luma: the JDK's zlib inflates one row at a time into two row buffers, and the
 * row is unfiltered and turned grey at once. ImageIO's reader took two to three times as
 * long as Pillow on a 1920 x 1080 photo and held the whole RGB picture; this holds two rows.
 * Lossless, so the pixels are Pillow's whatever the decoder. Every other PNG goes to ImageIO.
 */
final class PngGrey {
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    private PngGrey() {
    }

    private static int u32(byte[] b, int at) {
        return ((b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }

    private static boolean isType(byte[] b, int at, String type) {
        for (int i = 0; i < 4; i++) {
            if (b[at + i] != type.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Width and height of a PNG this class decodes, or null for any other file. */
    static int[] size(byte[] b) {
        if (b.length < 33) {
            return null;
        }
        for (int i = 0; i < SIGNATURE.length; i++) {
            if (b[i] != SIGNATURE[i]) {
                return null;
            }
        }
        if (u32(b, 8) != 13 || !isType(b, 12, "IHDR")) {
            return null;
        }
        int width = u32(b, 16);
        int height = u32(b, 20);
        int depth = b[24];
        int colour = b[25];
        if (width < 1 || height < 1 || depth != 8 || (colour != 0 && colour != 2) || b[28] != 0) {
            return null;
        }
        for (int pos = 8; pos + 8 <= b.length; ) { // a colour key (tRNS) means alpha: ImageIO's
            int len = u32(b, pos);
            if (isType(b, pos + 4, "tRNS")) {
                return null;
            }
            if (isType(b, pos + 4, "IDAT") || len < 0) {
                break;
            }
            pos += 12 + len;
        }
        return new int[] {width, height};
    }

    /** The grey picture of a PNG that {@link #size} accepted. */
    static GreyImage decode(byte[] b, Path path) throws PictureException {
        int width = u32(b, 16);
        int height = u32(b, 20);
        int bpp = b[25] == 2 ? 3 : 1;
        int stride = width * bpp;
        byte[] prev = new byte[stride + 1];
        byte[] cur = new byte[stride + 1];
        int[] out = new int[width * height];
        Inflater inflater = new Inflater();
        try {
            int pos = 8;
            for (int y = 0; y < height; y++) {
                int got = 0;
                while (got < cur.length) {
                    int n = inflater.inflate(cur, got, cur.length - got);
                    got += n;
                    if (n > 0) {
                        continue;
                    }
                    if (inflater.finished()) {
                        throw new PictureException(path, "truncated picture");
                    }
                    if (inflater.needsDictionary()) {
                        throw new PictureException(path, "unreadable picture (zlib dictionary)");
                    }
                    pos = nextIdat(b, pos, inflater, path);
                }
                unfilter(cur, prev, bpp, path);
                int o = y * width;
                if (bpp == 1) {
                    for (int x = 0; x < width; x++) {
                        out[o + x] = cur[1 + x] & 0xFF;
                    }
                } else {
                    for (int x = 0, i = 1; x < width; x++, i += 3) {
                        out[o + x] = PictureDecoder.luma(cur[i] & 0xFF, cur[i + 1] & 0xFF, cur[i + 2] & 0xFF);
                    }
                }
                byte[] t = prev;
                prev = cur;
                cur = t;
            }
        } catch (DataFormatException e) {
            throw new PictureException(path, "unreadable picture (" + e.getMessage() + ")", e);
        } finally {
            inflater.end();
        }
        return new GreyImage(width, height, out);
    }

    /** Hands the inflater the next IDAT chunk after pos; returns the position after it. */
    private static int nextIdat(byte[] b, int pos, Inflater inflater, Path path) throws PictureException {
        while (pos + 8 <= b.length) {
            int len = u32(b, pos);
            int data = pos + 8;
            if (len < 0 || data + len > b.length) {
                break;
            }
            pos = data + len + 4;
            if (isType(b, data - 4, "IDAT")) {
                inflater.setInput(b, data, len);
                return pos;
            }
            if (isType(b, data - 4, "IEND")) {
                break;
            }
        }
        throw new PictureException(path, "truncated picture");
    }

    /** PNG's five filters (None, Sub, Up, Average, Paeth) undone in place on row[1..]. */
    private static void unfilter(byte[] row, byte[] prev, int bpp, Path path) throws PictureException {
        int n = row.length;
        switch (row[0]) {
            case 0:
                break;
            case 1:
                for (int i = 1 + bpp; i < n; i++) {
                    row[i] += row[i - bpp];
                }
                break;
            case 2:
                for (int i = 1; i < n; i++) {
                    row[i] += prev[i];
                }
                break;
            case 3:
                for (int i = 1; i < n; i++) {
                    int left = i > bpp ? row[i - bpp] & 0xFF : 0;
                    row[i] += (byte) ((left + (prev[i] & 0xFF)) >>> 1);
                }
                break;
            case 4:
                for (int i = 1; i < n; i++) {
                    int a = i > bpp ? row[i - bpp] & 0xFF : 0;
                    int up = prev[i] & 0xFF;
                    int c = i > bpp ? prev[i - bpp] & 0xFF : 0;
                    int p = a + up - c;
                    int pa = Math.abs(p - a);
                    int pb = Math.abs(p - up);
                    int pc = Math.abs(p - c);
                    row[i] += (byte) (pa <= pb && pa <= pc ? a : pb <= pc ? up : c);
                }
                break;
            default:
                throw new PictureException(path, "unreadable picture (PNG filter type " + row[0] + ")");
        }
    }
}
