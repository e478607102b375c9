package io.github.selfiedeploy.classify.preprocess;

import io.github.selfiedeploy.classify.PictureException;
import io.github.selfiedeploy.classify.manifest.Manifest;
import io.github.selfiedeploy.classify.picture.DecodeOptions;
import io.github.selfiedeploy.classify.picture.GreyImage;
import io.github.selfiedeploy.classify.picture.PictureDecoder;
import io.github.selfiedeploy.classify.picture.jpeg.JpegDecoder;
import io.github.selfiedeploy.classify.picture.png.PngDecoder;
import java.awt.image.BufferedImage;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

/**
 * Picture to model input, exactly as python.data.pictures.load_image does it (the manifest's
 * preprocessing): decode (version 2: a large JPEG at 1/8, from its DC coefficients), EXIF
 * orientation, 8-bit grey (alpha over white), (version 2) a box reduction of large pictures,
 * Pillow's bilinear resize in float when the size differs, then x / 255 as float32.
 * Immutable and safe to share between threads.
 *
 * <p>Internal to the library: the Classifier prepares pictures with it; its constructors
 * follow the manifest's versions, which are no promise to callers.
 */
public final class Preprocessor {
    /** Our JPEG and PNG readers first, ImageIO for the rest. */
    private static final PictureDecoder DECODER = new PictureDecoder(List.of(new JpegDecoder(), new PngDecoder()));

    /** Version 2's box step leaves at least this many times the input size (Python's REDUCE_TO). */
    static final int REDUCE_TO = 2;

    private final int height;
    private final int width;
    private final long maxPixels;
    private final boolean reduces;
    /** Version 3's rescale factor (0: no rescaling); NaN for versions 1 and 2, which divide by 255. */
    private final double rescaleFactor;

    /** The newest preprocessing ({@link Manifest#PREPROCESSING_VERSION}), rescaled by 1/255. */
    Preprocessor(int height, int width, long maxPixels) {
        this(height, width, maxPixels, Manifest.PREPROCESSING_VERSION, 1 / 255.0);
    }

    /** The given preprocessing version, 1 (no reduction of large pictures) or 2, dividing by 255. */
    Preprocessor(int height, int width, long maxPixels, int version) {
        this(height, width, maxPixels, version, Double.NaN);
    }

