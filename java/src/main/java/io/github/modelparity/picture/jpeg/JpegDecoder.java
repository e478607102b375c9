package io.github.modelparity.picture.jpeg;

import io.github.modelparity.PictureException;
import io.github.modelparity.picture.DecodeOptions;
import io.github.modelparity.picture.FormatDecoder;
import io.github.modelparity.picture.GreyImage;
import java.nio.file.Path;

/**
 * JPEG: every Huffman-coded 8-bit grey or YCbCr JPEG is read once by {@link JpegDc}, which
 * refuses what libjpeg-turbo under Pillow refuses (its rules are in JpegDc's Javadoc). A large
 * one (the manifest's jpeg_dc: {@link DecodeOptions#draftScale} picks 1/8, 1/4 or 1/2) comes
 * at that scale from that same read, as libjpeg-turbo's scaled decoding gives it to Pillow's
 * draft: in grey or, for an RGB model and a 4:4:4 or 4:2:0 JPEG, in RGB; a smaller one, a
 * large colour one of another sampling for an RGB model, or one JpegDc does not decode (CMYK,
 * RGB-coded, arithmetic-coded), is handed to ImageIO, which decodes its pixels a second time:
 * no JDK API decodes them from JpegDc's coefficients.
 */
public final class JpegDecoder implements FormatDecoder {
    @Override
    public boolean reads(byte[] bytes) {
        return JpegDc.isJpeg(bytes);
    }

    @Override
    public Decoded decode(byte[] bytes, Path path, DecodeOptions options, int orientation) throws PictureException {
        JpegDc jpeg = new JpegDc(bytes, path);
        JpegDc.Header header = jpeg.headers();
        if (header != null && !header.decodable()) {
            jpeg.checkUndecodable();
            return Decoded.byImageIo(jpeg.forImageIo());
        }
        if (header != null) {
            options.refuseBomb(path, header.width(), header.height());
        }
        int scale = header == null ? 1 : options.draftScale(header.width(), header.height());
        boolean large = scale > 1;
        if (large && options.channels() == 3 && header.rgbDc()) {
            // Python decodes it reduced in RGB (Pillow's draft("RGB")): the same read, kept in colour
            return Decoded.of(jpeg.rgbPixels(scale).standingFor(header.width(), header.height())
                    .oriented(orientation));
        }
        boolean greyLarge = large && (options.channels() == 1 || header.components() == 1);
        // Markers and entropy-coded data read as libjpeg-turbo reads them, so that what Pillow
        // refuses (data that runs out before the picture is whole, a fatal error) is refused,
        // where ImageIO's libjpeg would fill it in with a warning; for ImageIO's pictures at
        // 1/8, the cheapest read. Without a usable frame header this throws libjpeg's reason.
        GreyImage grey = jpeg.pixels(greyLarge ? scale : 8);
        if (jpeg.incompleteProgressive()) {
            throw new PictureException(path, "a progressive JPEG whose scans leave coefficients for libjpeg's"
                    + " block smoothing to estimate, which this modelparity does not reproduce");
        }
        if (greyLarge) {
            // grey; for an RGB model the grey is repeated, as Python's to_rgb does
            return Decoded.of(grey.standingFor(header.width(), header.height()).oriented(orientation));
        }
        return Decoded.byImageIo(jpeg.forImageIo());
    }
}
