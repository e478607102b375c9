package io.github.selfiedeploy.classify.picture.png;

import io.github.selfiedeploy.classify.PictureException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A PNG's chunks read as Pillow reads them (PngImagePlugin, LOAD_TRUNCATED_IMAGES off), so
 * that Java refuses the damaged PNGs Python refuses and reads the same pixel data from the
 * others. ImageIO checks no CRC and skips what it does not need; Pillow is stricter before the
 * image and laxer after it:
 * <ul>
 * <li>before the first IDAT, every chunk needs a type of four word characters, all its data
 * and a correct CRC, and passes the checks of Pillow's handler for its type (IHDR at least 13
 * bytes with filter method 0, tRNS, gAMA, cHRM, sRGB, pHYs, acTL and fcTL long enough, zTXt
 * and iCCP with compression method 0); IEND there, no IHDR or an unknown depth and colour
 * type is no picture;
 * <li>the image data is the run of IDAT chunks that follow one another (their CRCs are not
 * checked); it ends where the last row does, or where the zlib stream ends at a row boundary
 * (the rows left are zero, as in Pillow); data that runs out first is truncated;
 * <li>after the image, chunks are read up to IEND without CRCs: a cut-short header or a bad
 * type ends the file quietly, a chunk whose data is cut short, or one its handler refuses,
 * refuses the file.
 * </ul>
 * One instance reads one file; not thread-safe.
 */
final class PngChunks {
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    private final byte[] b;
    private final Path path;
    private int ihdr = -1;
    private boolean knownMode;
    private boolean interlaced;
    private int plte = -1;
    private int trns = -1;
    private int firstIdat = -1;

    private PngChunks(byte[] bytes, Path path) {
        this.b = bytes;
        this.path = path;
    }

    /** Whether the bytes start with PNG's signature. */
    static boolean isPng(byte[] bytes) {
        if (bytes.length < SIGNATURE.length) {
            return false;
        }
        for (int i = 0; i < SIGNATURE.length; i++) {
            if (bytes[i] != SIGNATURE[i]) {
                return false;
            }
        }
        return true;
    }

    /** The chunks before the image, checked as Pillow opens a PNG; the bytes must be a PNG. */
    static PngChunks open(byte[] bytes, Path path) throws PictureException {
        PngChunks png = new PngChunks(bytes, path);
        png.readHeaders();
        return png;
    }

    int width() {
        return u32(ihdr + 8);
    }

    int height() {
        return u32(ihdr + 12);
    }

    int depth() {
        return b[ihdr + 16] & 0xFF;
    }

    int colour() {
        return b[ihdr + 17] & 0xFF;
    }

    boolean interlaced() {
        return interlaced;
    }

    /** Whether a tRNS chunk came before the image (a colour key or palette alpha). */
    boolean hasTransparency() {
        return trns >= 0;
    }

