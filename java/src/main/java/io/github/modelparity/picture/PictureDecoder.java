package io.github.modelparity.picture;

import com.drew.imaging.ImageMetadataReader;
import com.drew.imaging.ImageProcessingException;
import com.drew.metadata.Metadata;
import com.drew.metadata.adobe.AdobeJpegDirectory;
import com.drew.metadata.exif.ExifIFD0Directory;
import com.drew.metadata.xmp.XmpDirectory;
import io.github.modelparity.PictureException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Picture file to upright 8-bit grey, the Java twin of python.data.pictures.decode_grey: the
 * format decoders it is given (JPEG and PNG readers of our own) first, then ImageIO for
 * whatever they hand on; the EXIF orientation and Adobe marker from metadata-extractor.
 * Immutable; safe from many threads.
 */
public final class PictureDecoder {
    private final List<FormatDecoder> formats;

    /**
     * @param formats the format decoders, tried in order; the first whose {@link FormatDecoder#reads}
     *                accepts the bytes decodes them
     */
    public PictureDecoder(List<FormatDecoder> formats) {
        this.formats = List.copyOf(formats);
    }

    /**
     * Decodes the first frame of a picture's bytes to upright 8-bit grey. The metadata (EXIF
     * orientation, Adobe marker) and the pixels both come from these bytes, so a file read once
     * (a pipe) works, and a file replaced while it was read cannot mix two versions.
     *
     * @param path names the picture in errors
     * @param bytes the picture file's bytes
     * @param options the manifest's limits and shortcuts
     * @return the upright grey picture (block sums where {@link DecodeOptions#boxSide()} allowed)
     * @throws PictureException if the bytes are empty, damaged, not a picture, or too many pixels
     */
    public GreyImage decode(Path path, byte[] bytes, DecodeOptions options) throws PictureException {
        if (bytes.length == 0) {
            throw new PictureException(path, "empty file");
        }
        Metadata metadata = metadata(forMetadata(bytes));
        int orientation = orientation(metadata);
        byte[] forImageIo = bytes;
        for (FormatDecoder format : formats) {
            if (format.reads(bytes)) {
                FormatDecoder.Decoded decoded = format.decode(bytes, path, options, orientation);
                if (decoded.picture() != null) {
                    return decoded.picture();
                }
                forImageIo = decoded.forImageIo();
                break;
            }
        }
        return ImageIoDecoder.decode(path, forImageIo, options, hasAdobeMarker(metadata)).oriented(orientation);
    }

    /**
     * Decodes the first frame of a picture's bytes to upright 8-bit RGB
     * (python.data.decode.decode_pixels with an RGB recipe): the format decoders check the
     * file by their rules as for grey, then ImageIO decodes the pixels of every kind. A JPEG
     * large enough for {@link DecodeOptions#draftScale} comes at that scale, as in Python: a
     * grey one repeated in three channels, a 4:4:4 or 4:2:0 colour one in RGB as
     * libjpeg-turbo scales it (Pillow's draft("RGB")); its {@link Pixels#fullWidth()} and
     * height are the picture's own.
     *
     * @param path names the picture in errors
     * @param bytes the picture file's bytes
     * @param options the manifest's limits; boxSide is not used
     * @return the upright RGB picture
     * @throws PictureException if the bytes are empty, damaged, not a picture, or too many pixels
     */
    public Pixels decodeRgb(Path path, byte[] bytes, DecodeOptions options) throws PictureException {
        RgbStart start = rgbStart(path, bytes, options);
        if (start.reduced() != null) { // a large colour JPEG, reduced
            return start.reduced();
        }
        if (start.reducedGrey() != null) { // a large grey JPEG, reduced: grey repeated
            return repeated(start.reducedGrey());
        }
        return ImageIoDecoder.decodeRgb(path, start.forImageIo(), start.options(), start.adobe(), start.orientation());
    }

    /**
     * As {@link #decodeRgb}, the pixels as the file stores them and the EXIF orientation still
     * to apply, a grey picture as one channel (python.data.decode.decode_pixels with an RGB
     * recipe, before exif_transpose and before convert repeats the grey): for the faithful
     * route, whose resize reads them so ({@link StoredPixels}). Pictures a format decoder of
     * ours decodes (reduced JPEGs) come upright, with orientation 1.
     *
     * @param path names the picture in errors
     * @param bytes the picture file's bytes
     * @param options the manifest's limits; boxSide is not used
     * @return the stored picture and its orientation
     * @throws PictureException if the bytes are empty, damaged, not a picture, or too many pixels
     */
    public StoredPixels decodeRgbStored(Path path, byte[] bytes, DecodeOptions options) throws PictureException {
        RgbStart start = rgbStart(path, bytes, options);
        if (start.reduced() != null) {
            return new StoredPixels(start.reduced(), 1);
        }
        if (start.reducedGrey() != null) {
            GreyImage g = start.reducedGrey();
            byte[] samples = new byte[g.pixels().length];
            for (int i = 0; i < samples.length; i++) {
                samples[i] = (byte) g.pixels()[i];
            }
            return new StoredPixels(new Pixels(g.width(), g.height(), 1, samples, g.fullWidth(), g.fullHeight()), 1);
        }
        return ImageIoDecoder.decodeRgbStored(path, start.forImageIo(), start.options(), start.adobe(),
                start.orientation());
    }

