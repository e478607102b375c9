package io.github.modelparity.picture.png;

import io.github.modelparity.PictureException;
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
    // APNG as PngStream reads it: acTL's frame count (-1: none), the last sequence number
    // (-1: none), whether an fcTL gave the default image a frame, and whether the image data
    // came without one after an acTL (then it is a frame of its own).
    private long frames = -1;
    private long seq = -1;
    private boolean framed;
    private boolean defaultImage;
    // eXIf chunks' data, before the image or after it: the last one is Pillow's EXIF.
    private int exif = -1;
    private boolean lateTransparency;

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

    /**
     * The chunks of a PNG that hold its metadata as Pillow reads it, for the metadata reader:
     * among the whole chunks up to IEND (or to a chunk cut short or of a bad type, where
     * Pillow's load_end stops quietly), the first IHDR, the text chunks and the last eXIf
     * (each replaces the one before in Pillow), then IEND. metadata-extractor would lose all
     * of it to a damaged chunk Pillow never reads, or to a second eXIf, PLTE or tRNS (which it
     * refuses), and would take an EXIF from after IEND.
     *
     * @param bytes a PNG's bytes
     * @return those chunks of it
     */
    static byte[] forMetadata(byte[] bytes) {
        PngChunks png = new PngChunks(bytes, null);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(bytes, 0, SIGNATURE.length);
        long pos = SIGNATURE.length;
        int exif = -1;
        boolean ihdr = false;
        while (pos + 12 <= bytes.length && png.isCid((int) pos + 4) && !png.isType((int) pos + 4, "IEND")
                && pos + 12 + png.length((int) pos) <= bytes.length) {
            int at = (int) pos;
            int size = (int) (12 + png.length(at));
            if (png.isType(at + 4, "eXIf")) {
                exif = at;
            } else if ((png.isType(at + 4, "IHDR") && !ihdr) || png.isType(at + 4, "tEXt")
                    || png.isType(at + 4, "zTXt") || png.isType(at + 4, "iTXt")) {
                ihdr |= png.isType(at + 4, "IHDR");
                out.write(bytes, at, size);
            }
            pos += size;
        }
        if (exif >= 0) {
            out.write(bytes, exif, (int) (12 + png.length(exif)));
        }
        chunk(out, "IEND", new byte[0], 0, 0);
        return out.toByteArray();
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

    /** Whether a tRNS chunk comes before the image or after it (a colour key or palette alpha). */
    boolean hasTransparency() {
        return trns >= 0 || lateTransparency;
    }

    /** Whether load_end would meet a tRNS after the run of IDAT chunks (walking chunk headers only). */
    private boolean transparencyAfterImage() {
        long pos = firstIdat;
        while (pos + 8 <= b.length && isType((int) pos + 4, "IDAT")) {
            pos += 12 + length((int) pos);
        }
        while (pos + 8 <= b.length && isCid((int) pos + 4) && !isType((int) pos + 4, "IEND")
                && !isType((int) pos + 4, "fcTL")) {
            if (isType((int) pos + 4, "tRNS")) {
                return true;
            }
            pos += 12 + length((int) pos);
        }
        return false;
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
            // chunk_IDAT reads im_rawmode, which only an IHDR of a known mode sets: before one,
            // Pillow skips an IDAT as a chunk it does not know (its CRC checked).
            if (isType(pos + 4, "IDAT") && ihdr >= 0 && knownMode) {
                firstIdat = pos;
                defaultImage = frames >= 0 && !framed;
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
        lateTransparency = transparencyAfterImage();
        if (colour() == 3 && plte >= 0 && length(plte) / 3 > 256) {
            throw new PictureException(path, "unreadable picture (invalid palette size)"); // ImageFile.load
        }
    }

    /**
     * What Pillow's conversion with transparency (python.data.colour, alpha over white) refuses:
     * a palette's tRNS of more than 256 alphas ("palette index out of range").
     *
     * @throws PictureException for such a file
     */
    void checkTransparency() throws PictureException {
        if (trns >= 0 && colour() == 3 && length(trns) > 256) {
            throw new PictureException(path, "unreadable picture (palette index out of range)");
        }
    }

    /**
     * What Pillow's convert("RGB") or convert("L") (the faithful route) refuses: a palette
     * picture with transparency but no PLTE (before the image, after its IHDR), whose missing
     * palette Pillow asserts.
     *
     * @throws PictureException for such a file
     */
    void checkPaletteToConvert() throws PictureException {
        if (colour() == 3 && plte < 0 && hasTransparency()) {
            throw new PictureException(path, "unreadable picture (a palette picture with transparency and no PLTE,"
                    + " which Pillow cannot convert)");
        }
    }

    /**
     * What Pillow's getexif (exif_transpose) refuses in the last eXIf chunk: data that is not
     * TIFF (after one or two "Exif\0\0" prefixes), or too short for its header.
     *
     * @throws PictureException for such a file
     */
    void checkExif() throws PictureException {
        if (exif < 0) {
            return;
        }
        int start = exif + 8;
        int end = (int) Math.min(b.length, start + length(exif));
        for (int k = 0; k < 2 && end - start >= 6 && b[start] == 'E' && b[start + 1] == 'x' && b[start + 2] == 'i'
                && b[start + 3] == 'f' && b[start + 4] == 0 && b[start + 5] == 0; k++) {
            start += 6;
        }
        int n = end - start;
        if (n == 0) {
            return;
        }
        byte[][] prefixes = {{'M', 'M', 0, 42}, {'I', 'I', 42, 0}, {'M', 'M', 42, 0}, {'I', 'I', 0, 42},
            {'M', 'M', 0, 43}, {'I', 'I', 43, 0}};
        boolean tiff = false;
        for (byte[] p : prefixes) {
            tiff |= n >= 4 && b[start] == p[0] && b[start + 1] == p[1] && b[start + 2] == p[2] && b[start + 3] == p[3];
        }
        if (!tiff) {
            throw new PictureException(path, "unreadable picture (not a TIFF file (header "
                    + pyRepr(start, Math.min(n, 8)) + " not valid))");
        }
        if (b[start + 2] == 43) {
            throw new PictureException(path, "unreadable picture (unpack requires a buffer of 8 bytes)"); // BigTIFF
        }
        if (n < 8) {
            throw new PictureException(path, "unreadable picture (unpack requires a buffer of 4 bytes)");
        }
    }

    /** Python's repr() of n bytes at start, as Pillow's message shows them. */
    private String pyRepr(int start, int n) {
        boolean single = false;
        boolean dbl = false;
        for (int i = start; i < start + n; i++) {
            single |= b[i] == '\'';
            dbl |= b[i] == '"';
        }
        char quote = single && !dbl ? '"' : '\'';
        StringBuilder s = new StringBuilder("b").append(quote);
        for (int i = start; i < start + n; i++) {
            int c = b[i] & 0xFF;
            if (c == '\\') {
                s.append("\\\\");
            } else if (c == quote) {
                s.append('\\').append(quote);
            } else if (c == '\t') {
                s.append("\\t");
            } else if (c == '\n') {
                s.append("\\n");
            } else if (c == '\r') {
                s.append("\\r");
            } else if (c < 0x20 || c >= 0x7F) {
                s.append(String.format("\\x%02x", c));
            } else {
                s.append((char) c);
            }
        }
        return s.append(quote).toString();
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
                if (!mode.isEmpty() && !"LA".equals(mode) && !"RGBA".equals(mode)) {
                    trns = pos; // after the image too: load_end's chunk_tRNS still sets it
                }
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
                if (n < 8) {
                    throw notPicture(t + " chunk Pillow refuses");
                }
                long count = length(data);
                frames = frames >= 0 ? -1 : count != 0 && count <= 0x80000000L ? count : -1; // a second: none
                return;
            case "fcTL":
                if (n < 26) {
                    throw notPicture(t + " chunk Pillow refuses");
                }
                frameControl(data, header);
                return;
            case "eXIf":
                exif = pos;
                return;
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

    /** chunk_fcTL: its sequence number after the last one, and its frame inside the picture. */
    private void frameControl(int data, boolean header) throws PictureException {
        long s = length(data);
        if ((seq < 0 && s != 0) || (seq >= 0 && seq != s - 1)) {
            throw header ? notPicture("APNG frame out of sequence")
                    : new PictureException(path, "unreadable picture (APNG contains frame sequence errors)");
        }
        seq = s;
        long w = length(data + 4);
        long h = length(data + 8);
        long x = length(data + 12);
        long y = length(data + 16);
        long pw = ihdr < 0 ? 0 : Integer.toUnsignedLong(width());
        long ph = ihdr < 0 ? 0 : Integer.toUnsignedLong(height());
        if (x + w > pw || y + h > ph) {
            throw header ? notPicture("APNG frame outside the picture")
                    : new PictureException(path, "unreadable picture (APNG contains invalid frames)");
        }
        if (header && (w == 0 || h == 0)) {
            throw new PictureException(path, "unreadable picture (tile cannot extend outside image)");
        }
        framed |= header;
    }

    /** Whether Pillow takes the file as animated (n_frames > 1): load_end stops at an fcTL. */
    private boolean animated() {
        return (frames < 0 ? 1 : frames) + (frames >= 0 && defaultImage ? 1 : 0) > 1;
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
    byte[] checkedForImageIo(boolean overWhite) throws PictureException {
        long[] sizes = rowSizes();
        int read = 0;
        // 16-bit grey with a colour key: python.data.colour clips each sample to 255 (Pillow's
        // I;16 to RGBA) and matches the clipped value with the key's low byte, which ImageIO
        // cannot be asked for: it gets the clipped 8-bit rows, and the key's low byte (where
        // the conversion drops alpha, Pillow's own, no key at all).
        boolean sixteen = colour() == 0 && depth() == 16 && !interlaced && hasTransparency();
        ByteArrayOutputStream clipped = sixteen && overWhite ? new ByteArrayOutputStream() : null;
        try (Rows rows = rows()) {
            byte[] scratch = new byte[0];
            byte[] prev = new byte[sizes.length == 0 ? 0 : (int) sizes[0]];
            for (long size : sizes) {
                if (scratch.length != size) {
                    scratch = new byte[(int) size];
                }
                if (!rows.next(scratch, (int) size)) {
                    break;
                }
                if (clipped != null) {
                    PngGrey.unfilter(scratch, prev, 2, path);
                    clipped.write(0);
                    for (int i = 1; i + 1 < scratch.length; i += 2) {
                        clipped.write(scratch[i] != 0 ? 255 : scratch[i + 1] & 0xFF);
                    }
                    byte[] t = prev;
                    prev = scratch;
                    scratch = t;
                }
                read++;
            }
            rows.finish();
            if (clipped != null) {
                return clippedForImageIo(clipped, read);
            }
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
            if (colour() == 0 || colour() == 2) {
                trnsLength = Math.min(trnsLength, colour() == 0 ? 2 : 6); // what chunk_tRNS reads
            }
            if (trns >= 0 && (colour() == 0 || colour() == 2) && depth() == 8) {
                // python.data.colour matches the key's low byte with the 8-bit samples
                byte[] key = new byte[trnsLength];
                for (int i = 1; i < trnsLength; i += 2) {
                    key[i] = b[trns + 8 + i];
                }
                chunk(out, "tRNS", key, 0, trnsLength);
            } else if (trns >= 0 && colour() != 4 && colour() != 6 && !sixteen) { // Pillow ignores it with alpha
                chunk(out, "tRNS", b, trns + 8, trnsLength);
            }
            if (read < sizes.length) {
                // The zlib stream ended at a row boundary before the last row: Pillow leaves the
                // rest zero, where ImageIO would call the file truncated. ImageIO gets the rows
                // read and zero rows (filter 0) for the rest, in a stream of their own.
                byte[] stream = rowsThenZeros(sizes, read);
                chunk(out, "IDAT", stream, 0, stream.length);
            } else {
                for (int at = firstIdat; at >= 0 && at <= rows.chunk; at = rows.nextRunChunk(at)) {
                    int data = at + 8;
                    chunk(out, "IDAT", b, data, (int) Math.min(length(at), b.length - data));
                }
            }
            chunk(out, "IEND", new byte[0], 0, 0);
            return out.toByteArray();
        }
    }

    /** The 8-bit PNG of a 16-bit grey one's clipped rows (and zero rows after them), with its key's low byte. */
    private byte[] clippedForImageIo(ByteArrayOutputStream clipped, int read) {
        for (int y = read; y < height(); y++) {
            clipped.write(new byte[1 + width()], 0, 1 + width());
        }
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        java.util.zip.Deflater deflater = new java.util.zip.Deflater(1);
        try (java.util.zip.DeflaterOutputStream d = new java.util.zip.DeflaterOutputStream(z, deflater)) {
            clipped.writeTo(d);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e); // a ByteArrayOutputStream does not fail
        } finally {
            deflater.end();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(SIGNATURE, 0, SIGNATURE.length);
        byte[] header = new byte[13];
        System.arraycopy(b, ihdr + 8, header, 0, 8);
        header[8] = 8;
        chunk(out, "IHDR", header, 0, 13);
        chunk(out, "tRNS", new byte[] {0, b[trns + 9]}, 0, 2);
        byte[] stream = z.toByteArray();
        chunk(out, "IDAT", stream, 0, stream.length);
        chunk(out, "IEND", new byte[0], 0, 0);
        return out.toByteArray();
    }

    /** A zlib stream of the first {@code read} rows of the image data, then zero rows. */
    private byte[] rowsThenZeros(long[] sizes, int read) throws PictureException {
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        java.util.zip.Deflater deflater = new java.util.zip.Deflater(1);
        try (Rows again = rows();
                java.util.zip.DeflaterOutputStream out = new java.util.zip.DeflaterOutputStream(z, deflater)) {
            for (int i = 0; i < sizes.length; i++) {
                byte[] row = new byte[(int) sizes[i]];
                if (i < read) {
                    again.next(row, row.length);
                }
                out.write(row);
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e); // a ByteArrayOutputStream does not fail
        } finally {
            deflater.end();
        }
        return z.toByteArray();
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
            boolean stopAtFrame = animated();
            while (pos + 8 <= b.length && isCid((int) pos + 4) && !isType((int) pos + 4, "IEND")
                    && !(stopAtFrame && isType((int) pos + 4, "fcTL"))) {
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
