package io.github.modelparity.picture;

import io.github.modelparity.PictureException;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.function.Function;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;

/**
 * Every picture no format decoder of ours decodes, through ImageIO (the JDK's readers and
 * TwelveMonkeys' WebP and CMYK JPEG): 8-bit grey from the raster's raw samples (never
 * BufferedImage.getRGB, which would colour-convert grey and 16-bit pictures), 16-bit,
 * palette, alpha over white or dropped ({@link Conversion}), CMYK as Pillow's naive cmyk2rgb.
 * Stateless.
 */
final class ImageIoDecoder {
    private ImageIoDecoder() {
    }

    static {
        // Pick up the TwelveMonkeys readers (WebP, CMYK JPEG) even where the context class
        // loader did not see them when ImageIO first scanned.
        ImageIO.scanForPlugins();
        ImageIO.setUseCache(false);
    }

    /**
     * Decodes the first frame of a picture's bytes, as stored (not yet oriented).
     *
     * @param adobe whether a CMYK JPEG's samples are inverted (an Adobe APP14 marker)
     */
    static GreyImage decode(Path path, byte[] bytes, DecodeOptions options, boolean adobe) throws PictureException {
        return read(path, bytes, options, reader -> read(reader, null, adobe, ImageIoDecoder::cmyk,
                image -> toGrey(image, options.conversion())));
    }

    /**
     * As {@link #decode}, to 8-bit RGB (python.data.colour.to_rgb, or Pillow's convert("RGB")):
     * grey repeated in every channel, alpha as the options' conversion says, CMYK by Pillow's
     * naive cmyk2rgb.
     */
    static Pixels decodeRgb(Path path, byte[] bytes, DecodeOptions options, boolean adobe, int orientation)
            throws PictureException {
        return read(path, bytes, options, reader -> read(reader, rgbOrdered(reader), adobe,
                raster -> cmykRgb(raster).oriented(orientation),
                image -> {
                    // The image is ours alone: an 8-bit RGB or grey one is read from its bytes
                    // (used in place where it can be), oriented in the same pass.
                    Pixels pixels = byteRgb(image, orientation, true);
                    return pixels != null ? pixels : toRgb(image, options.conversion()).oriented(orientation);
                }));
    }

    /**
     * As {@link #decodeRgb}, the pixels as stored with the orientation still to apply
     * ({@link StoredPixels}): an 8-bit RGB or grey picture read in place from the decoder's
     * array (red and blue swapped there where it holds BGR), grey as one channel; any other
     * kind converted to RGB as {@link #toRgb} converts it.
     */
    static StoredPixels decodeRgbStored(Path path, byte[] bytes, DecodeOptions options, boolean adobe, int orientation)
            throws PictureException {
        return read(path, bytes, options, reader -> read(reader, rgbOrdered(reader), adobe,
                raster -> new StoredPixels(cmykRgb(raster), orientation),
                image -> {
                    Pixels stored = byteStored(image);
                    return new StoredPixels(stored != null ? stored : toRgb(image, options.conversion()), orientation);
                }));
    }

    /**
     * The decoder's own array of an 8-bit RGB or grey picture without alpha, as it stores it:
     * RGB (red and blue swapped in place where the array holds BGR; the image is ours alone)
     * or one grey channel. Null for any other kind.
     */
    private static Pixels byteStored(BufferedImage img) {
        Interleaved a = Interleaved.of(img);
        if (a == null) {
            return null;
        }
        byte[] in = a.data();
        int[] offsets = a.offsets();
        if (a.bands() == 1) {
            return new Pixels(a.width(), a.height(), 1, in);
        }
        if (offsets[0] == 0 && offsets[1] == 1 && offsets[2] == 2) {
            return new Pixels(a.width(), a.height(), 3, in);
        }
        if (offsets[0] == 2 && offsets[1] == 1 && offsets[2] == 0) {
            for (int i = 0; i < in.length; i += 3) {
                byte b = in[i];
                in[i] = in[i + 2];
                in[i + 2] = b;
            }
            return new Pixels(a.width(), a.height(), 3, in);
        }
        return null;
    }

