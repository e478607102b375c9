package io.github.modelparity.preprocess;

import java.util.Arrays;

/**
 * Pillow's Image.resize on 8-bit pictures ("L" and "RGB", reducing_gap None): the faithful
 * route's resize, as Hugging Face's image processors get it. It follows libImaging/Resample.c,
 * ImagingResampleInner with the _8bpc passes: a horizontal pass only if the width differs, a
 * vertical one only if the height differs, the picture between them stored as 8-bit. The
 * horizontal pass comes first, as it always did up to Pillow 12, unless both are needed and
 * the height loses more than twice as many pixels as the width (inH - outH &gt; 0 and
 * &gt; 2 * (inW - outW)): Pillow 13 (python-pillow/Pillow#9549) then runs the vertical pass
 * first, and the rounding between the passes differs. Each pass takes Pillow's float64 coefficients ({@link Resize.Coefficients},
 * precompute_coeffs), turns each into a 22-bit fixed-point integer (normalize_coeffs_8bpc:
 * rounded half away from zero, then truncated as C casts), and makes each output
 * clip8((1 &lt;&lt; 21) + sum of pixel * coefficient) in 32-bit integers, clip8 being the
 * arithmetic shift right by 22 clamped to 0..255. Channels are resampled alike and apart.
 *
 * <p>Hand-written because no Java library does Pillow's arithmetic: Java2D's and
 * imgscalr's filters, kernels and rounding differ, and the model's input must be Python's bit
 * for bit. Pictures are row-major with their channels interleaved ([height, width, channels]).
 */
final class PillowResize {
    /** Resample.c's PRECISION_BITS: 32 - 8 - 2. */
    private static final int PRECISION_BITS = 32 - 8 - 2;

    private PillowResize() {
    }

    /**
     * Resizes [inH, inW, channels] 8-bit samples to [outH, outW, channels] with Pillow's filter.
     *
     * @param in the samples, 0..255 each (bytes read unsigned)
     * @param inW their width
     * @param inH their height
     * @param channels 1 or 3
     * @param outW the width wanted
     * @param outH the height wanted
     * @param filter {@link Resize#BILINEAR} or {@link Resize#BICUBIC}
     * @return the resized samples (a new array, even where no pass was needed)
     * @throws IllegalArgumentException for another filter
     */
    static byte[] resize(byte[] in, int inW, int inH, int channels, int outW, int outH, int filter) {
        if (filter != Resize.BILINEAR && filter != Resize.BICUBIC) {
            throw new IllegalArgumentException("resample " + filter + " is not implemented (2 or 3)");
        }
        if (verticalFirst(inW, inH, outW, outH)) {
            byte[] tall = vertical(in, inW * channels, outH, Fixed.of(new Resize.Coefficients(inH, outH, filter)));
            return horizontal(tall, inW, outH, channels, outW, Fixed.of(new Resize.Coefficients(inW, outW, filter)));
        }
        byte[] cur = in;
        if (outW != inW) {
            cur = horizontal(cur, inW, inH, channels, outW, Fixed.of(new Resize.Coefficients(inW, outW, filter)));
        }
        if (outH != inH) {
            cur = vertical(cur, outW * channels, outH, Fixed.of(new Resize.Coefficients(inH, outH, filter)));
        }
        return cur == in ? in.clone() : cur;
    }

