package io.github.modelparity.picture.png;

import io.github.modelparity.PictureException;
import io.github.modelparity.picture.Grey;
import io.github.modelparity.picture.GreyImage;
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
        eachRow(png, path, (y, row, bpp) -> {
            int o = y * width;
            for (int x = 0, i = 1; x < width; x++, i += bpp) {
                out[o + x] = grey(row, i, bpp);
            }
        });
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
        eachRow(png, path, (y, row, bpp) -> {
            if (y < y0 || y >= y0 + h * f) {
                return;
            }
            int out = (y - y0) / f * w;
            for (int bx = 0, i = 1 + x0 * bpp; bx < w; bx++) {
                int sum = 0;
                for (int end = i + f * bpp; i < end; i += bpp) {
                    sum += grey(row, i, bpp);
                }
                sums[out + bx] += sum;
            }
        });
        return new GreyImage(w, h, sums, f, png.width(), png.height());
    }

    /** The 8-bit grey of the pixel whose first sample is row[i]: itself, or the manifest's luma. */
    private static int grey(byte[] row, int i, int bpp) {
        return bpp == 1 ? row[i] & 0xFF
                : Grey.luma(row[i] & 0xFF, row[i + 1] & 0xFF, row[i + 2] & 0xFF);
    }

    /** What is done with each unfiltered row (row[1..], bpp bytes a pixel) as it is decoded. */
    private interface RowSink {
        void row(int y, byte[] row, int bpp);
    }

    /** Inflates and unfilters one row at a time; rows the data lacks are never given. */
    private static void eachRow(PngChunks png, Path path, RowSink sink) throws PictureException {
        int bpp = png.colour() == 2 ? 3 : 1;
        int stride = png.width() * bpp;
        byte[] prev = new byte[stride + 1];
        byte[] cur = new byte[stride + 1];
        try (PngChunks.Rows rows = png.rows()) {
            for (int y = 0; y < png.height() && rows.next(cur, cur.length); y++) {
                unfilter(cur, prev, bpp, path);
                sink.row(y, cur, bpp);
                byte[] t = prev;
                prev = cur;
                cur = t;
            }
            rows.finish();
        }
    }

    /** PNG's five filters (None, Sub, Up, Average, Paeth) undone in place on row[1..]. */
    static void unfilter(byte[] row, byte[] prev, int bpp, Path path) throws PictureException {
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
                throw new PictureException(path, "unreadable picture (PNG filter type " + (row[0] & 0xFF) + ")");
        }
    }
}
