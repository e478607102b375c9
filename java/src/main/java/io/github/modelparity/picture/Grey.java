package io.github.modelparity.picture;

/**
 * The manifest's integer formulas for 8-bit grey, as Pillow computes them: luma from RGB
 * (ITU-R 601-2, Pillow's {@code L = R * 299/1000 + ...} in 16-bit fixed point) and alpha
 * composited over white. One place for both, used by every decoder.
 */
public final class Grey {
    private Grey() {
    }

    /**
     * @param r red, 0..255
     * @param g green, 0..255
     * @param b blue, 0..255
     * @return Pillow's L of that colour
     */
    public static int luma(int r, int g, int b) {
        return (19595 * r + 38470 * g + 7471 * b + 32768) >> 16;
    }

    /**
     * @param grey 8-bit grey
     * @param alpha 8-bit alpha (255: opaque)
     * @return the grey over a white background, rounded
     */
    public static int overWhite(int grey, int alpha) {
        return (grey * alpha + 255 * (255 - alpha) + 127) / 255;
    }
}
