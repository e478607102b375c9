package selfie.classify;

import com.drew.imaging.ImageMetadataReader;
import com.drew.imaging.ImageProcessingException;
import com.drew.metadata.Metadata;
import com.drew.metadata.adobe.AdobeJpegDirectory;
import com.drew.metadata.exif.ExifIFD0Directory;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;

/**
 * Picture file to 8-bit grey, the Java twin of python.data.pictures.decode_grey: large JPEGs at
 * 1/8 from their DC coefficients ({@link JpegDc}), 8-bit grey and RGB PNGs by {@link PngGrey},
 * everything else through ImageIO; EXIF orientation,
 * greyscale from the raster's raw samples (never BufferedImage.getRGB, which would
 * colour-convert grey and 16-bit pictures), 16-bit, palette, alpha over white, CMYK.
 * Stateless; safe from many threads.
 */
final class PictureDecoder {
    private PictureDecoder() {
    }

    static {
        // Pick up the TwelveMonkeys readers (WebP, CMYK JPEG) even where the context class
        // loader did not see them when ImageIO first scanned.
        ImageIO.scanForPlugins();
        ImageIO.setUseCache(false);
    }

    /**
     * Decodes the first frame of a picture file to upright 8-bit grey. The file is opened and
     * read once: its metadata (EXIF orientation, Adobe marker) and its pixels both come from
     * those bytes, so a file that can be read only once (a pipe) works too, and a file
     * replaced while it is read cannot mix two versions.
     */
    static GreyImage decode(Path path, long maxPixels) throws PictureException {
        return decode(path, maxPixels, 0);
    }

    /**
     * As {@link #decode(Path, long)}, but a JPEG whose shorter side is at least
     * {@code dcMinSide} (0: none) and that {@link JpegDc} decodes exactly as libjpeg comes at
     * 1/8 scale, its luma from the DC coefficients (the manifest's preprocessing.jpeg_dc).
     */
    static GreyImage decode(Path path, long maxPixels, int dcMinSide) throws PictureException {
        return decode(path, readOnce(path), maxPixels, dcMinSide);
    }

    /**
     * As {@link #decode(Path, long, int)} for a picture's bytes read elsewhere (a distributed
     * file system, a request): the same bytes give the same grey; {@code path} only names the
     * picture in errors.
     */
    static GreyImage decode(Path path, byte[] bytes, long maxPixels, int dcMinSide) throws PictureException {
        return decode(path, bytes, maxPixels, dcMinSide, 0);
    }

    /**
     * As {@link #decode(Path, byte[], long, int)}, but where the manifest's box step will
     * reduce the picture by f = min(width, height) / {@code boxSide} &gt;= 2 (0: never) and a
     * decoder can take the block sums row by row (an upright PNG that {@link PngGrey} reads),
     * it returns those sums ({@link GreyImage#box} f) instead of every pixel.
     */
    static GreyImage decode(Path path, byte[] bytes, long maxPixels, int dcMinSide, int boxSide)
            throws PictureException {
        if (bytes.length == 0) {
            throw new PictureException(path, "empty file");
        }
        JpegDc.Header jpeg = JpegDc.isJpeg(bytes) ? JpegDc.header(bytes) : null;
        if (JpegDc.isJpeg(bytes) && (jpeg == null || jpeg.decodable())) {
            if (jpeg != null) {
                refuseBomb(path, jpeg.width(), jpeg.height(), maxPixels);
            }
            // Markers and entropy-coded data read as libjpeg-turbo reads them, so that what
            // Pillow refuses (data that runs out before the picture is whole, a fatal error) is
            // refused, where ImageIO's libjpeg would fill it in with a warning. Without a usable
            // frame header this throws libjpeg's reason.
            GreyImage dc = JpegDc.decode(bytes, path);
            if (jpeg != null && dcMinSide > 0 && Math.min(jpeg.width(), jpeg.height()) >= dcMinSide) {
                return dc.oriented(orientation(metadata(bytes)));
            }
        }
        byte[] forImageIo = bytes;
        if (PngChunks.isPng(bytes)) {
            PngChunks png = PngChunks.open(bytes, path);
            refuseBomb(path, Integer.toUnsignedLong(png.width()), Integer.toUnsignedLong(png.height()), maxPixels);
            if (PngGrey.decodes(png)) {
                int orientation = orientation(metadata(bytes));
                int box = boxSide > 0 ? Math.min(png.width(), png.height()) / boxSide : 1;
                if (box >= 2 && (orientation < 2 || orientation > 8)) { // upright, as oriented() reads it
                    return PngGrey.decodeBoxed(png, path, box);
                }
                return PngGrey.decode(png, path).oriented(orientation);
            }
            forImageIo = png.checkedForImageIo();
        }
        Metadata metadata = metadata(bytes);
        GreyImage grey;
        BytesImageInputStream in = new BytesImageInputStream(forImageIo);
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
                refuseBomb(path, reader.getWidth(0), reader.getHeight(0), maxPixels);
                grey = read(reader, hasAdobeMarker(metadata));
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
        return grey.oriented(orientation(metadata));
    }

    private static void refuseBomb(Path path, long w, long h, long maxPixels) throws PictureException {
        if (w * h > maxPixels) {
            throw new PictureException(path, "decompression bomb: " + w + "x" + h + " exceeds "
                    + maxPixels + " pixels");
        }
    }

