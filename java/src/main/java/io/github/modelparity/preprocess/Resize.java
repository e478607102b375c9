package io.github.modelparity.preprocess;

/**
 * Pillow's Image.resize on 32-bit float ("F") channels, as the manifest's preprocessing spells
 * it out (Pillow's precompute_coeffs and the 32bpc passes; python.data.resample is the Python
 * twin): horizontal pass, then vertical; float64 weights normalised to sum 1, float64
 * accumulation tap by tap, float32 storage after each pass. A pass whose size already matches
 * is skipped, as Pillow skips it. Pictures are row-major with their channels interleaved
 * ([height, width, channels]); channels are resampled alike.
 */
final class Resize {
    /** Pillow's resample numbers this class implements. */
    static final int BILINEAR = 2;
    static final int BICUBIC = 3;

    private Resize() {
    }

    /** Weights for one axis: for output i, weights[i] applies to input [start[i], start[i] + weights[i].length). */
    static final class Coefficients {
        final int[] start;
        final double[][] weights;

        Coefficients(int inSize, int outSize) {
            this(inSize, outSize, BILINEAR);
        }

        Coefficients(int inSize, int outSize, int filter) {
            double scale = (double) inSize / outSize;
            double filterScale = Math.max(scale, 1.0);
            double support = support(filter) * filterScale; // widened by the scale when shrinking
            double ss = 1.0 / filterScale; // a reciprocal, multiplied: C's order of rounding
            start = new int[outSize];
            weights = new double[outSize][];
            for (int i = 0; i < outSize; i++) {
                double center = (i + 0.5) * scale;
                int xmin = (int) (center - support + 0.5);
                if (xmin < 0) {
                    xmin = 0;
                }
                int xmax = (int) (center + support + 0.5);
                if (xmax > inSize) {
                    xmax = inSize;
                }
                int n = Math.max(xmax - xmin, 0);
                double[] k = new double[n];
                double ww = 0.0;
                for (int x = 0; x < n; x++) {
                    double w = kernel(filter, (x + xmin - center + 0.5) * ss);
                    k[x] = w;
                    ww += w;
                }
                if (ww != 0.0) {
                    for (int x = 0; x < n; x++) {
                        k[x] /= ww;
                    }
                }
                start[i] = xmin;
                weights[i] = k;
            }
        }

        private static double support(int filter) {
            return filter == BICUBIC ? 2.0 : 1.0;
        }

        private static double kernel(int filter, double x) {
            double a = Math.abs(x);
            if (filter == BICUBIC) { // Keys' cubic, a = -0.5, as Pillow writes it
                double c = -0.5;
                if (a < 1.0) {
                    return ((c + 2.0) * a - (c + 3.0)) * a * a + 1;
                }
                if (a < 2.0) {
                    return (((a - 5) * a + 8) * a - 4) * c;
                }
                return 0.0;
            }
            return a < 1.0 ? 1.0 - a : 0.0; // bilinear: the triangle
        }
    }

    /**
     * Resizes [inH, inW, channels] floats to [outH, outW, channels] with Pillow's filter.
     *
     * @param filter {@link #BILINEAR} or {@link #BICUBIC}
     */
    static float[] resize(float[] in, int inW, int inH, int channels, int outW, int outH, int filter) {
        checkFilter(filter);
        float[] cur = in;
        if (outW != inW) {
            cur = horizontal(cur, inW, inH, channels, outW, new Coefficients(inW, outW, filter));
        }
        if (outH != inH) {
            cur = vertical(cur, outW * channels, outH, new Coefficients(inH, outH, filter));
        }
        return cur == in ? in.clone() : cur;
    }

