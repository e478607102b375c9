package io.github.modelparity.picture.png;

import io.github.modelparity.PictureException;
import io.github.modelparity.picture.Conversion;
import io.github.modelparity.picture.DecodeOptions;
import io.github.modelparity.picture.FormatDecoder;
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
    public byte[] forMetadata(byte[] bytes) {
        return PngChunks.forMetadata(bytes);
    }

    @Override
    public Decoded decode(byte[] bytes, Path path, DecodeOptions options, int orientation) throws PictureException {
        PngChunks png = PngChunks.open(bytes, path);
        options.refuseBomb(path, Integer.toUnsignedLong(png.width()), Integer.toUnsignedLong(png.height()));
        if (options.conversion() == Conversion.OVER_WHITE) {
            png.checkTransparency(); // python.data.colour's alpha over white reads the tRNS
        } else {
            png.checkPaletteToConvert(); // Pillow's convert with the tRNS in its info
        }
        Decoded decoded;
        int box = options.boxSide() > 0 ? Math.min(png.width(), png.height()) / options.boxSide() : 1;
        if (options.channels() == 3 && png.colour() == 0 && PngGrey.decodes(png)) {
            // An 8-bit grey PNG for an RGB model: read by our reader, Pillow's chunk rules and
            // all (ImageIO refuses some that Pillow reads, e.g. an IDAT with a wrong CRC),
            // upright; its grey is repeated in three channels as Pillow's convert("RGB") does.
            decoded = Decoded.of(PngGrey.decode(png, path).oriented(orientation));
        } else if (options.channels() != 1 || !PngGrey.decodes(png)) {
            decoded = Decoded.byImageIo(png.checkedForImageIo(options.conversion() == Conversion.OVER_WHITE));
        } else if (box >= 2 && (orientation < 2 || orientation > 8)) { // upright, as oriented() reads it
            decoded = Decoded.of(PngGrey.decodeBoxed(png, path, box));
        } else {
            decoded = Decoded.of(PngGrey.decode(png, path).oriented(orientation));
        }
        png.checkExif(); // exif_transpose reads the EXIF, wherever it came: what it cannot read refuses
        return decoded;
    }
}