    /**
     * A decoded picture's one array of 8-bit samples, where it is an RGB or grey picture
     * without alpha stored interleaved in one byte array of exactly its pixels.
     *
     * @param data width * height * bands samples, row-major
     * @param width the picture's width
     * @param height its height
     * @param bands 3 (RGB) or 1 (grey)
     * @param offsets each band's offset in a pixel
     */
    private record Interleaved(byte[] data, int width, int height, int bands, int[] offsets) {
        /** @return the picture's array, or null where it is not of that kind */
        static Interleaved of(BufferedImage img) {
            ColorModel cm = img.getColorModel();
            WritableRaster raster = img.getRaster();
            if (cm instanceof IndexColorModel || cm.hasAlpha() || cm.isAlphaPremultiplied()
                    || !(raster.getSampleModel() instanceof PixelInterleavedSampleModel sm)
                    || !(raster.getDataBuffer() instanceof DataBufferByte data) || data.getNumBanks() != 1
                    || raster.getParent() != null || raster.getMinX() != 0 || raster.getMinY() != 0
                    || raster.getSampleModelTranslateX() != 0 || raster.getSampleModelTranslateY() != 0) {
                return null;
            }
            int bands = raster.getNumBands();
            int csType = cm.getColorSpace().getType();
            if (!(bands == 3 && csType == ColorSpace.TYPE_RGB) && !(bands == 1 && csType == ColorSpace.TYPE_GRAY)) {
                return null;
            }
            for (int b = 0; b < bands; b++) {
                if (cm.getComponentSize(b) != 8 || sm.getSampleSize(b) != 8) {
                    return null;
                }
            }
            int w = raster.getWidth();
            int h = raster.getHeight();
            byte[] in = data.getData();
            if (sm.getPixelStride() != bands || sm.getScanlineStride() != w * bands || data.getOffset() != 0
                    || in.length != (long) w * h * bands) {
                return null;
            }
            return new Interleaved(in, w, h, bands, sm.getBandOffsets());
        }
    }

    /** What is made of the picture once its reader is set up and its size checked. */
    private interface Reading<T> {
        T read(ImageReader reader) throws IOException;
    }

