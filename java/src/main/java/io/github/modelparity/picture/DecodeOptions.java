package io.github.modelparity.picture;

import io.github.modelparity.PictureException;
import java.nio.file.Path;
import java.util.List;

/**
 * What a decode may do, from the manifest's preprocessing: one value instead of a parameter
 * list that grows with each format's shortcut.
 *
 * @param maxPixels pictures with more pixels are refused (preprocessing.max_pixels)
 * @param draftSide the side a large JPEG's reduced decoding keeps: reduce_to times the reduce
 *                  side; a JPEG comes at 1/s for the first s of draftScales with
 *                  min(width, height) &gt;= s * draftSide ({@link #draftScale}); 0: never
 * @param draftScales the scale denominators a large JPEG may be decoded at
 *                    (preprocessing.draft_scales): some of 8, 4 and 2, largest first
 * @param boxSide where the box step will reduce a picture by f = min(width, height) / boxSide
 *                &gt;= 2, a decoder that can take the block sums row by row returns them
 *                ({@link GreyImage#box()} f) instead of every pixel; 0: never
 * @param channels 1: the picture is wanted in grey, and the format decoders may decode it
 *                 themselves; 3: in RGB, where their grey shortcuts only check the file and
 *                 hand it to ImageIO (a large grey JPEG still comes reduced, repeated)
 * @param conversion how the decoded picture becomes 8-bit grey or RGB
 */
public record DecodeOptions(long maxPixels, int draftSide, List<Integer> draftScales, int boxSide, int channels,
                            Conversion conversion) {
    /** The draft scales of a manifest that names none (version 3, and version 4 before them): 1/8 alone. */
    public static final List<Integer> EIGHTH = List.of(8);

    /**
     * @throws IllegalArgumentException for a negative limit or side, draft scales that are
     *         not some of 8, 4 and 2 largest first, channels other than 1 or 3, or a
     *         conversion missing
     */
    public DecodeOptions {
        if (maxPixels < 0 || draftSide < 0 || boxSide < 0) {
            throw new IllegalArgumentException("maxPixels, draftSide and boxSide must not be negative");
        }
        if (!validScales(draftScales)) {
            throw new IllegalArgumentException("draftScales " + draftScales
                    + " is not some of [8, 4, 2], largest first");
        }
        draftScales = List.copyOf(draftScales);
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, not " + channels);
        }
        if (conversion == null) {
            throw new IllegalArgumentException("conversion is null");
        }
    }

    /**
     * The fast route's colour rule ({@link Conversion#OVER_WHITE}), large JPEGs at 1/8 alone.
     *
     * @param maxPixels pictures with more pixels are refused
     * @param draftSide the side a JPEG's 1/8 decoding keeps (0: never)
     * @param boxSide the box step's divisor (0: never)
     * @param channels 1 grey, 3 RGB
     */
    public DecodeOptions(long maxPixels, int draftSide, int boxSide, int channels) {
        this(maxPixels, draftSide, EIGHTH, boxSide, channels, Conversion.OVER_WHITE);
    }

    /**
     * Grey, the fast route's colour rule, large JPEGs at 1/8 alone.
     *
     * @param maxPixels pictures with more pixels are refused
     * @param draftSide the side a JPEG's 1/8 decoding keeps (0: never)
     * @param boxSide the box step's divisor (0: never)
     */
    public DecodeOptions(long maxPixels, int draftSide, int boxSide) {
        this(maxPixels, draftSide, boxSide, 1);
    }

    /** Whether a list is some of 8, 4 and 2, largest first (strictly descending, not empty). */
    private static boolean validScales(List<Integer> scales) {
        if (scales == null || scales.isEmpty()) {
            return false;
        }
        int last = Integer.MAX_VALUE;
        for (Integer s : scales) {
            if (s == null || (s != 8 && s != 4 && s != 2) || s >= last) {
                return false;
            }
            last = s;
        }
        return true;
    }

    /**
     * The scale denominator a JPEG stored as width x height is decoded at (the manifest's
     * jpeg_dc rule): the first of {@link #draftScales} with min(width, height) &gt;= s *
     * {@link #draftSide}, or 1 (decoded whole) when none is, or draftSide is 0.
     *
     * @param width the JPEG's stored width (before EXIF orientation)
     * @param height its stored height
     * @return 8, 4, 2, or 1
     */
    public int draftScale(int width, int height) {
        if (draftSide == 0) {
            return 1;
        }
        long shorter = Math.min(width, height);
        for (int s : draftScales) {
            if (shorter >= (long) s * draftSide) {
                return s;
            }
        }
        return 1;
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
        return new DecodeOptions(maxPixels, 0, EIGHTH, 0, channels, Conversion.PILLOW);
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
