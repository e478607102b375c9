package io.github.selfiedeploy.classify.preprocess;

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

    /** Resizes a row-major float grey image of inW x inH to outW x outH with the bilinear filter. */
    static float[] bilinear(float[] in, int inW, int inH, int outW, int outH) {
        return resize(in, inW, inH, 1, outW, outH, BILINEAR);
    }

    /**
     * Resizes [inH, inW, channels] floats to [outH, outW, channels] with Pillow's filter.
     *
     * @param filter {@link #BILINEAR} or {@link #BICUBIC}
     */
    static float[] resize(float[] in, int inW, int inH, int channels, int outW, int outH, int filter) {
        if (filter != BILINEAR && filter != BICUBIC) {
            throw new IllegalArgumentException("resample " + filter + " is not implemented (2 or 3)");
        }
        float[] cur = in;
        int curW = inW;
        if (outW != inW) {
            Coefficients c = new Coefficients(inW, outW, filter);
            float[] out = new float[outW * inH * channels];
            for (int y = 0; y < inH; y++) {
                int row = y * inW;
                for (int x = 0; x < outW; x++) {
                    double[] k = c.weights[x];
                    int s = row + c.start[x];
                    for (int ch = 0; ch < channels; ch++) {
                        double acc = 0.0;
                        for (int j = 0; j < k.length; j++) {
                            acc += cur[(s + j) * channels + ch] * k[j];
                        }
                        out[(y * outW + x) * channels + ch] = (float) acc;
                    }
                }
            }
            cur = out;
            curW = outW;
        }
        if (outH != inH) {
            Coefficients c = new Coefficients(inH, outH, filter);
            int stride = curW * channels;
            float[] out = new float[outH * stride];
            for (int y = 0; y < outH; y++) {
                double[] k = c.weights[y];
                int s = c.start[y];
                for (int i = 0; i < stride; i++) {
                    double acc = 0.0;
                    for (int j = 0; j < k.length; j++) {
                        acc += cur[(s + j) * stride + i] * k[j];
                    }
                    out[y * stride + i] = (float) acc;
                }
            }
            cur = out;
        }
        return cur == in ? in.clone() : cur;
    }
}
