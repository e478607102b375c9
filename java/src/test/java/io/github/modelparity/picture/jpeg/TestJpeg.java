package io.github.modelparity.picture.jpeg;

import io.github.modelparity.PictureException;
import java.nio.file.Path;

/** JpegDc's reduced decodes, for the tests of other packages. */
public final class TestJpeg {
    private TestJpeg() {
    }

    /** The RGB samples of a 4:4:4 or 4:2:0 JPEG at 1/scale, as JpegDc reads it. */
    public static byte[] rgb(byte[] bytes, int scale) throws PictureException {
        JpegDc jpeg = new JpegDc(bytes, Path.of("test.jpg"));
        jpeg.headers();
        return jpeg.rgbPixels(scale).samples();
    }

    /** A JPEG's luma at 1/scale, as JpegDc reads it. */
    public static int[] grey(byte[] bytes, int scale) throws PictureException {
        JpegDc jpeg = new JpegDc(bytes, Path.of("test.jpg"));
        jpeg.headers();
        return jpeg.pixels(scale).pixels();
    }
}
