package io.github.modelparity.picture;

import java.util.Objects;
import javax.imageio.stream.ImageInputStreamImpl;

/**
 * An ImageInputStream over a picture file's bytes, already in memory, that notes when a
 * decoder asked for bytes beyond the end: the sign of a truncated file, whatever the
 * decoder's error says. Not thread-safe; one decode uses it.
 */
final class BytesImageInputStream extends ImageInputStreamImpl {
    private final byte[] bytes;
    private boolean readPastEnd;

    BytesImageInputStream(byte[] bytes) {
        this.bytes = Objects.requireNonNull(bytes, "bytes");
    }

    /** Whether a read found no byte left since construction or {@link #forgetEnd()}. */
    boolean readPastEnd() {
        return readPastEnd;
    }

    void forgetEnd() {
        readPastEnd = false;
    }

    @Override
    public int read() {
        bitOffset = 0;
        if (streamPos >= bytes.length) {
            readPastEnd = true;
            return -1;
        }
        return bytes[(int) streamPos++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        Objects.checkFromIndexSize(off, len, b.length);
        bitOffset = 0;
        if (len == 0) {
            return 0;
        }
        if (streamPos >= bytes.length) {
            readPastEnd = true;
            return -1;
        }
        int n = (int) Math.min(len, bytes.length - streamPos);
        System.arraycopy(bytes, (int) streamPos, b, off, n);
        streamPos += n;
        return n;
    }

    /**
     * Unknown (-1), as for a pipe: a decoder that would compare the offsets a file declares
     * with its length (TIFF's "Data segment out of stream") reads instead and finds the end,
     * so a truncated file is called truncated whatever the format.
     */
    @Override
    public long length() {
        return -1;
    }
}
