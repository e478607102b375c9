package io.github.selfiedeploy.classify.picture;

import io.github.selfiedeploy.classify.PictureException;
import java.nio.file.Path;

/**
 * What a decode may do, from the manifest's preprocessing: one value instead of a parameter
 * list that grows with each format's shortcut.
 *
 * @param maxPixels pictures with more pixels are refused (preprocessing.max_pixels)
 * @param dcMinSide a JPEG whose shorter side is at least this comes at 1/8 scale from its DC
 *                  coefficients (preprocessing.jpeg_dc); 0: never
 * @param boxSide where the box step will reduce a picture by f = min(width, height) / boxSide
 *                &gt;= 2, a decoder that can take the block sums row by row returns them
 *                ({@link GreyImage#box()} f) instead of every pixel; 0: never
 * @param channels 1: the picture is wanted in grey, and the format decoders may decode it
 *                 themselves; 3: in RGB, where their grey shortcuts only check the file and
 *                 hand it to ImageIO (a large grey JPEG still comes at 1/8, repeated)
 * @param conversion how the decoded picture becomes 8-bit grey or RGB
 */
public record DecodeOptions(long maxPixels, int dcMinSide, int boxSide, int channels, Conversion conversion) {
    /**
     * @throws IllegalArgumentException for a negative limit or side, or a conversion missing
     */
    public DecodeOptions {
        if (maxPixels < 0 || dcMinSide < 0 || boxSide < 0) {
            throw new IllegalArgumentException("maxPixels, dcMinSide and boxSide must not be negative");
        }
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, not " + channels);
        }
        if (conversion == null) {
            throw new IllegalArgumentException("conversion is null");
        }
    }

    /**
     * The fast route's colour rule ({@link Conversion#OVER_WHITE}).
     *
     * @param maxPixels pictures with more pixels are refused
     * @param dcMinSide the 1/8-scale JPEG threshold (0: never)
     * @param boxSide the box step's divisor (0: never)
     * @param channels 1 grey, 3 RGB
     */
    public DecodeOptions(long maxPixels, int dcMinSide, int boxSide, int channels) {
        this(maxPixels, dcMinSide, boxSide, channels, Conversion.OVER_WHITE);
    }

    /**
     * Grey, the fast route's colour rule.
     *
     * @param maxPixels pictures with more pixels are refused
     * @param dcMinSide the 1/8-scale JPEG threshold (0: never)
     * @param boxSide the box step's divisor (0: never)
     */
    public DecodeOptions(long maxPixels, int dcMinSide, int boxSide) {
        this(maxPixels, dcMinSide, boxSide, 1);
    }

    /**
     * The faithful route's decode: every picture whole, at its own size, converted as Pillow's
     * Image.convert converts it.
     *
     * @param maxPixels pictures with more pixels are refused
     * @param channels 1 grey, 3 RGB
     * @return options with no shortcut and {@link Conversion#PILLOW}
     */
    public static DecodeOptions faithful(long maxPixels, int channels) {
        return new DecodeOptions(maxPixels, 0, 0, channels, Conversion.PILLOW);
    }

    /**
     * Every picture decoded whole, at its own size, in grey by the fast route's colour rule.
     *
     * @param maxPixels pictures with more pixels are refused
     * @return options with no shortcut
     */
    public static DecodeOptions whole(long maxPixels) {
        return new DecodeOptions(maxPixels, 0, 0);
    }

    /**
     * Refuses a picture of more than {@link #maxPixels} pixels before it is decoded.
     *
     * @param path names the picture in the error
     * @param width its width, as its header says
     * @param height its height
     * @throws PictureException ("decompression bomb") when width * height exceeds the limit
     */
    public void refuseBomb(Path path, long width, long height) throws PictureException {
        if (width * height > maxPixels) {
            throw new PictureException(path, "decompression bomb: " + width + "x" + height + " exceeds "
                    + maxPixels + " pixels");
        }
    }
}
