package io.github.selfiedeploy.classify.picture;

import io.github.selfiedeploy.classify.PictureException;
import io.github.selfiedeploy.classify.preprocess.Preprocessor;
import java.nio.file.Path;

/** The preprocessing's decoder chain on a file, for the decoders' tests. */
public final class TestDecoding {
    private TestDecoding() {
    }

    /** With every shortcut the options allow; large JPEGs at 1/8 alone. */
    public static GreyImage decode(Path p, long maxPixels, int draftSide, int boxSide) throws PictureException {
        return Preprocessor.decoder().decode(p, PictureDecoder.readFile(p), new DecodeOptions(maxPixels, draftSide, boxSide));
    }

    /** Large JPEGs (shorter side at least 8 * draftSide) at 1/8. */
    public static GreyImage decode(Path p, long maxPixels, int draftSide) throws PictureException {
        return decode(p, maxPixels, draftSide, 0);
    }

    /** Every picture whole. */
    public static GreyImage decode(Path p, long maxPixels) throws PictureException {
        return decode(p, maxPixels, 0, 0);
    }
}