    /** The whole file, read through one open. */
    static byte[] readOnce(Path path) throws PictureException {
        try {
            return Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new PictureException(path, "no such file");
        } catch (IOException e) {
            if (Files.isDirectory(path)) {
                throw new PictureException(path, "is a folder, not a picture");
            }
            throw new PictureException(path, "cannot read (" + e.getMessage() + ")", e);
        } catch (OutOfMemoryError e) {
            throw new PictureException(path, "too large to read into memory");
        }
    }

    /** Every metadata directory metadata-extractor finds in the bytes; none when it cannot read them. */
    static Metadata metadata(byte[] bytes) {
        try {
            return ImageMetadataReader.readMetadata(new ByteArrayInputStream(bytes), bytes.length);
        } catch (ImageProcessingException | IOException | RuntimeException e) {
            return new Metadata(); // no readable metadata: Pillow treats that as none too
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

    private static GreyImage read(ImageReader reader, boolean adobe) throws IOException {
        ImageTypeSpecifier raw = reader.getRawImageType(0);
        if (raw != null && raw.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_CMYK
                && reader.canReadRaster()) {
            // CMYK (JPEG): the raw samples, then Pillow's naive cmyk2rgb, not an ICC conversion.
            // Pillow takes CMYK JPEGs with an Adobe marker as inverted (Photoshop's convention).
            Raster stored = reader.readRaster(0, null);
            WritableRaster r = stored.createCompatibleWritableRaster();
            r.setRect(stored);
            if (adobe) {
                invert(r);
            }
            return cmyk(r);
        }
        BufferedImage img = reader.read(0);
        return toGrey(img);
    }

    /** Whether a JPEG has an Adobe APP14 segment (metadata-extractor's AdobeJpegDirectory). */
    static boolean hasAdobeMarker(Metadata metadata) {
        return metadata.containsDirectoryOfType(AdobeJpegDirectory.class);
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

    /** EXIF Orientation (tag 0x0112 of IFD0), 1 when absent or unreadable. */
    static int orientation(Metadata metadata) {
        for (ExifIFD0Directory d : metadata.getDirectoriesOfType(ExifIFD0Directory.class)) {
            if (d.containsTag(ExifIFD0Directory.TAG_ORIENTATION)) {
                Integer o = d.getInteger(ExifIFD0Directory.TAG_ORIENTATION);
                return o == null ? 1 : o;
            }
        }
        return 1;
    }

    static int luma(int r, int g, int b) {
        return (19595 * r + 38470 * g + 7471 * b + 32768) >> 16;
    }

    static int overWhite(int grey, int alpha) {
        return (grey * alpha + 255 * (255 - alpha) + 127) / 255;
    }

    /** 8-bit grey of a decoded picture, from its raster's samples. */
    static GreyImage toGrey(BufferedImage img) {
        ColorModel cm = img.getColorModel();
        WritableRaster raster = img.getRaster();
        if (cm.isAlphaPremultiplied()) {
            raster = raster.createCompatibleWritableRaster();
            raster.setRect(img.getRaster());
            cm = cm.coerceData(raster, false);
        }
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
                int l = luma(icm.getRed(i), icm.getGreen(i), icm.getBlue(i));
                grey[i] = icm.hasAlpha() ? overWhite(l, icm.getAlpha(i)) : l;
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
        boolean ok = (csType == ColorSpace.TYPE_GRAY && colourBands == 1)
                || (csType == ColorSpace.TYPE_RGB && colourBands == 3)
                || (csType == ColorSpace.TYPE_CMYK && colourBands == 4 && !alpha);
        if (!ok) {
            // Other colour spaces (YCbCr rasters, Lab...): let Java convert to sRGB.
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int argb = img.getRGB(x, y);
                    int l = luma((argb >> 16) & 255, (argb >> 8) & 255, argb & 255);
                    out[y * w + x] = overWhite(l, argb >>> 24);
                }
            }
            return new GreyImage(w, h, out);
        }
        if (csType == ColorSpace.TYPE_CMYK) {
            return cmyk(raster);
        }
        int[] max = new int[bands];
        for (int b = 0; b < bands; b++) {
            max[b] = (1 << cm.getComponentSize(b)) - 1;
        }
        for (int y = 0; y < h; y++) {
            raster.getPixels(0, y, w, 1, row);
            for (int x = 0; x < w; x++) {
                int o = x * bands;
                int l;
                if (colourBands == 1) {
                    int v = row[o];
                    if (bits == 16 && !alpha) {
                        l = (int) (((long) v * 255 + 32767) / 65535); // Pillow I;16 -> L
                    } else {
                        l = to8(v, cm.getComponentSize(0), max[0]);
                    }
                } else {
                    l = luma(to8(row[o], cm.getComponentSize(0), max[0]),
                            to8(row[o + 1], cm.getComponentSize(1), max[1]),
                            to8(row[o + 2], cm.getComponentSize(2), max[2]));
                }
                if (alpha) {
                    int a = to8(row[o + colourBands], cm.getComponentSize(colourBands), max[colourBands]);
                    l = overWhite(l, a);
                }
                out[y * w + x] = l;
            }
        }
        return new GreyImage(w, h, out);
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
                out[y * w + x] = luma(rgb[0], rgb[1], rgb[2]);
            }
        }
        return new GreyImage(w, h, out);
    }
}
