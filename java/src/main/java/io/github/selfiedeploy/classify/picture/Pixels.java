package io.github.selfiedeploy.classify.picture;

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
 *                  reduced it (a JPEG at 1/8); a shortest-edge resize is computed from it
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
        int ow = swap ? height : width;
        int oh = swap ? width : height;
        int c = channels;
        byte[] out = new byte[samples.length];
        int w = width;
        int h = height;
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                System.arraycopy(samples, source(orientation, x, y, w, h) * c, out, (y * ow + x) * c, c);
            }
        }
        return new Pixels(ow, oh, c, out, swap ? fullHeight : fullWidth, swap ? fullWidth : fullHeight);
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
