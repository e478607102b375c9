package io.github.modelparity.picture;

/**
 * A decoded picture as its file stores it, with the EXIF orientation that shows it upright
 * still to apply, and a grey picture as one channel that RGB repeats: what the faithful route
 * resizes without first making the upright RGB copy of the whole picture (36 MB for a
 * 12-megapixel photo turned by its EXIF orientation, 24 MB for an 8-megapixel grey one). The
 * resize reads the stored pixels along the axes the orientation maps, so its result is that
 * of the upright RGB picture, bit for bit ({@link #upright()} is that picture).
 *
 * @param pixels the stored pixels: 3 channels (RGB), or 1 (grey: R = G = B); never written to
 * @param orientation the EXIF orientation that shows them upright (1..8; anything else: upright)
 */
public record StoredPixels(Pixels pixels, int orientation) {
    /**
     * @throws IllegalArgumentException unless the pixels have 1 or 3 channels
     */
    public StoredPixels {
        if (pixels.channels() != 1 && pixels.channels() != 3) {
            throw new IllegalArgumentException("1 or 3 channels, not " + pixels.channels());
        }
    }

    /** @return whether the orientation turns the picture a quarter (5 to 8): its width and height swap */
    public boolean swapsSides() {
        return orientation >= 5 && orientation <= 8;
    }

    /** @return the upright width */
    public int uprightWidth() {
        return swapsSides() ? pixels.height() : pixels.width();
    }

    /** @return the upright height */
    public int uprightHeight() {
        return swapsSides() ? pixels.width() : pixels.height();
    }

    /**
     * @return the upright RGB picture, as {@link PictureDecoder#decodeRgb} gives it (a new
     *         array: the whole picture's copy this record exists to avoid)
     */
    public Pixels upright() {
        Pixels p = pixels;
        if (p.channels() == 1) {
            return Pixels.orientedRgb(p.samples(), p.width(), p.height(), 1, 0, 0, 0, orientation)
                    .standingFor(swapsSides() ? p.fullHeight() : p.fullWidth(),
                            swapsSides() ? p.fullWidth() : p.fullHeight());
        }
        return p.oriented(orientation);
    }

    /**
     * @param grey one channel's samples, 0..255 as bytes
     * @return them repeated in three channels (R = G = B), a new array
     */
    public static byte[] repeated(byte[] grey) {
        byte[] out = new byte[grey.length * 3];
        for (int i = 0; i < grey.length; i++) {
            byte v = grey[i];
            out[3 * i] = v;
            out[3 * i + 1] = v;
            out[3 * i + 2] = v;
        }
        return out;
    }
}