    /**
     * {@link #resize} of the upright RGB picture, read from the picture as its file stores it
     * (io.github.modelparity.picture.StoredPixels): the same bytes, without the
     * upright copy of the whole picture. Each of Pillow's passes runs along the stored axis
     * that the orientation maps the upright one to (a quarter turn swaps them), its
     * coefficients reversed where the orientation mirrors that axis; the sums are the same
     * integers (int addition is exact in any order), rounded alike between the passes. A grey
     * picture is resized as its one channel, which is what each of RGB's three equal channels
     * gives, and repeated at the end. What is left of the orientation (an axis not resized,
     * and the quarter turn) is applied to the resized picture.
     *
     * @param in the stored samples, [h, w, channels], 0..255 each (bytes read unsigned)
     * @param w the stored width
     * @param h the stored height
     * @param channels 3 (RGB) or 1 (grey, to be repeated)
     * @param orientation the EXIF orientation (1..8; anything else: upright)
     * @param outW the upright width wanted
     * @param outH the upright height wanted
     * @param filter {@link Resize#BILINEAR} or {@link Resize#BICUBIC}
     * @return [outH, outW, 3] upright RGB samples
     * @throws IllegalArgumentException for another filter, or no pass needed (the upright
     *         picture is already outW x outH)
     */
    static byte[] resizeStored(byte[] in, int w, int h, int channels, int orientation, int outW, int outH,
                               int filter) {
        if (filter != Resize.BILINEAR && filter != Resize.BICUBIC) {
            throw new IllegalArgumentException("resample " + filter + " is not implemented (2 or 3)");
        }
        int o = orientation < 2 || orientation > 8 ? 1 : orientation;
        boolean swap = o >= 5; // upright x runs along the stored y axis
        boolean mirrorX = o == 2 || o == 3 || o == 6 || o == 7; // upright x runs backwards
        boolean mirrorY = o == 3 || o == 4 || o == 7 || o == 8;
        int uw = swap ? h : w;
        int uh = swap ? w : h;
        if (uw == outW && uh == outH) {
            throw new IllegalArgumentException("no resize: the upright picture is " + outW + " x " + outH);
        }
        boolean verticalFirst = verticalFirst(uw, uh, outW, outH);
        boolean passX = verticalFirst || outW != uw;
        boolean passY = verticalFirst || outH != uh;
        byte[] cur = in;
        int curW = w; // along the stored x axis
        int curH = h;
        for (int pass = 0; pass < 2; pass++) {
            boolean uprightX = verticalFirst ? pass == 1 : pass == 0; // this pass resizes upright x
            if (uprightX ? !passX : !passY) {
                continue;
            }
            int from = uprightX ? uw : uh;
            int to = uprightX ? outW : outH;
            Fixed k = Fixed.of(new Resize.Coefficients(from, to, filter));
            if (uprightX ? mirrorX : mirrorY) {
                k = k.mirrored(from);
            }
            if (uprightX != swap) { // along the stored x axis
                cur = horizontal(cur, curW, curH, channels, to, k);
                curW = to;
            } else {
                cur = vertical(cur, curW * channels, to, k);
                curH = to;
            }
        }
        // What the passes left: the mirror of an axis not resized, the quarter turn, the grey's repeat.
        boolean flipX = mirrorX && !passX;
        boolean flipY = mirrorY && !passY;
        byte[] out = new byte[outW * outH * 3];
        int i = 0;
        for (int yo = 0; yo < outH; yo++) {
            int uy = flipY ? outH - 1 - yo : yo;
            for (int xo = 0; xo < outW; xo++) {
                int ux = flipX ? outW - 1 - xo : xo;
                int src = ((swap ? ux : uy) * curW + (swap ? uy : ux)) * channels;
                if (channels == 3) {
                    out[i++] = cur[src];
                    out[i++] = cur[src + 1];
                    out[i++] = cur[src + 2];
                } else {
                    byte v = cur[src];
                    out[i++] = v;
                    out[i++] = v;
                    out[i++] = v;
                }
            }
        }
        return out;
    }

    /**
     * Pillow 13's order: the vertical pass first where both passes are needed and the height
     * shrinks by more than twice as many pixels as the width (its estimate of the cheaper order).
     */
    static boolean verticalFirst(int inW, int inH, int outW, int outH) {
        return inW != outW && inH != outH && inH - outH > 0 && inH - outH > 2 * (inW - outW);
    }

