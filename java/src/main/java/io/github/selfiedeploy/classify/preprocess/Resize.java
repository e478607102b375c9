package io.github.selfiedeploy.classify.preprocess;

/**
 * Pillow's Image.resize(BILINEAR) on a 32-bit float ("F") image, as the manifest's
 * preprocessing.resize.algorithm spells it out (Pillow's precompute_coeffs and the
 * 32bpc passes): horizontal pass, then vertical; float64 weights normalised to sum 1,
 * float64 accumulation, float32 storage after each pass. A pass whose size already
 * matches is skipped, as Pillow skips it.
 */
final class Resize {
    private Resize() {
    }

    /** Weights for one axis: for output i, weights[i] applies to input [start[i], start[i] + weights[i].length). */
    static final class Coefficients {
        final int[] start;
        final double[][] weights;

        Coefficients(int inSize, int outSize) {
            double scale = (double) inSize / outSize;
            double filterScale = Math.max(scale, 1.0);
            double support = 1.0 * filterScale; // bilinear support is 1
            double ss = 1.0 / filterScale;
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
                    double w = triangle((x + xmin - center + 0.5) * ss);
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

        private static double triangle(double x) {
            double a = Math.abs(x);
            return a < 1.0 ? 1.0 - a : 0.0;
        }
    }

    /** Resizes a row-major float image of inW x inH to outW x outH. */
    static float[] bilinear(float[] in, int inW, int inH, int outW, int outH) {
        float[] cur = in;
        int curW = inW;
        if (outW != inW) {
            Coefficients c = new Coefficients(inW, outW);
            float[] out = new float[outW * inH];
            for (int y = 0; y < inH; y++) {
                int row = y * inW;
                for (int x = 0; x < outW; x++) {
                    double[] k = c.weights[x];
                    int s = row + c.start[x];
                    double acc = 0.0;
                    for (int j = 0; j < k.length; j++) {
                        acc += cur[s + j] * k[j];
                    }
                    out[y * outW + x] = (float) acc;
                }
            }
            cur = out;
            curW = outW;
        }
        if (outH != inH) {
            Coefficients c = new Coefficients(inH, outH);
            float[] out = new float[curW * outH];
            for (int y = 0; y < outH; y++) {
                double[] k = c.weights[y];
                int s = c.start[y];
                for (int x = 0; x < curW; x++) {
                    double acc = 0.0;
                    for (int j = 0; j < k.length; j++) {
                        acc += cur[(s + j) * curW + x] * k[j];
                    }
                    out[y * curW + x] = (float) acc;
                }
            }
            cur = out;
        }
        return cur == in ? in.clone() : cur;
    }
}