    private int u32(int at) {
        return ((b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }

    private long length(int at) {
        return u32(at) & 0xFFFFFFFFL;
    }

    private boolean isType(int at, String type) {
        for (int i = 0; i < 4; i++) {
            if (b[at + i] != type.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Pillow's is_cid: four of [A-Za-z0-9_]. */
    private boolean isCid(int at) {
        for (int i = 0; i < 4; i++) {
            int c = b[at + i] & 0xFF;
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    private PictureException notPicture(String why) {
        return new PictureException(path, "not a picture Pillow can read (broken PNG: " + why + ")");
    }

    private PictureException truncated() {
        return new PictureException(path, "truncated picture");
    }

    private String type(int at) {
        return new String(b, at, 4, StandardCharsets.ISO_8859_1);
    }

    private void readHeaders() throws PictureException {
        int pos = SIGNATURE.length;
        while (true) {
            if ((long) pos + 8 > b.length) {
                throw truncated(); // Pillow: not a picture; the file ends before the image
            }
            if (!isCid(pos + 4)) {
                throw notPicture("no chunk where one should start");
            }
            if (isType(pos + 4, "IDAT")) {
                firstIdat = pos;
                break;
            }
            if (isType(pos + 4, "IEND") || isType(pos + 4, "fdAT")) {
                throw notPicture(type(pos + 4) + " before any image data");
            }
            long len = length(pos);
            handle(pos, true);
            long crcAt = pos + 8 + len;
            if (crcAt + 4 > b.length) {
                throw truncated();
            }
            CRC32 crc = new CRC32();
            crc.update(b, pos + 4, (int) len + 4);
            if ((int) crc.getValue() != u32((int) crcAt)) {
                throw notPicture("bad checksum in " + type(pos + 4));
            }
            pos = (int) crcAt + 4;
        }
        if (ihdr < 0 || !knownMode || width() == 0 || height() == 0) {
            throw notPicture("no usable IHDR");
        }
    }

    /**
     * The checks of Pillow's handler for the chunk at pos (its data must all be there); before
     * the image (header), IHDR, PLTE and tRNS are also kept for the decoder.
     */
    private void handle(int pos, boolean header) throws PictureException {
        long len = length(pos);
        int data = pos + 8;
        if (data + len > b.length) {
            throw truncated();
        }
        int n = (int) len;
        String t = type(pos + 4);
        String mode = ihdr < 0 || !knownMode ? "" : mode();
        boolean ok;
        switch (t) {
            case "IHDR":
                if (n < 13) {
                    throw notPicture("IHDR too short");
                }
                if (!header) {
                    ok = b[data + 11] == 0;
                    break;
                }
                ihdr = pos;
                knownMode = !mode().isEmpty();
                if (b[data + 11] != 0) {
                    throw notPicture("unknown filter method");
                }
                interlaced |= b[data + 12] != 0;
                return;
            case "PLTE":
                plte = header && "P".equals(mode) ? pos : plte;
                return;
            case "tRNS":
                trns = header ? pos : trns;
                ok = !("L".equals(mode) || "1".equals(mode) || "I;16".equals(mode) || "RGB".equals(mode))
                        || n >= ("RGB".equals(mode) ? 6 : 2);
                break;
            case "gAMA":
                ok = n >= 4;
                break;
            case "cHRM":
                ok = n >= 32;
                break;
            case "sRGB":
                ok = n >= 1;
                break;
            case "pHYs":
                ok = n >= 9;
                break;
            case "acTL":
                ok = n >= 8;
                break;
            case "fcTL":
                ok = n >= 26;
                break;
            case "zTXt": {
                int zero = indexOfZero(data, n);
                ok = zero < 0 || zero + 1 >= n || b[data + zero + 1] == 0;
                break;
            }
            case "iCCP": {
                int method = indexOfZero(data, n) + 1;
                ok = method < n && b[data + method] == 0;
                break;
            }
            default:
                return;
        }
        if (!ok) {
            throw notPicture(t + " chunk Pillow refuses");
        }
    }

    private int indexOfZero(int data, int n) {
        for (int i = 0; i < n; i++) {
            if (b[data + i] == 0) {
                return i;
            }
        }
        return -1;
    }

    /** Pillow's mode for the IHDR's depth and colour type ("" when it has none). */
    private String mode() {
        int key = depth() * 10 + colour();
        switch (key) {
            case 10: return "1";
            case 20: case 40: case 80: return "L";
            case 160: return "I;16";
            case 82: case 162: return "RGB";
            case 13: case 23: case 43: case 83: return "P";
            case 84: return "LA";
            case 164: case 86: case 166: return "RGBA";
            default: return "";
        }
    }

    /** Bytes of one row of the given width, its filter byte included. */
    long rowBytes(int w) {
        int channels = colour() == 2 ? 3 : colour() == 4 ? 2 : colour() == 6 ? 4 : 1;
        return 1 + ((long) w * channels * depth() + 7) / 8;
    }

    /** The image data's rows, in stream order (Adam7's seven passes when interlaced). */
    Rows rows() {
        return new Rows();
    }

    /**
     * Reads all the rows and the chunks after them as Pillow does, for a PNG whose pixels come
     * from ImageIO; then the PNG ImageIO should read: the header chunks Pillow used and the run
     * of IDAT chunks, so that ImageIO meets no chunk Pillow did not read.
     */
    byte[] checkedForImageIo() throws PictureException {
        try (Rows rows = rows()) {
            byte[] scratch = new byte[0];
            for (long size : rowSizes()) {
                if (scratch.length < size) {
                    scratch = new byte[(int) size];
                }
                if (!rows.next(scratch, (int) size)) {
                    break;
                }
            }
            rows.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(b.length);
            out.write(SIGNATURE, 0, SIGNATURE.length);
            byte[] header = new byte[13];
            System.arraycopy(b, ihdr + 8, header, 0, 13);
            header[10] = 0; // compression method: Pillow ignores it
            header[12] = (byte) (interlaced ? 1 : 0);
            chunk(out, "IHDR", header, 0, 13);
            int trnsLength = trns < 0 ? 0 : (int) length(trns);
            if (colour() == 3) {
                // Pillow looks indices up in the PLTE it read before the image, the entries it
                // lacks (all of them without one) black: 2^depth entries, as ImageIO wants.
                byte[] palette = new byte[3 << Math.min(depth(), 8)];
                if (plte >= 0) {
                    System.arraycopy(b, plte + 8, palette, 0, (int) Math.min(palette.length, length(plte)));
                }
                chunk(out, "PLTE", palette, 0, palette.length);
                trnsLength = Math.min(trnsLength, palette.length / 3);
            }
            if (trns >= 0) {
                chunk(out, "tRNS", b, trns + 8, trnsLength);
            }
            for (int at = firstIdat; at >= 0 && at <= rows.chunk; at = rows.nextRunChunk(at)) {
                int data = at + 8;
                chunk(out, "IDAT", b, data, (int) Math.min(length(at), b.length - data));
            }
            chunk(out, "IEND", new byte[0], 0, 0);
            return out.toByteArray();
        }
    }

    private long[] rowSizes() {
        int w = width();
        int h = height();
        if (!interlaced) {
            long[] sizes = new long[h];
            java.util.Arrays.fill(sizes, rowBytes(w));
            return sizes;
        }
        int[][] passes = {{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4}, {0, 2, 2, 4}, {1, 0, 2, 2},
            {0, 1, 1, 2}};
        java.util.List<Long> sizes = new java.util.ArrayList<>();
        for (int[] p : passes) {
            long pw = (w - (long) p[0] + p[2] - 1) / p[2];
            long ph = (h - (long) p[1] + p[3] - 1) / p[3];
            if (pw > 0) {
                for (long y = 0; y < ph; y++) {
                    sizes.add(rowBytes((int) pw));
                }
            }
        }
        return sizes.stream().mapToLong(Long::longValue).toArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data, int off, int len) {
        byte[] t = type.getBytes(StandardCharsets.ISO_8859_1);
        out.write(len >>> 24);
        out.write(len >>> 16);
        out.write(len >>> 8);
        out.write(len);
        out.write(t, 0, 4);
        out.write(data, off, len);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data, off, len);
        int c = (int) crc.getValue();
        out.write(c >>> 24);
        out.write(c >>> 16);
        out.write(c >>> 8);
        out.write(c);
    }

    /** The image data inflated row by row from the IDAT run, as Pillow's zip decoder takes it. */
    final class Rows implements AutoCloseable {
        private final Inflater inflater = new Inflater();
        /** The IDAT chunk being read (its header's position). */
        private int chunk = firstIdat;
        private boolean ended;

        private Rows() {
            int data = chunk + 8;
            inflater.setInput(b, data, (int) Math.min(length(chunk), b.length - data));
        }

        /**
         * Fills row[0, len) with the next row; false when the zlib stream ended at the end of
         * the row before (Pillow leaves the rows left zero).
         */
        boolean next(byte[] row, int len) throws PictureException {
            if (ended) {
                return false;
            }
            int got = 0;
            try {
                while (got < len) {
                    int n = inflater.inflate(row, got, len - got);
                    got += n;
                    if (n > 0) {
                        continue;
                    }
                    if (inflater.finished() || inflater.needsDictionary()) {
                        throw truncated();
                    }
                    int next = nextRunChunk(chunk);
                    if (next < 0) {
                        throw truncated();
                    }
                    chunk = next;
                    int data = next + 8;
                    inflater.setInput(b, data, (int) Math.min(length(next), b.length - data));
                }
            } catch (DataFormatException e) {
                throw new PictureException(path, "unreadable picture (" + e.getMessage() + ")", e);
            }
            ended = inflater.finished();
            return true;
        }

        /** The IDAT chunk right after the one at pos, or -1 where the run ends. */
        private int nextRunChunk(int pos) {
            long next = pos + 12 + length(pos);
            if (next + 8 > b.length || !isCid((int) next + 4) || !isType((int) next + 4, "IDAT")) {
                return -1;
            }
            return (int) next;
        }

        /** The chunks after the image, read up to IEND as Pillow's load_end reads them. */
        void finish() throws PictureException {
            long pos = chunk + 8 + length(chunk) + 4;
            while (pos + 8 <= b.length && isCid((int) pos + 4) && !isType((int) pos + 4, "IEND")) {
                handle((int) pos, false);
                pos += 12 + length((int) pos);
            }
        }

        @Override
        public void close() {
            inflater.end();
        }
    }
}