    /**
     * ImagingResampleHorizontal_8bpc: each row on its own. The weights are read from one flat
     * array ({@link Fixed}) and each channel's sum is kept in a local, so the loop over the
     * taps is plain array arithmetic; the sums are the same integers in the same order.
     */
    private static byte[] horizontal(byte[] in, int inW, int h, int channels, int outW, Fixed k) {
        byte[] out = new byte[outW * h * channels];
        int[] start = k.start();
        int[] size = k.size();
        int[] weights = k.weights();
        int kmax = k.kmax();
        int half = 1 << (PRECISION_BITS - 1);
        if (channels == 3) {
            for (int y = 0; y < h; y++) {
                int row = y * inW;
                int o = y * outW * 3;
                for (int x = 0; x < outW; x++) {
                    int s = (row + start[x]) * 3;
                    int w0 = x * kmax;
                    int n = size[x];
                    int ss0 = half;
                    int ss1 = half;
                    int ss2 = half;
                    for (int j = 0; j < n; j++) {
                        int w = weights[w0 + j];
                        int p = s + j * 3;
                        ss0 += (in[p] & 0xFF) * w;
                        ss1 += (in[p + 1] & 0xFF) * w;
                        ss2 += (in[p + 2] & 0xFF) * w;
                    }
                    out[o++] = clip8(ss0);
                    out[o++] = clip8(ss1);
                    out[o++] = clip8(ss2);
                }
            }
            return out;
        }
        for (int y = 0; y < h; y++) {
            int row = y * inW;
            for (int x = 0; x < outW; x++) {
                int w0 = x * kmax;
                int n = size[x];
                for (int c = 0; c < channels; c++) {
                    int s = (row + start[x]) * channels + c;
                    int ss = half;
                    for (int j = 0; j < n; j++) {
                        ss += (in[s + j * channels] & 0xFF) * weights[w0 + j];
                    }
                    out[(y * outW + x) * channels + c] = clip8(ss);
                }
            }
        }
        return out;
    }

    /**
     * ImagingResampleVertical_8bpc: each column of samples on its own ({@code stride} samples
     * a row). Each output row's sums are gathered tap by tap over whole input rows (contiguous
     * reads); integer addition is exact, so the order of the terms does not change them.
     */
    private static byte[] vertical(byte[] in, int stride, int outH, Fixed k) {
        byte[] out = new byte[outH * stride];
        int[] start = k.start();
        int[] size = k.size();
        int[] weights = k.weights();
        int kmax = k.kmax();
        int half = 1 << (PRECISION_BITS - 1);
        int[] ss = new int[stride];
        for (int y = 0; y < outH; y++) {
            Arrays.fill(ss, half);
            int w0 = y * kmax;
            int n = size[y];
            for (int j = 0; j < n; j++) {
                int w = weights[w0 + j];
                int s = (start[y] + j) * stride;
                for (int i = 0; i < stride; i++) {
                    ss[i] += (in[s + i] & 0xFF) * w;
                }
            }
            int o = y * stride;
            for (int i = 0; i < stride; i++) {
                out[o + i] = clip8(ss[i]);
            }
        }
        return out;
    }

    /** Resample.c's clip8: the sum's integer part, clamped to 0..255. */
    private static byte clip8(int ss) {
        int v = ss >> PRECISION_BITS;
        return (byte) (v < 0 ? 0 : Math.min(v, 255));
    }

    /**
     * One axis's coefficients as normalize_coeffs_8bpc makes them, flat: output i's weights
     * are {@code weights[i * kmax]} to {@code weights[i * kmax + size[i] - 1]}.
     *
     * @param start for output i, the weights apply to input [start[i], start[i] + size[i])
     * @param size each output's number of weights
     * @param weights each float64 weight times 2^22, rounded half away from zero (0.5 added
     *                or subtracted, then truncated as C's cast truncates)
     * @param kmax the most weights any output has: the stride of {@code weights}
     */
    private record Fixed(int[] start, int[] size, int[] weights, int kmax) {
        static Fixed of(Resize.Coefficients c) {
            int n = c.weights.length;
            int kmax = 0;
            for (double[] k : c.weights) {
                kmax = Math.max(kmax, k.length);
            }
            int[] size = new int[n];
            int[] weights = new int[n * kmax];
            for (int i = 0; i < n; i++) {
                double[] k = c.weights[i];
                size[i] = k.length;
                for (int j = 0; j < k.length; j++) {
                    double scaled = k[j] * (1 << PRECISION_BITS);
                    weights[i * kmax + j] = (int) (k[j] < 0 ? -0.5 + scaled : 0.5 + scaled);
                }
            }
            return new Fixed(c.start, size, weights, kmax);
        }

        /**
         * These coefficients for the same axis read backwards ({@code length} samples long):
         * output i's window starts at length - start - size and its weights come in reverse.
         */
        Fixed mirrored(int length) {
            int[] s = new int[start.length];
            int[] w = new int[weights.length];
            for (int i = 0; i < s.length; i++) {
                s[i] = length - start[i] - size[i];
                for (int j = 0; j < size[i]; j++) {
                    w[i * kmax + j] = weights[i * kmax + size[i] - 1 - j];
                }
            }
            return new Fixed(s, size, w, kmax);
        }
    }
}
