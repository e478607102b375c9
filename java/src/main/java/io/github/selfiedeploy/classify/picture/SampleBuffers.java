package io.github.selfiedeploy.classify.picture;

import java.lang.ref.SoftReference;
import java.util.Arrays;

/**
 * A few whole-picture sample arrays kept for the next picture of the same size: the faithful
 * route decodes every photo whole, and a new 36 MB array a 12-megapixel photo was garbage the
 * collector met only in bulk (G1 took such arrays as humongous and grew the heap by hundreds
 * of megabytes before reclaiming them). An array is reused only at its exact length (photos
 * from one camera share theirs), zeroed first, as a new one is; at most one a core is kept,
 * softly, so that the collector may still take them. Safe from many threads.
 */
final class SampleBuffers {
    /** Smaller arrays are not worth keeping. */
    private static final int SMALLEST = 1 << 20;
    @SuppressWarnings("unchecked")
    private static final SoftReference<byte[]>[] KEPT =
            new SoftReference[Math.max(2, Runtime.getRuntime().availableProcessors())];
    private static int next;

    private SampleBuffers() {
    }

    /** @return a zeroed array of exactly {@code length} bytes: a kept one, or a new one */
    static byte[] take(int length) {
        if (length >= SMALLEST) {
            synchronized (KEPT) {
                for (int i = 0; i < KEPT.length; i++) {
                    byte[] b = KEPT[i] == null ? null : KEPT[i].get();
                    if (b != null && b.length == length) {
                        KEPT[i] = null;
                        Arrays.fill(b, (byte) 0);
                        return b;
                    }
                }
            }
        }
        return new byte[length];
    }

    /** Keeps an array no one reads any more for a later {@link #take}, in place of the oldest kept. */
    static void give(byte[] b) {
        if (b == null || b.length < SMALLEST) {
            return;
        }
        synchronized (KEPT) {
            for (int i = 0; i < KEPT.length; i++) {
                if (KEPT[i] == null || KEPT[i].get() == null) {
                    KEPT[i] = new SoftReference<>(b);
                    return;
                }
                if (KEPT[i].get() == b) {
                    return;
                }
            }
            KEPT[next] = new SoftReference<>(b);
            next = (next + 1) % KEPT.length;
        }
    }
}