    /**
     * The given preprocessing version and, for version 3, its rescale factor.
     *
     * @param height the model input's height
     * @param width the model input's width
     * @param maxPixels pictures with more pixels are refused
     * @param version 1 (no reduction of large pictures), 2 or 3
     * @param rescaleFactor version 3: each value becomes (float) (value * rescaleFactor), 0 for no
     *                      rescaling; ignored by versions 1 and 2, which divide by 255
     * @throws IllegalArgumentException for a size, version or factor that is not one
     */
    Preprocessor(int height, int width, long maxPixels, int version, double rescaleFactor) {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("size " + height + "x" + width + " must be positive");
        }
        if (version < 1 || version > Manifest.PREPROCESSING_VERSION) {
            throw new IllegalArgumentException("preprocessing version " + version + " is not implemented");
        }
        if (version >= 3 && !(rescaleFactor >= 0)) {
            throw new IllegalArgumentException("rescale factor " + rescaleFactor + " is not one");
        }
        this.height = height;
        this.width = width;
        this.maxPixels = maxPixels;
        this.reduces = version >= 2;
        this.rescaleFactor = version >= 3 ? rescaleFactor : Double.NaN;
    }

    /**
     * @return the decoder chain every preprocessing uses (our JPEG and PNG readers, then
     *         ImageIO), for the tests of its parts
     */
    public static PictureDecoder decoder() {
        return DECODER;
    }

    /** The preprocessing that manifest describes. */
    public static Preprocessor of(Manifest manifest) {
        return new Preprocessor(manifest.height(), manifest.width(), manifest.maxPixels(),
                manifest.preprocessingVersion(), manifest.rescaleFactor());
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /** The model input for one picture file: float32 [height * width] in [0, 1], row-major. */
    public float[] load(Path picture) throws PictureException {
        return toInput(DECODER.decode(picture, PictureDecoder.readFile(picture), decodeOptions()));
    }

    /**
     * The model input for a picture's bytes, read elsewhere (a distributed file system, a
     * request body): the same floats as {@link #load(Path)} gives for a file holding those
     * bytes. {@code name} only names the picture in a {@link PictureException}.
     */
    public float[] load(String name, byte[] bytes) throws PictureException {
        if (bytes == null) {
            throw new IllegalArgumentException("bytes is null");
        }
        Path named;
        try {
            named = Path.of(name);
        } catch (InvalidPathException e) {
            named = Path.of(name.replace('\0', '?'));
        }
        return toInput(DECODER.decode(named, bytes, decodeOptions()));
    }

    /**
     * What the decoders may do: version 2 and later decode a JPEG whose shorter side is at
     * least 1/8-scale's worth of the box step's side at 1/8, and take the box step's sums
     * while decoding (the box divides the shorter side by REDUCE_TO * reduce_side); version 1
     * decodes every picture whole.
     */
    DecodeOptions decodeOptions() {
        return reduces
                ? new DecodeOptions(maxPixels, JpegDecoder.SCALE * REDUCE_TO * reduceSide(), REDUCE_TO * reduceSide())
                : DecodeOptions.whole(maxPixels);
    }

    /** The manifest's reduce_side: the larger side of the input (its height when square). */
    private int reduceSide() {
        return Math.max(height, width);
    }

    /**
     * The model input for a decoded image, read from its raster's samples (no EXIF here:
     * the image is taken as upright).
     */
    public float[] fromImage(BufferedImage image) {
        if (image == null) {
            throw new IllegalArgumentException("image is null");
        }
        return toInput(PictureDecoder.fromImage(image));
    }

    float[] toInput(GreyImage grey) {
        int factor = reduces ? Math.min(grey.width(), grey.height()) / (REDUCE_TO * reduceSide()) : 1;
        float[] f;
        int w = grey.width();
        int h = grey.height();
        if (grey.box() > 1) { // the decoder summed the blocks already
            f = average(grey.pixels(), grey.box());
        } else if (factor >= 2) {
            w = grey.width() / factor;
            h = grey.height() / factor;
            f = box(grey, factor, w, h);
        } else {
            f = new float[grey.pixels().length];
            for (int i = 0; i < f.length; i++) {
                f[i] = grey.pixels()[i];
            }
        }
        if (w != width || h != height) {
            f = Resize.bilinear(f, w, h, width, height);
        }
        if (Double.isNaN(rescaleFactor)) { // versions 1 and 2
            for (int i = 0; i < f.length; i++) {
                f[i] = f[i] / 255f;
            }
        } else if (rescaleFactor != 0) { // Hugging Face's rescale: upcast, multiply, downcast
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) (f[i] * rescaleFactor);
            }
        }
        return f;
    }

    /**
     * The manifest's box step: the centred (w * f) x (h * f) crop, each f x f block's integer
     * sum as float32 divided by float32(f * f).
     */
    static float[] box(GreyImage grey, int f, int w, int h) {
        int x0 = (grey.width() - w * f) / 2;
        int y0 = (grey.height() - h * f) / 2;
        int[] sums = new int[w * h];
        for (int y = 0; y < h * f; y++) {
            int in = (y0 + y) * grey.width() + x0;
            int out = (y / f) * w;
            for (int bx = 0; bx < w; bx++) {
                int sum = 0;
                for (int end = in + f; in < end; in++) {
                    sum += grey.pixels()[in];
                }
                sums[out + bx] += sum;
            }
        }
        return average(sums, f);
    }

    /** Each f x f block's sum as float32 divided by float32(f * f). */
    private static float[] average(int[] sums, int f) {
        float[] out = new float[sums.length];
        float n = f * f;
        for (int i = 0; i < out.length; i++) {
            out[i] = sums[i] / n;
        }
        return out;
    }
}
