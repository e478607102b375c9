package io.github.modelparity.preprocess;

import io.github.modelparity.manifest.Recipe;
import io.github.modelparity.picture.Pixels;
import io.github.modelparity.picture.StoredPixels;
import java.util.Arrays;

/**
 * Upright 8-bit pixels to the model input as a {@link Recipe} says, the Java twin of
 * python.data.pictures.pixels_to_input, step for step. The fast route: the box step, the
 * resize (bilinear or bicubic, on floats), the centre crop, the rescale, the normalisation.
 * The faithful route: the resize on 8-bit samples as Pillow does it ({@link PillowResize}),
 * then the same crop, rescale and normalisation. Pixels and the result are row-major with
 * their channels interleaved ([height, width, channels]).
 */
public final class Inputs {
    private Inputs() {
    }

    /**
     * @param pixels height * width * channels values 0..255, one byte each (read unsigned)
     * @param width the pixels' width
     * @param height their height
     * @param fullWidth the width they stand for (a JPEG decoded at 1/s: about s times theirs);
     *                  the shortest-edge resize is computed from it (the faithful route's
     *                  pixels stand for themselves: it is not read there)
     * @param fullHeight the height they stand for
     * @param recipe the manifest's preprocessing
     * @return float32 [outHeight, outWidth, channels]
     * @throws IllegalArgumentException (its message the reason, as Python's ValueError) when the
     *         recipe cannot take the picture: smaller than the centre crop, or not the model's
     *         size and not resized
     */
    public static float[] fromPixels(byte[] pixels, int width, int height, int fullWidth, int fullHeight,
                                     Recipe recipe) {
        int c = recipe.channels();
        if (pixels.length != (long) width * height * c) {
            throw new IllegalArgumentException(pixels.length + " values for " + width + " x " + height + " x " + c);
        }
        if (recipe.faithful()) {
            return faithful(pixels, width, height, recipe);
        }
        int f = recipe.doResize() ? Math.min(height, width) / (recipe.reduceTo() * recipe.reduceSide()) : 1;
        if (f >= 2) {
            return fromValues(boxReduce(pixels, width, height, c, f), width / f, height / f, fullWidth, fullHeight,
                    recipe);
        }
        if (recipe.doResize()) {
            int[] target = recipe.resizeTo(fullWidth, fullHeight);
            if (height != target[0] || width != target[1]) { // the resize reads the bytes: no float copy of them
                return afterResize(Resize.resize(pixels, width, height, c, target[1], target[0], recipe.resample()),
                        target[1], target[0], recipe);
            }
        }
        return afterResize(floats(pixels), width, height, recipe);
    }

    /**
     * As {@link #fromPixels(byte[], int, int, int, int, Recipe)}, for values held in ints
     * (a decoded grey picture).
     *
     * @param pixels height * width * channels values 0..255
     * @param width the pixels' width
     * @param height their height
     * @param fullWidth the width they stand for
     * @param fullHeight the height they stand for
     * @param recipe the manifest's preprocessing
     * @return float32 [outHeight, outWidth, channels]
     * @throws IllegalArgumentException as the byte version does, and for a value outside 0..255
     */
    public static float[] fromPixels(int[] pixels, int width, int height, int fullWidth, int fullHeight,
                                     Recipe recipe) {
        byte[] b = new byte[pixels.length];
        for (int i = 0; i < b.length; i++) {
            if ((pixels[i] & ~0xFF) != 0) {
                throw new IllegalArgumentException("value " + pixels[i] + " at " + i + " is not 0..255");
            }
            b[i] = (byte) pixels[i];
        }
        return fromPixels(b, width, height, fullWidth, fullHeight, recipe);
    }

    /**
     * The fast route's steps after the box step (which a decoder may have taken while decoding).
     *
     * @param values height * width * channels values after the box step (or none), as float32
     * @param width their width
     * @param height their height
     * @param fullWidth the width of the picture they stand for
     * @param fullHeight its height
     * @param recipe the manifest's preprocessing
     * @return float32 [outHeight, outWidth, channels]; values itself may be reused
     * @throws IllegalArgumentException as {@link #fromPixels} does, and for a recipe on the
     *         faithful route, which resizes 8-bit pixels ({@link #fromPixels})
     */
    public static float[] fromValues(float[] values, int width, int height, int fullWidth, int fullHeight,
                                     Recipe recipe) {
        if (recipe.faithful()) {
            throw new IllegalArgumentException("the faithful route resizes 8-bit pixels, not values after a box step");
        }
        int c = recipe.channels();
        int w = width;
        int h = height;
        if (recipe.doResize()) {
            int[] target = recipe.resizeTo(fullWidth, fullHeight);
            if (h != target[0] || w != target[1]) {
                values = Resize.resize(values, w, h, c, target[1], target[0], recipe.resample());
                h = target[0];
                w = target[1];
            }
        }
        return afterResize(values, w, h, recipe);
    }

