package selfie.classify;

import java.nio.file.Path;

/**
 * 8-bit grey and RGB PNGs (not interlaced, no tRNS) straight to 8-bit grey, with the
 * manifest's luma: the JDK's zlib inflates one row at a time into two row buffers, and the
 * row is unfiltered and turned grey at once. ImageIO's reader took two to three times as
 * long as Pillow on a 1920 x 1080 photo and held the whole RGB picture; this holds two rows.
 * Lossless, so the pixels are Pillow's whatever the decoder. Every other PNG goes to ImageIO.
 * {@link PngChunks} reads the chunks and the image data's run as Pillow does.
 */
final class PngGrey {
    private PngGrey() {
    }

    /** Whether this class decodes the PNG: 8-bit grey or RGB, not interlaced, no tRNS. */
    static boolean decodes(PngChunks png) {
        return png.depth() == 8 && (png.colour() == 0 || png.colour() == 2) && !png.interlaced()
                && !png.hasTransparency();
    }

    /** The grey picture of a PNG that {@link #decodes} accepted; rows the data lacks are zero, as in Pillow. */
    static GreyImage decode(PngChunks png, Path path) throws PictureException {
        int width = png.width();
        int height = png.height();
        int bpp = png.colour() == 2 ? 3 : 1;
        int stride = width * bpp;
        byte[] prev = new byte[stride + 1];
        byte[] cur = new byte[stride + 1];
        int[] out = new int[width * height];
        try (PngChunks.Rows rows = png.rows()) {
            for (int y = 0; y < height && rows.next(cur, cur.length); y++) {
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
            rows.finish();
        }
        return new GreyImage(width, height, out);
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
