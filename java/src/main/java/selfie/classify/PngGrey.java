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
        int[] out = new int[width * png.height()];
        eachRow(png, path, (y, grey) -> System.arraycopy(grey, 0, out, y * width, width));
        return new GreyImage(width, png.height(), out);
    }

    /**
     * The manifest's box step taken while decoding, for a PNG that {@link #decodes} accepted
     * and that is upright: the sums of the f x f blocks of the centred crop, with two rows
     * held instead of the picture (a 1920 x 1080 photo: 8 MB of grey never written).
     */
    static GreyImage decodeBoxed(PngChunks png, Path path, int f) throws PictureException {
        int w = png.width() / f;
        int h = png.height() / f;
        int x0 = (png.width() - w * f) / 2;
        int y0 = (png.height() - h * f) / 2;
        int[] sums = new int[w * h];
        eachRow(png, path, (y, grey) -> {
            if (y < y0 || y >= y0 + h * f) {
                return;
            }
            int out = (y - y0) / f * w;
            for (int bx = 0, in = x0; bx < w; bx++) {
                int sum = 0;
                for (int end = in + f; in < end; in++) {
                    sum += grey[in];
                }
                sums[out + bx] += sum;
            }
        });
        return new GreyImage(w, h, sums, f);
    }

    /** What is done with each grey row (8-bit values) as it is decoded. */
    private interface RowSink {
        void row(int y, int[] grey);
    }

    /** Inflates, unfilters and turns grey one row at a time; rows the data lacks are never given. */
    private static void eachRow(PngChunks png, Path path, RowSink sink) throws PictureException {
        int width = png.width();
        int height = png.height();
        int bpp = png.colour() == 2 ? 3 : 1;
        int stride = width * bpp;
        byte[] prev = new byte[stride + 1];
        byte[] cur = new byte[stride + 1];
        int[] grey = new int[width];
        try (PngChunks.Rows rows = png.rows()) {
            for (int y = 0; y < height && rows.next(cur, cur.length); y++) {
                unfilter(cur, prev, bpp, path);
                if (bpp == 1) {
                    for (int x = 0; x < width; x++) {
                        grey[x] = cur[1 + x] & 0xFF;
                    }
                } else {
                    for (int x = 0, i = 1; x < width; x++, i += 3) {
                        grey[x] = PictureDecoder.luma(cur[i] & 0xFF, cur[i + 1] & 0xFF, cur[i + 2] & 0xFF);
                    }
                }
                sink.row(y, grey);
                byte[] t = prev;
                prev = cur;
                cur = t;
            }
            rows.finish();
        }
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