    /**
     * The faithful route for an RGB recipe from the pixels as the file stores them: the same
     * floats as {@link #fromPixels} of the upright RGB picture, without making that picture
     * ({@link PillowResize#resizeStored}).
     *
     * @param stored the decoded picture as stored, with its orientation
     * @param recipe the manifest's preprocessing: the faithful route, RGB
     * @return float32 [outHeight, outWidth, 3]
     * @throws IllegalArgumentException as {@link #fromPixels} does, and for a recipe that is not
     *         the faithful route's RGB one
     */
    public static float[] fromStored(StoredPixels stored, Recipe recipe) {
        if (!recipe.faithful() || recipe.channels() != 3) {
            throw new IllegalArgumentException("stored pixels are the faithful route's, for an RGB recipe");
        }
        Pixels p = stored.pixels();
        int w = stored.uprightWidth();
        int h = stored.uprightHeight();
        if (recipe.doResize()) {
            int[] target = recipe.resizeTo(w, h);
            if (h != target[0] || w != target[1]) {
                byte[] resized = PillowResize.resizeStored(p.samples(), p.width(), p.height(), p.channels(),
                        stored.orientation(), target[1], target[0], recipe.resample());
                return afterResize(floats(resized), target[1], target[0], recipe);
            }
        }
        return afterResize(floats(stored.upright().samples()), w, h, recipe);
    }

    /**
     * The faithful route (python.data.pictures.resized_pixels): Pillow's 8-bit resize of the
     * whole picture to the recipe's size, if it is not that size already, then the steps both
     * routes share.
     */
    private static float[] faithful(byte[] pixels, int width, int height, Recipe recipe) {
        if (recipe.doResize()) {
            int[] target = recipe.resizeTo(width, height);
            if (height != target[0] || width != target[1]) {
                byte[] resized = PillowResize.resize(pixels, width, height, recipe.channels(), target[1], target[0],
                        recipe.resample());
                return afterResize(floats(resized), target[1], target[0], recipe);
            }
        }
        return afterResize(floats(pixels), width, height, recipe);
    }

    /**
     * The steps both routes share (python.data.pictures._after_resize): the centre crop, the
     * rescale, the normalisation, on float32 values of width x height.
     */
    private static float[] afterResize(float[] values, int width, int height, Recipe recipe) {
        int c = recipe.channels();
        int w = width;
        int h = height;
        if (recipe.doCenterCrop()) {
            int ch = recipe.cropSize().height();
            int cw = recipe.cropSize().width();
            if (h < ch || w < cw) {
                throw new IllegalArgumentException(w + "x" + h + " is smaller than the centre crop " + cw + "x" + ch);
            }
            values = crop(values, w, c, (h - ch) / 2, (w - cw) / 2, cw, ch);
            h = ch;
            w = cw;
        }
        int[] out = recipe.outputSize();
        if (h != out[0] || w != out[1]) {
            throw new IllegalArgumentException(w + "x" + h + ", the model takes " + out[1] + "x" + out[0]
                    + " and its preprocessing does not resize");
        }
        if (recipe.doRescale()) { // Hugging Face's rescale: upcast, multiply, downcast
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) (values[i] * recipe.rescaleFactor());
            }
        }
        if (recipe.doNormalize()) { // float32 arithmetic, as numpy's float32 arrays
            float[] mean = recipe.mean();
            float[] std = recipe.std();
            for (int i = 0; i < values.length; i++) {
                values[i] = (values[i] - mean[i % c]) / std[i % c];
            }
        }
        return values;
    }

    private static float[] floats(byte[] samples) {
        float[] f = new float[samples.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = samples[i] & 0xFF;
        }
        return f;
    }

    /**
     * The box step on every channel: the centred (w / f * f) x (h / f * f) crop, each f x f
     * block's integer sum as float32 divided by float32(f * f). The sums are taken a row of
     * blocks at a time (one row of them, not a long a value of the whole result).
     */
    static float[] boxReduce(byte[] pixels, int width, int height, int channels, int f) {
        int w = width / f;
        int h = height / f;
        int x0 = (width - w * f) / 2;
        int y0 = (height - h * f) / 2;
        int stride = w * channels;
        long[] sums = new long[stride];
        float n = f * f;
        float[] values = new float[h * stride];
        for (int by = 0; by < h; by++) {
            Arrays.fill(sums, 0);
            for (int y = by * f; y < (by + 1) * f; y++) {
                int in = ((y0 + y) * width + x0) * channels;
                for (int bx = 0; bx < w; bx++) {
                    int out = bx * channels;
                    for (int dx = 0; dx < f; dx++) {
                        for (int ch = 0; ch < channels; ch++) {
                            sums[out + ch] += pixels[in++] & 0xFF;
                        }
                    }
                }
            }
            for (int i = 0; i < stride; i++) {
                values[by * stride + i] = (float) sums[i] / n;
            }
        }
        return values;
    }

    private static float[] crop(float[] values, int width, int channels, int top, int left, int cw, int ch) {
        float[] out = new float[cw * ch * channels];
        for (int y = 0; y < ch; y++) {
            System.arraycopy(values, ((top + y) * width + left) * channels, out, y * cw * channels, cw * channels);
        }
        return out;
    }
}
