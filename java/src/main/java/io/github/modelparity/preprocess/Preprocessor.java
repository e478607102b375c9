package io.github.modelparity.preprocess;

import io.github.modelparity.PictureException;
import io.github.modelparity.manifest.Manifest;
import io.github.modelparity.manifest.Recipe;
import io.github.modelparity.picture.Conversion;
import io.github.modelparity.picture.DecodeOptions;
import io.github.modelparity.picture.GreyImage;
import io.github.modelparity.picture.PictureDecoder;
import io.github.modelparity.picture.Pixels;
import io.github.modelparity.picture.StoredPixels;
import io.github.modelparity.picture.jpeg.JpegDecoder;
import io.github.modelparity.picture.png.PngDecoder;
import java.awt.image.BufferedImage;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

/**
 * Picture to model input, exactly as python.data.pictures.load_image does it with the
 * manifest's preprocessing. The fast route: decode (with draft, a large JPEG at 1/8, 1/4 or
 * 1/2 as libjpeg-turbo's scaled decoding gives it; a large PNG box-summed while decoded),
 * EXIF orientation, 8-bit grey or RGB (alpha over white), then the recipe's steps
 * ({@link Inputs}): the box step, the resize, the centre crop, the rescale, the
 * normalisation. The faithful route: the whole picture decoded, EXIF orientation, grey or RGB
 * as Pillow's convert makes them (alpha dropped), Pillow's 8-bit resize, then the same crop,
 * rescale and normalisation; for RGB the resize reads the picture as its file stores it
 * ({@link StoredPixels}), with no upright copy. Immutable and safe to share between threads.
 *
 * <p>Internal to the library: the Classifier prepares pictures with it; its constructors
 * follow the manifest's versions, which are no promise to callers.
 */
public final class Preprocessor {
    /** Our JPEG and PNG readers first, ImageIO for the rest. */
    private static final PictureDecoder DECODER = new PictureDecoder(List.of(new JpegDecoder(), new PngDecoder()));

    /** The box step's gap of {@link #Preprocessor(int, int, long)}: Python's REDUCE_TO. */
    static final int REDUCE_TO = 2;

    private final int height;
    private final int width;
    private final long maxPixels;
    /** The manifest's steps. */
    private final Recipe recipe;

    /** The newest preprocessing, grey, bilinear to height x width, rescaled by 1/255. */
    Preprocessor(int height, int width, long maxPixels) {
        this(maxPixels, greyRecipe(height, width));
    }

    /**
     * The recipe's steps, on its route.
     *
     * @param maxPixels pictures with more pixels are refused
     * @param recipe the manifest's preprocessing
     */
    Preprocessor(long maxPixels, Recipe recipe) {
        int[] out = recipe.outputSize();
        this.height = out[0];
        this.width = out[1];
        this.maxPixels = maxPixels;
        this.recipe = recipe;
    }

    private static Recipe greyRecipe(int height, int width) {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("size " + height + "x" + width + " must be positive");
        }
        return new Recipe(1, true, new Recipe.Size(height, width, 0), Resize.BILINEAR, false, null, true,
                1 / 255.0, false, new float[0], new float[0], REDUCE_TO);
    }

    /**
     * @return the decoder chain every preprocessing uses (our JPEG and PNG readers, then
     *         ImageIO), for the tests of its parts
     */
    public static PictureDecoder decoder() {
        return DECODER;
    }

    /**
     * @param manifest an artifacts folder's manifest
     * @return the preprocessing it describes
     */
    public static Preprocessor of(Manifest manifest) {
        return new Preprocessor(manifest.maxPixels(), manifest.recipe());
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /** @return the model input's channels: 1 grey, 3 RGB */
    public int channels() {
        return recipe.channels();
    }

    /** The model input for one picture file: float32 [height, width, channels], row-major. */
    public float[] load(Path picture) throws PictureException {
        return load(picture, PictureDecoder.readFile(picture));
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
        return load(named, bytes);
    }

    private float[] load(Path path, byte[] bytes) throws PictureException {
        if (channels() == 3 && recipe.faithful()) {
            // The whole picture as stored, resized along the axes its orientation maps: no upright copy
            StoredPixels stored = DECODER.decodeRgbStored(path, bytes, decodeOptions());
            try {
                return Inputs.fromStored(stored, recipe);
            } catch (IllegalArgumentException e) { // the recipe cannot take this picture: Python's ValueError
                throw new PictureException(path, e.getMessage());
            }
        }
        if (channels() == 3) {
            return prepared(path, DECODER.decodeRgb(path, bytes, decodeOptions()));
        }
        return toInput(path, DECODER.decode(path, bytes, decodeOptions()));
    }

    /**
     * What the decoders may do. The fast route with a resize decodes a large JPEG reduced (with
     * draft): at the first scale s of the recipe's draft_scales with min(width, height) &gt;=
     * s * reduce_to * reduce_side, and takes the box step's sums while decoding (the box divides
     * the shorter side by reduce_to * reduce_side); without a resize it decodes every picture
     * whole. The faithful route decodes every picture whole, converted as Pillow converts it.
     */
    DecodeOptions decodeOptions() {
        if (recipe.faithful()) {
            return DecodeOptions.faithful(maxPixels, channels());
        }
        if (!recipe.doResize()) {
            return new DecodeOptions(maxPixels, 0, 0, channels());
        }
        int side = recipe.reduceTo() * recipe.reduceSide();
        int draftSide = recipe.draft() ? side : 0;
        return new DecodeOptions(maxPixels, draftSide, recipe.draftScales(), side, channels(), Conversion.OVER_WHITE);
    }

    /**
     * The model input for a decoded image, read from its raster's samples (no EXIF here:
     * the image is taken as upright).
     */
    public float[] fromImage(BufferedImage image) {
        if (image == null) {
            throw new IllegalArgumentException("image is null");
        }
        Path named = Path.of("image");
        Conversion conversion = decodeOptions().conversion();
        try {
            return channels() == 3 ? prepared(named, PictureDecoder.fromImageRgb(image, conversion))
                    : toInput(named, PictureDecoder.fromImage(image, conversion));
        } catch (PictureException e) {
            throw new IllegalArgumentException(e.reason(), e);
        }
    }

    /** An RGB recipe's steps on decoded pixels. */
    private float[] prepared(Path path, Pixels pixels) throws PictureException {
        try {
            return Inputs.fromPixels(pixels.samples(), pixels.width(), pixels.height(), pixels.fullWidth(),
                    pixels.fullHeight(), recipe);
        } catch (IllegalArgumentException e) { // the recipe cannot take this picture: Python's ValueError
            throw new PictureException(path, e.getMessage());
        }
    }

    /** Grey: the recipe's steps. */
    float[] toInput(Path path, GreyImage grey) throws PictureException {
        try {
            if (grey.box() > 1) { // the decoder summed the blocks already
                return Inputs.fromValues(average(grey.pixels(), grey.box()), grey.width(), grey.height(),
                        grey.fullWidth(), grey.fullHeight(), recipe);
            }
            return Inputs.fromPixels(grey.pixels(), grey.width(), grey.height(), grey.fullWidth(),
                    grey.fullHeight(), recipe);
        } catch (IllegalArgumentException e) {
            throw new PictureException(path, e.getMessage());
        }
    }

    /** For tests of the grey steps: a decoded grey picture through this preprocessing. */
    float[] toInput(GreyImage grey) {
        try {
            return toInput(Path.of("picture"), grey);
        } catch (PictureException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
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