    /**
     * What the RGB decodes share before ImageIO: the metadata's orientation, and the format
     * decoders' check. A large JPEG comes back reduced (colour, or grey), already upright.
     */
    private record RgbStart(DecodeOptions options, int orientation, boolean adobe, byte[] forImageIo,
            Pixels reduced, GreyImage reducedGrey) {
    }

    private RgbStart rgbStart(Path path, byte[] bytes, DecodeOptions options) throws PictureException {
        if (bytes.length == 0) {
            throw new PictureException(path, "empty file");
        }
        Metadata metadata = metadata(forMetadata(bytes));
        int orientation = orientation(metadata);
        boolean adobe = hasAdobeMarker(metadata);
        DecodeOptions rgb = new DecodeOptions(options.maxPixels(), options.draftSide(), options.draftScales(), 0, 3,
                options.conversion());
        for (FormatDecoder format : formats) {
            if (format.reads(bytes)) {
                FormatDecoder.Decoded decoded = format.decode(bytes, path, rgb, orientation);
                return new RgbStart(rgb, orientation, adobe, decoded.forImageIo(), decoded.rgb(), decoded.picture());
            }
        }
        return new RgbStart(rgb, orientation, adobe, bytes, null, null);
    }

    private static Pixels repeated(GreyImage grey) {
        int[] g = grey.pixels();
        byte[] out = new byte[g.length * 3];
        for (int i = 0; i < g.length; i++) {
            byte v = (byte) g[i];
            out[3 * i] = v;
            out[3 * i + 1] = v;
            out[3 * i + 2] = v;
        }
        return new Pixels(grey.width(), grey.height(), 3, out, grey.fullWidth(), grey.fullHeight());
    }

    /**
     * The whole file, read through one open.
     *
     * @param path a picture file
     * @return its bytes
     * @throws PictureException naming the file if it is missing, a folder or unreadable
     */
    public static byte[] readFile(Path path) throws PictureException {
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

    /**
     * 8-bit grey of a decoded picture, from its raster's samples (taken as upright).
     *
     * @param image a decoded picture
     * @param conversion alpha over white (the fast route) or dropped (the faithful one)
     * @return its grey, as the same pixels in a file would give
     */
    public static GreyImage fromImage(BufferedImage image, Conversion conversion) {
        return ImageIoDecoder.toGrey(image, conversion);
    }

    /**
     * 8-bit RGB of a decoded picture, from its raster's samples (taken as upright).
     *
     * @param image a decoded picture
     * @param conversion alpha over white (the fast route) or dropped (the faithful one)
     * @return its RGB, as the same pixels in a file would give
     */
    public static Pixels fromImageRgb(BufferedImage image, Conversion conversion) {
        return ImageIoDecoder.toRgb(image, conversion);
    }

    /** What the metadata reader reads of a file: the part its format decoder names, else all of it. */
    private byte[] forMetadata(byte[] bytes) {
        for (FormatDecoder format : formats) {
            if (format.reads(bytes)) {
                return format.forMetadata(bytes);
            }
        }
        return bytes;
    }

    /** Every metadata directory metadata-extractor finds in the bytes; none when it cannot read them. */
    private static Metadata metadata(byte[] bytes) {
        try {
            return ImageMetadataReader.readMetadata(new ByteArrayInputStream(bytes), bytes.length);
        } catch (ImageProcessingException | IOException | RuntimeException e) {
            return new Metadata(); // no readable metadata: Pillow treats that as none too
        }
    }

    /** Whether a JPEG has an Adobe APP14 segment (metadata-extractor's AdobeJpegDirectory). */
    private static boolean hasAdobeMarker(Metadata metadata) {
        return metadata.containsDirectoryOfType(AdobeJpegDirectory.class);
    }

    /**
     * EXIF Orientation (tag 0x0112 of IFD0) of the last EXIF block, which is Pillow's (each
     * APP1 Exif segment, each eXIf chunk, before the image or after it, replaces the one
     * before); without one, the XMP packet's tiff:Orientation (its first digit), as Pillow's
     * getexif takes it (a JPEG's APP1 XMP, a PNG's XML:com.adobe.xmp text); 1 when neither is
     * there or readable.
     */
    private static int orientation(Metadata metadata) {
        ExifIFD0Directory last = null;
        for (ExifIFD0Directory d : metadata.getDirectoriesOfType(ExifIFD0Directory.class)) {
            last = d;
        }
        if (last != null && last.containsTag(ExifIFD0Directory.TAG_ORIENTATION)) {
            Integer o = last.getInteger(ExifIFD0Directory.TAG_ORIENTATION);
            return o == null ? 1 : o;
        }
        for (XmpDirectory d : metadata.getDirectoriesOfType(XmpDirectory.class)) {
            String o = d.getXmpProperties().get("tiff:Orientation");
            if (o != null && !o.isEmpty() && Character.isDigit(o.charAt(0))) {
                return o.charAt(0) - '0';
            }
        }
        return 1;
    }

}
