package io.github.modelparity.picture;

/**
 * An 8-bit grey picture, upright, alpha already composited over white (the fast route) or
 * dropped (the faithful one): the stage that python.data.pictures.decode_grey returns. Values 0..255 in row-major order; never mutated
 * after construction (the array is shared, not copied: callers must not write to it).
 *
 * @param width width in pixels (in blocks when box &gt; 1)
 * @param height height in pixels (in blocks when box &gt; 1)
 * @param pixels width * height values, row-major
 * @param box 1: pixels are 8-bit grey values. Above 1: the manifest's box step is done already
 *            (a decoder did it row by row rather than hold the whole picture); each value is
 *            the sum of a box x box block of the centred crop
 * @param fullWidth the width of the picture these values stand for: width, unless a decoder
 *                  reduced it (a JPEG at 1/8, 1/4 or 1/2, block sums); a shortest-edge resize
 *                  is computed from it, as Python's pixels_to_input computes it from
 *                  {@code full}
 * @param fullHeight the height of the picture these values stand for
 */
public record GreyImage(int width, int height, int[] pixels, int box, int fullWidth, int fullHeight) {
    /**
     * A picture of 8-bit grey values.
     *
     * @param width width in pixels
     * @param height height in pixels
     * @param pixels width * height values 0..255
     */
    public GreyImage(int width, int height, int[] pixels) {
        this(width, height, pixels, 1, width, height);
    }

    /**
     * @param fullWidth the width of the picture these values stand for
     * @param fullHeight its height
     * @return these values, standing for a picture of that size
     */
    public GreyImage standingFor(int fullWidth, int fullHeight) {
        return new GreyImage(width, height, pixels, box, fullWidth, fullHeight);
    }

    /**
     * @throws IllegalArgumentException if pixels does not hold width * height values, or box &lt; 1
     */
    public GreyImage {
        if (pixels.length != width * height) {
            throw new IllegalArgumentException("pixels " + pixels.length + " != " + width + "x" + height);
        }
        if (box < 1) {
            throw new IllegalArgumentException("box " + box + " must be at least 1");
        }
    }

    /**
     * @param x column
     * @param y row
     * @return the value there
     */
    public int get(int x, int y) {
        return pixels[y * width + x];
    }

    /**
     * The picture as PIL.ImageOps.exif_transpose shows it for an EXIF Orientation value
     * (1..8; anything else leaves it as it is).
     *
     * @param orientation the EXIF Orientation value
     * @return the upright picture
     * @throws IllegalStateException for block sums (taken from upright pictures only)
     */
    public GreyImage oriented(int orientation) {
        if (orientation < 2 || orientation > 8) {
            return this;
        }
        if (box > 1) { // the crop was centred in stored orientation: it may differ by a pixel
            throw new IllegalStateException("box sums are taken from upright pictures only");
        }
        boolean swap = orientation >= 5;
        int ow = swap ? height : width;
        int oh = swap ? width : height;
        int[] out = new int[ow * oh];
        int w = width;
        int h = height;
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                out[y * ow + x] = pixels[Pixels.source(orientation, x, y, w, h)];
            }
        }
        return new GreyImage(ow, oh, out, 1, swap ? fullHeight : fullWidth, swap ? fullWidth : fullHeight);
    }
}