    private static <T> T read(Path path, byte[] bytes, DecodeOptions options, Reading<T> reading)
            throws PictureException {
        BytesImageInputStream in = new BytesImageInputStream(bytes);
        try (in) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new PictureException(path, "not a picture Java can read");
            }
            in.seek(0);
            in.forgetEnd(); // telling formats apart may have read past the end of a tiny file
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true); // forward only, skip metadata (text chunks)
                options.refuseBomb(path, reader.getWidth(0), reader.getHeight(0));
                return reading.read(reader);
            } finally {
                reader.dispose();
            }
        } catch (PictureException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // Truncated: the decoder asked for bytes beyond the end of the file. Decided from
            // what the decoder did, not from the wording of its error.
            boolean truncated = in.readPastEnd() || hasCause(e, EOFException.class);
            throw new PictureException(path, truncated ? "truncated picture"
                    : "unreadable picture (" + e.getMessage() + ")", e);
        }
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> kind) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (kind.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The picture's pixels in the form {@code cmyk} or {@code image} makes of them. CMYK
     * (JPEG): the raw samples, then Pillow's naive cmyk2rgb, not an ICC conversion; Pillow
     * takes CMYK JPEGs with an Adobe marker as inverted (Photoshop's convention).
     */
    private static <T> T read(ImageReader reader, ImageReadParam param, boolean adobe, Function<Raster, T> cmyk,
                              Function<BufferedImage, T> image) throws IOException {
        ImageTypeSpecifier raw = reader.getRawImageType(0);
        if (raw != null && raw.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_CMYK
                && reader.canReadRaster()) {
            Raster stored = reader.readRaster(0, null);
            WritableRaster r = stored.createCompatibleWritableRaster();
            r.setRect(stored);
            if (adobe) {
                invert(r);
            }
            return cmyk.apply(r);
        }
        return image.apply(param == null ? reader.read(0) : reader.read(0, param));
    }

    /**
     * Where the reader would decode to TYPE_3BYTE_BGR (a JPEG's or a PNG's 8-bit RGB), a
     * destination of the same colour space with the bands in RGB order: the JDK's readers then
     * copy each decoded row in whole (no row buffer made per row, as their copy into BGR
     * makes) and the array is the RGB samples already. Null (the reader's own choice) otherwise.
     */
    private static ImageReadParam rgbOrdered(ImageReader reader) throws IOException {
        Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
        ImageTypeSpecifier first = types != null && types.hasNext() ? types.next() : null;
        if (first == null || first.getBufferedImageType() != BufferedImage.TYPE_3BYTE_BGR) {
            return null;
        }
        ImageTypeSpecifier rgb = ImageTypeSpecifier.createInterleaved(first.getColorModel().getColorSpace(),
                new int[] {0, 1, 2}, DataBuffer.TYPE_BYTE, false, false);
        ImageReadParam param = reader.getDefaultReadParam();
        param.setDestination(rgb.createBufferedImage(reader.getWidth(0), reader.getHeight(0)));
        return param;
    }

    private static void invert(WritableRaster r) {

        int w = r.getWidth();
        int[] row = new int[w * r.getNumBands()];
        for (int y = 0; y < r.getHeight(); y++) {
            r.getPixels(r.getMinX(), r.getMinY() + y, w, 1, row);
            for (int i = 0; i < row.length; i++) {
                row[i] = 255 - row[i];
            }
            r.setPixels(r.getMinX(), r.getMinY() + y, w, 1, row);
        }
    }

    /** 8-bit grey of a decoded picture, from its raster's samples; alpha and 16-bit grey as {@code conversion} says. */
    static GreyImage toGrey(BufferedImage img, Conversion conversion) {
        boolean overWhite = conversion == Conversion.OVER_WHITE;
        Raw raw = Raw.of(img);
        ColorModel cm = raw.cm();
        WritableRaster raster = raw.raster();
        int w = raster.getWidth();
        int h = raster.getHeight();
        int[] out = new int[w * h];
        int bands = raster.getNumBands();
        int[] row = new int[w * bands];
        if (cm instanceof IndexColorModel) {
            IndexColorModel icm = (IndexColorModel) cm;
            int n = icm.getMapSize();
            int[] grey = new int[n];
            for (int i = 0; i < n; i++) {
                int l = Grey.luma(icm.getRed(i), icm.getGreen(i), icm.getBlue(i));
                grey[i] = icm.hasAlpha() && overWhite ? Grey.overWhite(l, icm.getAlpha(i)) : l;
            }
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    out[y * w + x] = grey[row[x]];
                }
            }
            return new GreyImage(w, h, out);
        }
        int csType = cm.getColorSpace().getType();
        boolean alpha = cm.hasAlpha();
        int colourBands = bands - (alpha ? 1 : 0);
        int bits = cm.getComponentSize(0);
        if (!raw.samplesReadable()) {
            // Other colour spaces (YCbCr rasters, Lab...): let Java convert to sRGB.
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int argb = img.getRGB(x, y);
                    int l = Grey.luma((argb >> 16) & 255, (argb >> 8) & 255, argb & 255);
                    out[y * w + x] = overWhite ? Grey.overWhite(l, argb >>> 24) : l;
                }
            }
            return new GreyImage(w, h, out);
        }
        if (csType == ColorSpace.TYPE_CMYK) {
            return cmyk(raster);
        }
        int[] max = raw.maxima();
        for (int y = 0; y < h; y++) {
            raster.getPixels(0, y, w, 1, row);
            for (int x = 0; x < w; x++) {
                int o = x * bands;
                int l;
                if (colourBands == 1) {
                    int v = row[o];
                    if (bits == 16 && !alpha) {
                        l = sixteen(v, conversion); // Pillow's I;16
                    } else {
                        l = to8(v, cm.getComponentSize(0), max[0]);
                    }
                } else {
                    l = Grey.luma(to8(row[o], cm.getComponentSize(0), max[0]),
                            to8(row[o + 1], cm.getComponentSize(1), max[1]),
                            to8(row[o + 2], cm.getComponentSize(2), max[2]));
                }
                if (alpha && overWhite) {
                    int a = to8(row[o + colourBands], cm.getComponentSize(colourBands), max[colourBands]);
                    l = Grey.overWhite(l, a);
                }
                out[y * w + x] = l;
            }
        }
        return new GreyImage(w, h, out);
    }

    /**
     * A 16-bit grey sample (Pillow's I;16) as 8 bits: scaled to 0..255 and rounded (the fast
     * route's rule), or clipped to 255 as Pillow's convert("L") does.
     */
    private static int sixteen(int v, Conversion conversion) {
        return conversion == Conversion.OVER_WHITE ? (int) (((long) v * 255 + 32767) / 65535) : Math.min(v, 255);
    }

    /** A sample of the given bit depth as 8 bits: 16-bit keeps the high byte, as Pillow decodes it. */
    private static int to8(int v, int bits, int max) {
        if (bits == 8) {
            return v;
        }
        if (bits == 16) {
            return v >>> 8;
        }
        return (int) Math.round(v * 255.0 / max);
    }

    /** Pillow's cmyk2rgb, then luma. */
    static GreyImage cmyk(Raster r) {
        int w = r.getWidth();
        int h = r.getHeight();
        int[] out = new int[w * h];
        int[] row = new int[w * 4];
        for (int y = 0; y < h; y++) {
            r.getPixels(r.getMinX(), r.getMinY() + y, w, 1, row);
            for (int x = 0; x < w; x++) {
                int nk = 255 - row[x * 4 + 3];
                int[] rgb = new int[3];
                for (int c = 0; c < 3; c++) {
                    int t = row[x * 4 + c] * nk + 128;
                    rgb[c] = Math.max(0, Math.min(255, nk - ((t + (t >> 8)) >> 8)));
                }
                out[y * w + x] = Grey.luma(rgb[0], rgb[1], rgb[2]);
            }
        }
        return new GreyImage(w, h, out);
    }

    /**
     * 8-bit RGB of a decoded picture, from its raster's samples: grey repeated, other depths
     * as the grey route reads them, palette entries through their colour; as
     * python.data.colour.to_rgb ({@link Conversion#OVER_WHITE}: alpha over white per channel,
     * a palette's alpha too, 16-bit grey by (v * 255 + 32767) / 65535) or Pillow's
     * convert("RGB") ({@link Conversion#PILLOW}: alpha dropped, 16-bit grey clipped to 255).
     */
    static Pixels toRgb(BufferedImage img, Conversion conversion) {
        Pixels fast = byteRgb(img, 1, false);
        if (fast != null) {
            return fast;
        }
        boolean overWhite = conversion == Conversion.OVER_WHITE;
        Raw raw = Raw.of(img);
        ColorModel cm = raw.cm();
        WritableRaster raster = raw.raster();
        int w = raster.getWidth();
        int h = raster.getHeight();
        byte[] out = new byte[w * h * 3];
        int bands = raster.getNumBands();
        int[] row = new int[w * bands];
        if (cm instanceof IndexColorModel icm) {
            int n = icm.getMapSize();
            byte[][] rgb = new byte[n][3];
            for (int i = 0; i < n; i++) {
                int[] c = {icm.getRed(i), icm.getGreen(i), icm.getBlue(i)};
                for (int k = 0; k < 3; k++) {
                    rgb[i][k] = (byte) (icm.hasAlpha() && overWhite ? Grey.overWhite(c[k], icm.getAlpha(i)) : c[k]);
                }
            }
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    System.arraycopy(rgb[row[x]], 0, out, (y * w + x) * 3, 3);
                }
            }
            return new Pixels(w, h, 3, out);
        }
        int csType = cm.getColorSpace().getType();
        boolean alpha = cm.hasAlpha();
        int colourBands = bands - (alpha ? 1 : 0);
        int bits = cm.getComponentSize(0);
        if (!raw.samplesReadable()) {
            // Other colour spaces (YCbCr rasters, Lab...): let Java convert to sRGB.
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int argb = img.getRGB(x, y);
                    int a = overWhite ? argb >>> 24 : 255;
                    int o = (y * w + x) * 3;
                    out[o] = (byte) Grey.overWhite((argb >> 16) & 255, a);
                    out[o + 1] = (byte) Grey.overWhite((argb >> 8) & 255, a);
                    out[o + 2] = (byte) Grey.overWhite(argb & 255, a);
                }
            }
            return new Pixels(w, h, 3, out);
        }
        if (csType == ColorSpace.TYPE_CMYK) {
            return cmykRgb(raster);
        }
        int[] max = raw.maxima();
        for (int y = 0; y < h; y++) {
            raster.getPixels(0, y, w, 1, row);
            for (int x = 0; x < w; x++) {
                int i = x * bands;
                int o = (y * w + x) * 3;
                boolean composite = alpha && overWhite;
                int a = composite ? to8(row[i + colourBands], cm.getComponentSize(colourBands), max[colourBands]) : 255;
                for (int k = 0; k < 3; k++) {
                    int v;
                    if (colourBands == 1) {
                        v = bits == 16 && !alpha ? sixteen(row[i], conversion) // Pillow's I;16
                                : to8(row[i], bits, max[0]);
                    } else {
                        v = to8(row[i + k], cm.getComponentSize(k), max[k]);
                    }
                    out[o + k] = (byte) (composite ? Grey.overWhite(v, a) : v);
                }
            }
        }
        return new Pixels(w, h, 3, out);
    }

    /**
     * The shortcut for the commonest decoded pictures, 8-bit RGB (a JPEG's TYPE_3BYTE_BGR, a
     * PNG's) or grey without alpha in one interleaved byte array: the same samples as
     * {@link #toRgb} reads (8-bit values are themselves under both conversions), taken
     * straight from the array, upright for the EXIF orientation in the same pass.
     *
     * @param img a decoded picture
     * @param orientation its EXIF orientation (1..8; anything else: upright)
     * @param owned whether the image may be reused: an RGB-ordered array is then kept as it
     *              is, a BGR one has its red and blue swapped in place
     * @return the upright RGB pixels, or null where the picture is not of that kind
     */
    static Pixels byteRgb(BufferedImage img, int orientation, boolean owned) {
        Interleaved a = Interleaved.of(img);
        if (a == null) {
            return null;
        }
        int bands = a.bands();
        int w = a.width();
        int h = a.height();
        int[] offsets = a.offsets();
        byte[] in = a.data();
        boolean upright = orientation < 2 || orientation > 8;
        if (bands == 3 && upright && owned) {
            if (offsets[0] == 0 && offsets[1] == 1 && offsets[2] == 2) {
                return new Pixels(w, h, 3, in);
            }
            if (offsets[0] == 2 && offsets[1] == 1 && offsets[2] == 0) {
                for (int i = 0; i < in.length; i += 3) {
                    byte b = in[i];
                    in[i] = in[i + 2];
                    in[i + 2] = b;
                }
                return new Pixels(w, h, 3, in);
            }
        }
        int r = bands == 3 ? offsets[0] : 0;
        int g = bands == 3 ? offsets[1] : 0;
        int b = bands == 3 ? offsets[2] : 0;
        return Pixels.orientedRgb(in, w, h, bands, r, g, b, orientation);
    }

    /** Pillow's cmyk2rgb. */
    static Pixels cmykRgb(Raster r) {
        int w = r.getWidth();
        int h = r.getHeight();
        byte[] out = new byte[w * h * 3];
        int[] row = new int[w * 4];
        for (int y = 0; y < h; y++) {
            r.getPixels(r.getMinX(), r.getMinY() + y, w, 1, row);
            for (int x = 0; x < w; x++) {
                int nk = 255 - row[x * 4 + 3];
                for (int c = 0; c < 3; c++) {
                    int t = row[x * 4 + c] * nk + 128;
                    out[(y * w + x) * 3 + c] = (byte) Math.max(0, Math.min(255, nk - ((t + (t >> 8)) >> 8)));
                }
            }
        }
        return new Pixels(w, h, 3, out);
    }

    /**
     * A decoded picture's raster with its alpha not premultiplied, and the colour model that
     * goes with it: where both conversions read the samples from.
     */
    private record Raw(ColorModel cm, WritableRaster raster) {
        static Raw of(BufferedImage img) {
            ColorModel cm = img.getColorModel();
            WritableRaster raster = img.getRaster();
            if (cm.isAlphaPremultiplied()) {
                raster = raster.createCompatibleWritableRaster();
                raster.setRect(img.getRaster());
                cm = cm.coerceData(raster, false);
            }
            return new Raw(cm, raster);
        }

        /** @return each band's largest value, (1 << bits) - 1 */
        int[] maxima() {
            int[] max = new int[raster.getNumBands()];
            for (int b = 0; b < max.length; b++) {
                max[b] = (1 << cm.getComponentSize(b)) - 1;
            }
            return max;
        }

        /** Grey, RGB (either with alpha) or CMYK without alpha: read from the raw samples. */
        boolean samplesReadable() {
            int csType = cm.getColorSpace().getType();
            int colourBands = raster.getNumBands() - (cm.hasAlpha() ? 1 : 0);
            return (csType == ColorSpace.TYPE_GRAY && colourBands == 1)
                    || (csType == ColorSpace.TYPE_RGB && colourBands == 3)
                    || (csType == ColorSpace.TYPE_CMYK && colourBands == 4 && !cm.hasAlpha());
        }
    }
}
