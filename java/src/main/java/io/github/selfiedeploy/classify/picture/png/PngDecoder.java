package io.github.selfiedeploy.classify.picture.png;

import io.github.selfiedeploy.classify.PictureException;
import io.github.selfiedeploy.classify.picture.DecodeOptions;
import io.github.selfiedeploy.classify.picture.FormatDecoder;
import java.nio.file.Path;

/**
 * PNG: the chunks read as Pillow reads them ({@link PngChunks}, whose Javadoc states the
 * rules), then 8-bit grey and RGB PNGs decoded row by row by {@link PngGrey} (the box step
 * taken while decoding where the picture is upright), every other PNG handed to ImageIO rebuilt
 * from the chunks Pillow used.
 */
public final class PngDecoder implements FormatDecoder {
    @Override
    public boolean reads(byte[] bytes) {
        return PngChunks.isPng(bytes);
    }

    @Override
    public Decoded decode(byte[] bytes, Path path, DecodeOptions options, int orientation) throws PictureException {
        PngChunks png = PngChunks.open(bytes, path);
        options.refuseBomb(path, Integer.toUnsignedLong(png.width()), Integer.toUnsignedLong(png.height()));
        if (options.channels() != 1 || !PngGrey.decodes(png)) {
            return Decoded.byImageIo(png.checkedForImageIo());
        }
        int box = options.boxSide() > 0 ? Math.min(png.width(), png.height()) / options.boxSide() : 1;
        if (box >= 2 && (orientation < 2 || orientation > 8)) { // upright, as oriented() reads it
            return Decoded.of(PngGrey.decodeBoxed(png, path, box));
        }
        return Decoded.of(PngGrey.decode(png, path).oriented(orientation));
    }
}
