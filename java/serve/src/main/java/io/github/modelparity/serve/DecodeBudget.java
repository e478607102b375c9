package io.github.modelparity.serve;

import io.github.modelparity.Classifier;
import io.github.modelparity.PictureException;
import io.github.modelparity.PreparedPicture;
import java.util.concurrent.Semaphore;

/**
 * A bound on the pixels the service decodes at once. The faithful route decodes each picture
 * whole (a 12-megapixel photo is 36 MB of RGB before its resize), and a request thread per
 * client let 8 clients posting camera photos hold 8 of them at once (805 to 979 MB resident on
 * 2 cores), where more decodes than cores gain nothing. A request takes its picture's pixels,
 * as its header says, from a budget of {@link #MEGAPIXELS_A_CORE} megapixels a core (at least
 * two cores' worth) before preparing it, and gives them back after: requests over the budget
 * wait their turn, first come first served; none fails for it. A picture larger than the
 * whole budget waits until it has all of it. Safe from many threads.
 */
final class DecodeBudget {
    /** Each core's share of the budget: a 12-megapixel photo and some to spare. */
    static final int MEGAPIXELS_A_CORE = 16;
    /** Pixels a permit stands for, so that a thumbnail takes one and a photo a few hundred. */
    private static final int UNIT = 1 << 16;

    private final int permits;
    private final Semaphore budget;

    /** The budget for this machine's cores. */
    DecodeBudget() {
        this(Math.max(2, Runtime.getRuntime().availableProcessors()) * (long) MEGAPIXELS_A_CORE * 1_000_000);
    }

    /** @param pixels the pixels decoded at once at most (a larger picture still decodes, alone) */
    DecodeBudget(long pixels) {
        this.permits = (int) Math.max(1, Math.min(Integer.MAX_VALUE, pixels / UNIT));
        this.budget = new Semaphore(permits, true);
    }

    /**
     * Prepares a picture's bytes with the classifier once its pixels fit in the budget.
     *
     * @throws PictureException as {@link Classifier#prepare} throws it
     */
    PreparedPicture prepare(Classifier classifier, String name, byte[] bytes) throws PictureException {
        int need = permitsFor(bytes);
        budget.acquireUninterruptibly(need);
        try {
            return classifier.prepare(name, bytes);
        } finally {
            budget.release(need);
        }
    }

    /** The permits a picture takes: its pixels from a JPEG's or PNG's header, else one core's share. */
    int permitsFor(byte[] bytes) {
        long pixels = pixels(bytes);
        long need = pixels < 0 ? (long) MEGAPIXELS_A_CORE * 1_000_000 / UNIT : (pixels + UNIT - 1) / UNIT;
        return (int) Math.max(1, Math.min(permits, need));
    }

    /**
     * Width times height from a JPEG's first frame header (SOFn) or a PNG's IHDR; -1 where the
     * bytes are neither or their header cannot be found (the decoder then says why).
     */
    static long pixels(byte[] b) {
        if (b.length >= 24 && (b[0] & 0xFF) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G'
                && b[12] == 'I' && b[13] == 'H' && b[14] == 'D' && b[15] == 'R') {
            return (long) int32(b, 16) * int32(b, 20);
        }
        if (b.length < 4 || (b[0] & 0xFF) != 0xFF || (b[1] & 0xFF) != 0xD8) {
            return -1;
        }
        int pos = 2;
        while (pos + 4 <= b.length) {
            if ((b[pos] & 0xFF) != 0xFF) {
                return -1;
            }
            int marker = b[pos + 1] & 0xFF;
            if (marker == 0xFF) { // fill byte
                pos++;
                continue;
            }
            int length = ((b[pos + 2] & 0xFF) << 8) | (b[pos + 3] & 0xFF);
            boolean sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
            if (sof) {
                if (pos + 9 > b.length) {
                    return -1;
                }
                long height = ((b[pos + 5] & 0xFF) << 8) | (b[pos + 6] & 0xFF);
                long width = ((b[pos + 7] & 0xFF) << 8) | (b[pos + 8] & 0xFF);
                return width * height;
            }
            if (marker == 0xDA || marker == 0xD9 || length < 2) { // a scan or the end before any frame
                return -1;
            }
            pos += 2 + length;
        }
        return -1;
    }

    private static long int32(byte[] b, int at) {
        return ((long) (b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }
}