    /**
     * As {@link #resize(float[], int, int, int, int, int, int)} of the samples as floats, the
     * same floats to the bit (each sample is exactly its float, and the float64 product is the
     * same), without the float copy of the whole picture: the first pass reads the bytes.
     *
     * @param in [inH, inW, channels] samples 0..255 (bytes read unsigned)
     * @param filter {@link #BILINEAR} or {@link #BICUBIC}
     */
    static float[] resize(byte[] in, int inW, int inH, int channels, int outW, int outH, int filter) {
        checkFilter(filter);
        if (outW != inW) {
            float[] cur = horizontal(in, inW, inH, channels, outW, new Coefficients(inW, outW, filter));
            return outH != inH ? vertical(cur, outW * channels, outH, new Coefficients(inH, outH, filter)) : cur;
        }
        float[] f = new float[in.length]; // the width kept (rare): the float copy, then one pass
        for (int i = 0; i < f.length; i++) {
            f[i] = in[i] & 0xFF;
        }
        return outH != inH ? vertical(f, inW * channels, outH, new Coefficients(inH, outH, filter)) : f;
    }

    private static void checkFilter(int filter) {
        if (filter != BILINEAR && filter != BICUBIC) {
            throw new IllegalArgumentException("resample " + filter + " is not implemented (2 or 3)");
        }
    }

    /** The horizontal pass: each row on its own, float64 sums tap by tap, stored as float32. */
    private static float[] horizontal(float[] in, int inW, int inH, int channels, int outW, Coefficients c) {
        float[] out = new float[outW * inH * channels];
        for (int y = 0; y < inH; y++) {
            int row = y * inW;
            for (int x = 0; x < outW; x++) {
                double[] k = c.weights[x];
                int s = row + c.start[x];
                for (int ch = 0; ch < channels; ch++) {
                    double acc = 0.0;
                    for (int j = 0; j < k.length; j++) {
                        acc += in[(s + j) * channels + ch] * k[j];
                    }
                    out[(y * outW + x) * channels + ch] = (float) acc;
                }
            }
        }
        return out;
    }

    /**
     * {@link #horizontal(float[], int, int, int, int, Coefficients)} reading 8-bit samples,
     * each through {@link #LEVEL} (a table read: the CLI's C1-compiled int-to-double conversion
     * made this pass twice as slow), RGB's three sums kept apart in one walk over the taps.
     * Each channel's sum adds the same terms in the same order: the same floats.
     */
    private static float[] horizontal(byte[] in, int inW, int inH, int channels, int outW, Coefficients c) {
        float[] out = new float[outW * inH * channels];
        double[] level = LEVEL;
        int o = 0;
        for (int y = 0; y < inH; y++) {
            int row = y * inW;
            for (int x = 0; x < outW; x++) {
                double[] k = c.weights[x];
                int s = (row + c.start[x]) * channels;
                if (channels == 3) {
                    double a0 = 0.0;
                    double a1 = 0.0;
                    double a2 = 0.0;
                    for (int j = 0, p = s; j < k.length; j++, p += 3) {
                        double kj = k[j];
                        a0 += level[in[p] & 0xFF] * kj;
                        a1 += level[in[p + 1] & 0xFF] * kj;
                        a2 += level[in[p + 2] & 0xFF] * kj;
                    }
                    out[o++] = (float) a0;
                    out[o++] = (float) a1;
                    out[o++] = (float) a2;
                    continue;
                }
                for (int ch = 0; ch < channels; ch++) {
                    double acc = 0.0;
                    for (int j = 0; j < k.length; j++) {
                        acc += level[in[s + j * channels + ch] & 0xFF] * k[j];
                    }
                    out[o++] = (float) acc;
                }
            }
        }
        return out;
    }

    /** Each 8-bit level as a double: what a sample is in the passes' float64 sums. */
    private static final double[] LEVEL = new double[256];

    static {
        for (int i = 0; i < LEVEL.length; i++) {
            LEVEL[i] = i;
        }
    }

    /** The vertical pass: each column of samples ({@code stride} a row) on its own. */
    private static float[] vertical(float[] in, int stride, int outH, Coefficients c) {
        float[] out = new float[outH * stride];
        for (int y = 0; y < outH; y++) {
            double[] k = c.weights[y];
            int s = c.start[y];
            for (int i = 0; i < stride; i++) {
                double acc = 0.0;
                for (int j = 0; j < k.length; j++) {
                    acc += in[(s + j) * stride + i] * k[j];
                }
                out[y * stride + i] = (float) acc;
            }
        }
        return out;
    }
}
