package selfie.classify;

import java.awt.image.BufferedImage;
import java.nio.file.Path;

/**
 * Picture to model input, exactly as python.data.pictures.load_image does it (the manifest's
 * preprocessing, version 1): decode, EXIF orientation, 8-bit grey (alpha over white),
 * Pillow's bilinear resize in float when the size differs, then x / 255 as float32.
 * Immutable and safe to share between threads.
 */
public final class Preprocessor {
    private final int height;
    private final int width;
    private final long maxPixels;

    public Preprocessor(int height, int width, long maxPixels) {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("size " + height + "x" + width + " must be positive");
        }
        this.height = height;
        this.width = width;
        this.maxPixels = maxPixels;
    }

    /** The preprocessing that manifest describes. */
    public static Preprocessor of(Manifest manifest) {
        return new Preprocessor(manifest.height(), manifest.width(), manifest.maxPixels());
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /** The model input for one picture file: float32 [height * width] in [0, 1], row-major. */
    public float[] load(Path picture) throws PictureException {
        return toInput(PictureDecoder.decode(picture, maxPixels));
    }

    /**
     * The model input for a decoded image, read from its raster's samples (no EXIF here:
     * the image is taken as upright).
     */
    public float[] fromImage(BufferedImage image) {
        if (image == null) {
            throw new IllegalArgumentException("image is null");
        }
        return toInput(PictureDecoder.toGrey(image));
    }

    float[] toInput(GreyImage grey) {
        float[] f = new float[grey.pixels.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = grey.pixels[i];
        }
        if (grey.width != width || grey.height != height) {
            f = Resize.bilinear(f, grey.width, grey.height, width, height);
        }
        for (int i = 0; i < f.length; i++) {
            f[i] = f[i] / 255f;
        }
        return f;
    }
}
