package io.github.modelparity.picture;

/**
 * An upright 8-bit picture with its channels interleaved (grey: 1, RGB: 3), alpha already
 * composited over white (the fast route) or dropped (the faithful one): the stage
 * python.data.decode.decode_pixels returns. One byte a sample, read unsigned ({@link #sample}):
 * a 12-megapixel photo's RGB holds 36 MB, not the 144 MB of an int a sample. Never mutated
 * after construction (the array is shared, not copied: callers must not write to it).
 *
 * @param width width in pixels
 * @param height height in pixels
 * @param channels 1 or 3
 * @param samples width * height * channels values 0..255 as bytes (read with &amp; 0xFF), row-major
 * @param fullWidth the width of the picture these pixels stand for: width, unless the decoder
 *                  reduced it (a JPEG at 1/8, 1/4 or 1/2); a shortest-edge resize is computed from it
 * @param fullHeight the height of the picture these pixels stand for
 */
public record Pixels(int width, int height, int channels, byte[] samples, int fullWidth, int fullHeight) {
    /**
     * Pixels of a picture decoded at its full size.
     *
     * @param width width in pixels
     * @param height height in pixels
     * @param channels 1 or 3
     * @param samples width * height * channels values 0..255 as bytes, row-major
     */
    public Pixels(int width, int height, int channels, byte[] samples) {
        this(width, height, channels, samples, width, height);
    }

    /**
     * @param fullWidth the width of the picture these pixels stand for
     * @param fullHeight its height
     * @return these pixels, standing for a picture of that size
     */
    public Pixels standingFor(int fullWidth, int fullHeight) {
        return new Pixels(width, height, channels, samples, fullWidth, fullHeight);
    }

    /**
     * @throws IllegalArgumentException if samples does not hold width * height * channels values
     */
    public Pixels {
        if (samples.length != (long) width * height * channels) {
            throw new IllegalArgumentException("samples " + samples.length + " != " + width + "x" + height + "x" + channels);
        }
    }

    /**
     * @param i the sample's index, (y * width + x) * channels + channel
     * @return its value, 0..255
     */
    public int sample(int i) {
        return samples[i] & 0xFF;
    }

    /**
     * The picture as PIL.ImageOps.exif_transpose shows it for an EXIF Orientation value
     * (1..8; anything else leaves it as it is).
     *
     * @param orientation the EXIF Orientation value
     * @return the upright picture
     */
    public Pixels oriented(int orientation) {
        if (orientation < 2 || orientation > 8) {
            return this;
        }
        boolean swap = orientation >= 5;
        Pixels upright = channels == 3 ? orientedRgb(samples, width, height, 3, 0, 1, 2, orientation)
                : orientedGrey(orientation);
        return new Pixels(upright.width, upright.height, channels, upright.samples,
                swap ? fullHeight : fullWidth, swap ? fullWidth : fullHeight);
    }

    private Pixels orientedGrey(int orientation) {
        int[] walk = walk(orientation, width, height);
        boolean swap = orientation >= 5;
        int ow = swap ? height : width;
        int oh = swap ? width : height;
        int c = channels;
        byte[] out = new byte[samples.length];
        for (int y = 0; y < oh; y++) {
            int src = walk[0] + y * walk[2];
            for (int x = 0; x < ow; x++, src += walk[1]) {
                System.arraycopy(samples, src * c, out, (y * ow + x) * c, c);
            }
        }
        return new Pixels(ow, oh, c, out);
    }

    /** The tile side {@link #orientedRgb} walks the picture in, so that a turn reads few cache lines at once. */
    private static final int TILE = 64;

    /**
     * 8-bit RGB, upright, from the interleaved samples of a stored picture: what
     * {@link #oriented} makes, read straight from a decoder's array in any band order, grey
     * repeated in the three channels.
     *
     * @param in w * h * bands samples, row-major
     * @param w the stored width
     * @param h the stored height
     * @param bands 3 (red, green and blue at offsets r, g, b of each pixel) or 1 (grey)
     * @param r red's offset in a pixel
     * @param g green's offset
     * @param b blue's offset
     * @param orientation the EXIF orientation (1..8; anything else: upright)
     * @return a new upright RGB picture
     */
    static Pixels orientedRgb(byte[] in, int w, int h, int bands, int r, int g, int b, int orientation) {
        if (orientation < 2 || orientation > 8) {
            orientation = 1;
        }
        int[] walk = walk(orientation, w, h);
        int base = walk[0];
        int dx = walk[1];
        int dy = walk[2];
        boolean swap = orientation >= 5;
        int ow = swap ? h : w;
        int oh = swap ? w : h;
        byte[] out = new byte[ow * oh * 3];
        for (int ty = 0; ty < oh; ty += TILE) {
            int yEnd = Math.min(ty + TILE, oh);
            for (int tx = 0; tx < ow; tx += TILE) {
                int xEnd = Math.min(tx + TILE, ow);
                for (int y = ty; y < yEnd; y++) {
                    int src = base + y * dy + tx * dx;
                    int o = (y * ow + tx) * 3;
                    if (bands == 3) {
                        for (int x = tx; x < xEnd; x++, src += dx) {
                            int i = src * 3;
                            out[o++] = in[i + r];
                            out[o++] = in[i + g];
                            out[o++] = in[i + b];
                        }
                    } else {
                        for (int x = tx; x < xEnd; x++, src += dx) {
                            byte v = in[src];
                            out[o++] = v;
                            out[o++] = v;
                            out[o++] = v;
                        }
                    }
                }
            }
        }
        return new Pixels(ow, oh, 3, out);
    }

    /**
     * {@link #source} as a walk: the stored pixel of upright (x, y) is
     * {@code walk[0] + x * walk[1] + y * walk[2]}, for orientations 1 to 8 of a w x h picture.
     */
    static int[] walk(int orientation, int w, int h) {
        return switch (orientation) {
            case 2 -> new int[] {w - 1, -1, w};
            case 3 -> new int[] {(h - 1) * w + w - 1, -1, -w};
            case 4 -> new int[] {(h - 1) * w, 1, -w};
            case 5 -> new int[] {0, w, 1};
            case 6 -> new int[] {(h - 1) * w, -w, 1};
            case 7 -> new int[] {(h - 1) * w + w - 1, -w, -1};
            case 8 -> new int[] {w - 1, w, -1};
            default -> new int[] {0, 1, w};
        };
    }

    /**
     * The stored pixel that upright pixel (x, y) comes from, as an index into a w x h picture:
     * PIL.ImageOps.exif_transpose's transpositions for orientations 2 to 8.
     */
    static int source(int orientation, int x, int y, int w, int h) {
        int sx;
        int sy;
        switch (orientation) {
            case 2: sx = w - 1 - x; sy = y; break;             // FLIP_LEFT_RIGHT
            case 3: sx = w - 1 - x; sy = h - 1 - y; break;     // ROTATE_180
            case 4: sx = x; sy = h - 1 - y; break;             // FLIP_TOP_BOTTOM
            case 5: sx = y; sy = x; break;                     // TRANSPOSE
            case 6: sx = y; sy = h - 1 - x; break;             // ROTATE_270 (clockwise 90)
            case 7: sx = w - 1 - y; sy = h - 1 - x; break;     // TRANSVERSE
            default: sx = w - 1 - y; sy = x; break;            // 8: ROTATE_90 (counter-clockwise)
        }
        return sy * w + sx;
    }
}
