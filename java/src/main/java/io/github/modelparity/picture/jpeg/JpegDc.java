package io.github.modelparity.picture.jpeg;

import io.github.modelparity.PictureException;
import io.github.modelparity.picture.GreyImage;
import io.github.modelparity.picture.Pixels;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A large JPEG at 1/8, 1/4 or 1/2 of its size, as libjpeg-turbo's scaled decoding
 * (scale_denom 8, 4 or 2) gives it to Pillow's draft: the manifest's preprocessing.jpeg_dc.
 * libjpeg decodes each component through an IDCT of its own scaled size (jdmaster.c
 * jpeg_calc_output_dimensions): 8 / scale samples a block side for the luma, and for a 4:2:0
 * chroma component twice that, because libjpeg scales its IDCT up instead of upsampling it;
 * {@link JpegIdct} has those IDCTs (jpeg_idct_1x1, jpeg_idct_2x2, jpeg_idct_4x4,
 * jpeg_idct_islow), computed as libjpeg-turbo's x86-64 SIMD code does, which only damaged
 * data tells from the C code. A block is kept as just the coefficients its IDCT reads (its
 * {@link JpegIdct.Layout}), from sequential data and from progressive AC and refinement scans.
 *
 * <p>In grey ({@link #pixels(int)}, Pillow's draft("L")) the picture is the first component
 * through its IDCT; at 1/8 that is each block's DC through jpeg_idct_1x1, and a 12-megapixel
 * photo costs its Huffman decoding only: AC coefficients are decoded just to be skipped
 * (progressive AC scans not even that). In RGB ({@link #rgbPixels(int)}, Pillow's
 * draft("RGB"), for a 4:4:4 or 4:2:0 YCbCr JPEG) the three planes, cropped to ceil(width /
 * scale) x ceil(height / scale), go through jdcolor.c's integer YCbCr-to-RGB tables
 * ({@link YccToRgb}). Its memory is the kept coefficients: at 1/8 52 bytes a 4:2:0 chroma
 * block, about 5 MB for 12 megapixels; at 1/2 (4:4:4, the most) 102 bytes a block, about 60
 * MB, where the JPEG is progressive. A sequential one in one scan at 1/4 or 1/2 is decoded a
 * row of MCUs at a time, each row through its IDCT before the next is decoded
 * ({@link #planes}): its coefficients are a row's, and its memory the output planes. Both
 * refuse what libjpeg refuses (among it a quantisation table missing at a
 * component's first scan, over 10 blocks an MCU); the RGB route also refuses a progressive
 * JPEG that libjpeg would block-smooth visibly at that scale, which is not reproduced (for
 * the grey route, JpegDecoder refuses every progressive JPEG left incomplete:
 * {@link #incompleteProgressive()}). All of it is hand-written because no Java library
 * decodes a JPEG the way libjpeg-turbo does at reduced scale, and Python's pixels are
 * libjpeg-turbo's, bit for bit (JpegRgbDcTest).
 *
 * <p>Huffman-coded 8-bit JPEGs (SOF0, SOF1, SOF2). Data that libjpeg decodes with a warning
 * is decoded as libjpeg does: a marker inside a scan ends its data (zero bits for the block
 * in hand, the rest of the restart interval left at zero), an invalid Huffman code reads as
 * symbol 0. A file that ends before EOI is truncated; a restart marker out of sequence, a
 * missing table or a bad table is corrupt. One instance decodes one file (not thread-safe).
 *
 * <p><b>Our rules</b> for a damaged JPEG, each libjpeg-turbo's behaviour under Pillow
 * ({@code LOAD_TRUNCATED_IMAGES} off) and each with its test in JpegRulesTest:
 * <ol>
 * <li>Markers are taken as {@code jdmarker.c} takes them: before the scan, a reserved marker
 * (0x02 to 0xBF, 0xDE, 0xDF, 0xF0 to 0xFD) or a second SOI is fatal.
 * <li>APPn, COM and DNL segments with a length under 2 are skipped, not fatal; any other
 * marker with such a length is.
 * <li>Data that runs out during a bit-buffer fill before the last row is out is a truncated
 * picture. The fills are where libjpeg-turbo makes them (57 bits on the slow path, six bytes
 * at a time on the fast path, where Pillow's 64 KB reads allow it), so the same cut is
 * truncated on both sides or on neither.
 * <li>A segment whose length runs past the end of the file refuses it.
 * <li>After the last row of a single-scan JPEG, a missing EOI or trailing garbage is no error;
 * a bad marker there still is.
 * <li>A sequential scan that names Huffman table 0 or 1 the file lacks uses the standard tables (Annex
 * K, {@link JpegStandardTables}); restart markers out of sequence are resynchronised as
 * {@code jpeg_resync_to_restart} does. These two are checked by the seeded fuzz comparison
 * with Python (tests/test_fuzz.py), which damages tables and restart intervals.
 * <li>Every segment is read in {@code jdmarker.c}'s order and byte by byte where it reads so
 * (get_sof, get_dht, get_dqt, get_dri, get_dac, get_sos), also after the last row: the JPG
 * marker, a second frame, inexact DQT, DHT and DAC lengths, an empty frame, a table number
 * over 3, a frame over 65500 pixels a side, a scan component named twice or out of slot
 * order, a table a progressive scan uses and the file lacks (no standard tables there), over
 * 10 blocks an MCU on either route: all fatal. Before the first scan, what Pillow's own
 * JpegImagePlugin refuses is refused too (TEM, a JFIF or Adobe segment too short).
 * (JpegMarkerRulesTest, and tests/structfuzz.py's three-language comparison.)
 * </ol>
 */
final class JpegDc {
    /** Pillow's read size (ImageFile.decodermaxblock): what it hands libjpeg at a time. */
    private static final int CHUNK = 65536;
    /** libjpeg's JPEG_MAX_DIMENSION: a wider or taller frame is refused at the first scan. */
    private static final int MAX_DIMENSION = 65500;

    /** libjpeg suspended: it wants bytes Pillow has not handed it yet. */
    private static final class Suspended extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Suspended() {
            super(null, null, false, false);
        }
    }

    /**
     * What the markers before the first scan say.
     *
     * @param width stored width (before EXIF orientation)
     * @param height stored height
     * @param decodable whether this class decodes it exactly as libjpeg (the jpeg_dc rule)
     * @param components the frame's components (1: grey)
     * @param rgbDc whether {@link #rgbPixels(int)} decodes it: three YCbCr components (the
     *        decodable rule's colour-space guess, as python.data.decode._ycbcr) sampled 4:4:4
     *        (all factors equal) or 4:2:0 (2x2, 1x1, 1x1), the JPEGs Python decodes reduced
     *        in RGB (python.data.decode.draft_mode)
     */
    record Header(int width, int height, boolean decodable, int components, boolean rgbDc) {
    }

    private final byte[] b;
    private final Path path;
    private int pos;
    private int sof = -1;
    private int precision;
    private int width;
    private int height;
    private int[] compId = new int[0];
    private int[] compH;
    private int[] compV;
    private int[] compTq;
    private int hmax;
    private int vmax;
    private boolean jfif;
    private int adobeTransform = -1;
    private final int[] quantDc = new int[4];
    // After the last row of a single-scan JPEG: where its data ends (the first marker after
    // it, or the file's end), past which ImageIO gets EOI alone (forImageIo); -1 before.
    private int dataEnd = -1;
    // Whether the segments are Pillow's to read too: those before the first scan, which
    // JpegImagePlugin reads with its own handlers before libjpeg sees the file.
    private boolean pillowReads;
    // {start, end} of what the bytes ImageIO gets leave out (forImageIo): APPn, COM and DNL
    // segments of length 0 or 1 with the bytes libjpeg skips after them, which ImageIO's
    // parsers refuse; JFXX segments (JFIF thumbnails), whose parser in ImageIO fails where
    // they are damaged. Neither changes a pixel libjpeg decodes.
    private final java.util.List<int[]> dropped = new java.util.ArrayList<>();
    // {start, end} of the Adobe APP14 segments: where a JFIF segment makes libjpeg take three
    // components as YCbCr whatever their transform says, ImageIO, which would take transform
    // 0 as RGB, gets the file without them.
    private final java.util.List<int[]> adobeSegments = new java.util.ArrayList<>();
    // {position, value}: bytes ImageIO gets changed, to what libjpeg makes of them: a
    // sequential scan's Ss, Se and Ah/Al (0, 63, 0 whatever they are: jdhuff.c only warns), a
    // DQT precision over 1 (1: libjpeg reads any nonzero one as 16-bit; ImageIO refuses it).
    private final java.util.List<int[]> patches = new java.util.ArrayList<>();
    // The quantisation tables whole, in natural order (what get_dqt stores): the RGB route's.
    private final int[][] quant = new int[4][];
    private final boolean[] quantDefined = new boolean[4];
    private final Huffman[] dcTables = new Huffman[4];
    private final Huffman[] acTables = new Huffman[4];
    private int restartInterval;
    // What the decode collects, per component on its MCU-padded block grid (blockStride blocks a
    // row), blockLength[c] shorts a block: the coefficients that component's IDCT at this scale
    // reads, kept as layouts[c] says (JpegIdct.Layout), for the first component alone (the grey
    // route) or every one (the RGB route). null: not collected (its blockLength 1, nothing kept).
    private short[][] coef;
    // A single-scan sequential JPEG whose every kept component has an IDCT of 2 or more samples
    // (the 1/4 and 1/2 scales) is decoded a row of MCUs at a time: coef then holds that row
    // alone (its block rows of each component), which goes through its IDCT into planes (the
    // components at the output size, cropped) before the next row is decoded into it. The
    // coefficients of the whole picture (20 to 60 MB for 12 megapixels) are never held; the
    // planes are the same bytes as {@link #plane} makes from them. null: not streamed.
    private byte[][] planes;
    private int[] blockStride;
    private JpegIdct.Layout[] layouts;
    private int[] blockLength;
    // The scale denominator this decode is for: 8, 4 or 2.
    private int scale = 8;
    // The first component's Q0, latched at its first scan (the grey route).
    private int yQuant = -1;
    // The RGB route: whether this decode is one; each component's quantisers, latched at its
    // first scan as jdinput.c's latch_quant_tables does (null: no scan yet, all zero); in a
    // progressive JPEG, which of a kept block's uncollected coefficients are nonzero (bit p:
    // natural position p; IDCT sizes 2 and 4), which AC refinement scans must know, and
    // jdphuff.c's coef_bits (zigzag 0 to 9, -1 never coded) with their values before each component's last
    // scan, which decide libjpeg's block smoothing, with the scans so far and whether the last
    // one may have run out of data (then rows past that point are smoothed by the earlier bits).
    private boolean rgb;
    private int[][] latched;
    private long[][] nonzero;
    private int[][] coefBits;
    private int[][] prevBits;
    private int scans;
    private boolean lastScanShort;
    private boolean ranOut;
    private int eobrun;
    // Whether the file's rest has been decoded (once), and what that threw.
    private boolean decoded;
    private PictureException decodeFailure;
    // Entropy-coded data: bits not yet used, right-aligned in buf.
    private long buf;
    private int bits;
    private boolean hitMarker;
    private boolean insufficient;
    // The one scan of a single-scan sequential JPEG without restarts is decoded as libjpeg-turbo
    // under Pillow decodes it, because there where the data runs out decides truncation: Pillow
    // hands libjpeg 64 KB at a time (fed: the bytes handed so far) and an MCU starts on the fast
    // path (fast, six bytes read whenever 16 bits or fewer are left) when at least 512 bytes a
    // block are in hand, else on the slow path (57 bits, suspending where the bytes handed end).
    private boolean buffered;
    private int fed;
    private boolean fast;
    private boolean fastMetMarker;

    // Where headers() stopped: the marker it met (SOS or EOI), or what it threw.
    private int stoppedAt;
    private Exception headerFailure;

    JpegDc(byte[] bytes, Path path) {
        this.b = bytes;
        this.path = path;
    }

    /** Whether the bytes start as a JPEG does (SOI). */
    static boolean isJpeg(byte[] bytes) {
        return bytes.length > 2 && (bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xFF) == 0xD8;
    }

    /**
     * Reads the markers before the first scan: the frame header. The walk stops at the first
     * SOS or EOI, where {@link #pixels(int)} goes on, so the file is read once.
     *
     * @return the frame header; null when the walk failed (kept for {@link #pixels(int)} to
     *         throw) or found no frame before a scan
     */
    Header headers() {
        pos = 2;
        pillowReads = true;
        try {
            while (true) {
                int m = nextMarker();
                if (m == 0xDA || m == 0xD9) {
                    stoppedAt = m;
                    break;
                }
                segment(m);
            }
        } catch (PictureException | RuntimeException e) {
            headerFailure = e;
            return null;
        } finally {
            pillowReads = false;
        }
        return sof < 0 ? null : new Header(width, height, decodable(), compId.length, rgbDc());
    }

    /**
     * For a frame this class leaves to ImageIO: what libjpeg-turbo refuses at its first scan
     * that ImageIO's readers (TwelveMonkeys' decodes lossless JPEGs) would take: a lossless
     * frame's scan parameters out of range (jdlossls.c start_pass_lossless).
     *
     * @throws PictureException for such a file
     */
    void checkUndecodable() throws PictureException {
        boolean lossless = sof == 0xC3 || sof == 0xC7 || sof == 0xCB || sof == 0xCF;
        if (!lossless || stoppedAt != 0xDA || pos + 2 > b.length) {
            return;
        }
        int q = pos + 3 + 2 * (b[pos + 2] & 0xFF);
        if (q + 2 < b.length) {
            int ss = b[q] & 0xFF;
            int se = b[q + 1] & 0xFF;
            int ah = (b[q + 2] & 0xFF) >> 4;
            int al = b[q + 2] & 15;
            if (ss < 1 || ss > 7 || se != 0 || ah != 0 || al >= precision) {
                throw corrupt("bad lossless scan parameters Ss=" + ss + " Se=" + se + " Ah=" + ah + " Al=" + al);
            }
        }
    }

    /**
     * Whether a JPEG's luma is decoded at 1/scale (see {@link #pixels(int)}).
     *
     * @param scale a scale denominator
     * @return true for 8, 4 and 2, the scales libjpeg's scaled decoding serves here
     */
    static boolean isScale(int scale) {
        return scale == 8 || scale == 4 || scale == 2;
    }

    /**
     * The luma at 1/scale, as libjpeg-turbo gives it to Pillow's draft("L"): the first
     * component through its reduced IDCT ({@link JpegIdct}; at 1/8 its DCs alone), decoded on
     * from where {@link #headers()} stopped; the rules' refusal of a damaged file when the
     * header walk failed. After {@link #rgbPixels(int)} at the same scale it comes from that
     * same decode; at another scale the file is decoded again.
     *
     * @param scale 8, 4 or 2
     * @return ceil(width / scale) x ceil(height / scale) grey values, stored orientation
     * @throws PictureException what libjpeg-turbo under Pillow refuses
     * @throws IllegalArgumentException for another scale
     */
    GreyImage pixels(int scale) throws PictureException {
        if (!isScale(scale)) {
            throw new IllegalArgumentException("scale " + scale + " is not 8, 4 or 2");
        }
        if (decoded && this.scale != scale) {
            JpegDc again = new JpegDc(b, path);
            again.headers();
            return again.pixels(scale);
        }
        decode(false, scale);
        int w = (width + scale - 1) / scale;
        int h = (height + scale - 1) / scale;
        int[] out = new int[w * h];
        if (layouts[0].size > 1) {
            byte[] luma = plane(0, w, h);
            for (int i = 0; i < out.length; i++) {
                out[i] = luma[i] & 0xFF;
            }
            return new GreyImage(w, h, out);
        }
        short[] dc = coef[0];
        int stride = blockStride[0];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int v = ((dc[y * stride + x] * yQuant + 4) >> 3) & 1023; // DESCALE(dc * q, 3)
                out[y * w + x] = v < 128 ? v + 128 : v < 512 ? 255 : v < 896 ? 0 : v - 896;
            }
        }
        return new GreyImage(w, h, out);
    }

    /**
     * The picture at 1/scale in RGB, as libjpeg-turbo gives it to Pillow's draft("RGB") (see
     * the class Javadoc), decoded on from where {@link #headers()} stopped by the same rules as
     * {@link #pixels(int)}; for a JPEG whose header says {@link Header#rgbDc()}. Called first,
     * {@link #pixels(int)} at the same scale then costs nothing; called after a grey decode
     * or at another scale, the file is decoded again (the grey decode keeps no chroma).
     *
     * @param scale 8, 4 or 2
     * @return ceil(width / scale) x ceil(height / scale) pixels, 3 channels, stored orientation
     * @throws PictureException what libjpeg-turbo under Pillow refuses; also a progressive
     *         JPEG whose scans leave coefficients that libjpeg's block smoothing would estimate
     *         where this scale shows them (jdcoefct.c decompress_smooth_data, which this class
     *         does not reproduce)
     * @throws IllegalStateException if the header walk succeeded on a JPEG that is not rgbDc
     * @throws IllegalArgumentException for another scale
     */
    Pixels rgbPixels(int scale) throws PictureException {
        if (!isScale(scale)) {
            throw new IllegalArgumentException("scale " + scale + " is not 8, 4 or 2");
        }
        if (headerFailure == null && !rgbDc()) {
            throw new IllegalStateException(path + ": not a 4:4:4 or 4:2:0 YCbCr JPEG");
        }
        if (decoded && (!rgb || this.scale != scale)) {
            JpegDc again = new JpegDc(b, path);
            again.headers();
            return again.rgbPixels(scale);
        }
        decode(true, scale);
        if (smoothed()) {
            throw new PictureException(path, "a progressive JPEG whose scans leave coefficients"
                    + " for libjpeg's block smoothing to estimate, which this modelparity does not do");
        }
        int w = (width + scale - 1) / scale;
        int h = (height + scale - 1) / scale;
        byte[][] planes = new byte[3][];
        for (int c = 0; c < 3; c++) {
            planes[c] = plane(c, w, h);
        }
        byte[] rgbSamples = new byte[w * h * 3];
        new YccToRgb().convert(planes[0], planes[1], planes[2], rgbSamples);
        return new Pixels(w, h, 3, rgbSamples);
    }

    /**
     * A component through its IDCT, n by n samples a block (n its {@link JpegIdct.Layout#size}):
     * jdcoefct.c's output, which at these scales is the output's size (the upsampling is
     * jdsample.c's fullsize_upsample, a copy), cropped to w x h. A streamed decode made it
     * already (never to be written to: both routes read it).
     */
    private byte[] plane(int c, int w, int h) {
        if (planes != null) {
            return planes[c];
        }
        byte[] out = new byte[w * h];
        int n = layouts[c].size;
        int[] ws = new int[64];
        int[] samples = new int[n * n];
        for (int by = 0; by * n < h; by++) {
            idctRow(c, by, by, out, w, h, ws, samples);
        }
        return out;
    }

    /**
     * Block row {@code by} of component c through its IDCT into out (w x h, cropped): the
     * row held at block row {@code kept} of the component's store (by itself, unless streamed).
     */
    private void idctRow(int c, int by, int kept, byte[] out, int w, int h, int[] ws, int[] samples) {
        short[] blocks = coef[c];
        int stride = blockStride[c];
        JpegIdct.Layout layout = layouts[c];
        int n = layout.size;
        int len = layout.block;
        if (by * n >= h) {
            return;
        }
        int[] q = latched[c] == null ? new int[64] : latched[c];
        if (n == 1) {
            int q0 = q[0];
            for (int x = 0; x < w; x++) {
                out[by * w + x] = (byte) JpegIdct.idct1x1(blocks[kept * stride + x], q0);
            }
            return;
        }
        long[] nz = nonzero[c];
        int rows = Math.min(n, h - by * n);
        for (int bx = 0; bx * n < w; bx++) {
            int blk = kept * stride + bx;
            int at = blk * len;
            if (n == 2) {
                JpegIdct.idct2x2(blocks, at, q, ws, samples);
            } else if (n == 4) {
                boolean unkept = blocks[at + layout.spareTested] != 0
                        || (nz != null && (nz[blk] & layout.tested) != 0);
                JpegIdct.idct4x4(blocks, at, q, unkept, ws, samples);
            } else {
                JpegIdct.idctIslow(blocks, at, q, ws, samples);
            }
            int cols = Math.min(n, w - bx * n);
            for (int r = 0; r < rows; r++) {
                int o = (by * n + r) * w + bx * n;
                for (int i = 0; i < cols; i++) {
                    out[o + i] = (byte) samples[r * n + i];
                }
            }
        }
    }

    /**
     * A streamed decode's row of MCUs my, just decoded: each kept component's block rows
     * through their IDCT into its plane, then the row's store cleared for the next (a block
     * the data does not reach stays zero, as in the whole store).
     */
    private void flushRow(int[] comps, int my) {
        int w = (width + scale - 1) / scale;
        int h = (height + scale - 1) / scale;
        int[] ws = new int[64];
        int[] samples = new int[64];
        for (int c : comps) {
            if (layouts[c] == null) {
                continue;
            }
            int bv = comps.length == 1 ? 1 : compV[c];
            for (int v = 0; v < bv; v++) {
                idctRow(c, my * bv + v, v, planes[c], w, h, ws, samples);
            }
            Arrays.fill(coef[c], (short) 0);
        }
    }

    /**
     * The rest of the file, decoded once at 1/scale; for the RGB route when rgb (else the
     * grey's only).
     */
    private void decode(boolean wantRgb, int scale) throws PictureException {
        if (decoded) {
            if (decodeFailure != null) {
                throw decodeFailure;
            }
            return;
        }
        decoded = true;
        rgb = wantRgb;
        this.scale = scale;
        try {
            decodeRest();
        } catch (ArrayIndexOutOfBoundsException | NegativeArraySizeException e) {
            decodeFailure = corrupt("a segment runs past its end");
            throw decodeFailure;
        } catch (PictureException e) {
            decodeFailure = e;
            throw e;
        }
    }

    private boolean decodable() {
        if ((sof != 0xC0 && sof != 0xC1 && sof != 0xC2) || precision != 8 || width < 1 || height < 1) {
            return false;
        }
        int n = compId.length;
        if (n == 1) {
            return true;
        }
        if (n != 3 || compH[0] != hmax || compV[0] != vmax) {
            return false;
        }
        // libjpeg's guess of the colour space (jdapimin.c default_decompress_parms): YCbCr only.
        if (jfif) {
            return true;
        }
        if (adobeTransform >= 0) {
            return adobeTransform != 0;
        }
        return !(compId[0] == 82 && compId[1] == 71 && compId[2] == 66);
    }

    /** Header.rgbDc: decodable, three components, 4:4:4 or 4:2:0. */
    private boolean rgbDc() {
        if (!decodable() || compId.length != 3) {
            return false;
        }
        boolean same = compH[1] == compH[0] && compH[2] == compH[0] && compV[1] == compV[0] && compV[2] == compV[0];
        boolean s420 = compH[0] == 2 && compV[0] == 2 && compH[1] == 1 && compV[1] == 1 && compH[2] == 1
                && compV[2] == 1;
        return same || s420;
    }

    /**
     * The IDCT size of component c at this decode's scale, as jdmaster.c's
     * jpeg_calc_output_dimensions chooses it: min_DCT_scaled_size (8 / scale), scaled up while
     * that saves upsampling, so that a 4:2:0 chroma component gets twice the luma's. Every
     * component then comes at the output's size: 1, 2 or 4 for the luma, up to 8 for chroma.
     */
    private int idctSize(int c) {
        int min = 8 / scale;
        int ssize = min;
        while (ssize < 8 && (hmax * min) % (compH[c] * ssize * 2) == 0
                && (vmax * min) % (compV[c] * ssize * 2) == 0) {
            ssize *= 2;
        }
        return ssize;
    }

    private void decodeRest() throws PictureException {
        if (headerFailure instanceof PictureException e) {
            throw e;
        }
        if (headerFailure instanceof RuntimeException e) {
            throw e;
        }
        int n = compId.length;
        layouts = new JpegIdct.Layout[n];
        blockLength = new int[n];
        for (int c = 0; c < n; c++) {
            // the grey route keeps the first component alone (decodable: at the largest sampling)
            layouts[c] = rgb || c == 0 ? JpegIdct.layout(idctSize(c)) : null;
            blockLength[c] = layouts[c] == null ? 1 : layouts[c].block;
        }
        latched = new int[n][];
        coefBits = new int[n][10];
        prevBits = new int[n][10];
        for (int[] bitsOf : coefBits) {
            Arrays.fill(bitsOf, -1);
        }
        for (int m = stoppedAt; m != 0xD9; m = nextMarker()) {
            if (m == 0xDA) {
                if (scan()) {
                    tail();
                    break;
                }
            } else {
                segment(m);
            }
        }
        if (coef == null) {
            throw corrupt("no scan of the first component");
        }
    }

    /**
     * Whether a progressive JPEG's scans leave any of the first nine AC coefficients of a
     * component not coded to the last bit: libjpeg-turbo (Pillow) then estimates them by block
     * smoothing (jdcoefct.c decompress_smooth_data), which ImageIO's libjpeg does otherwise,
     * so neither the whole decode nor the grey route can give Pillow's pixels. Call after
     * {@link #pixels(int)} or {@link #rgbPixels(int)}.
     *
     * @return true for such a file (a complete progressive JPEG, or a sequential one: false)
     */
    boolean incompleteProgressive() {
        if (sof != 0xC2 || coefBits == null) {
            return false;
        }
        for (int[] cb : coefBits) {
            for (int k = 1; k < 10; k++) {
                if (cb[k] != 0) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Whether libjpeg would smooth this progressive JPEG's blocks (jdcoefct.c smoothing_ok:
     * every component's quantisers latched and nonzero at the first ten zigzag positions, its
     * DC coded, some of its first nine AC coefficients not coded to the last bit) in a way the
     * RGB route's pixels would show at this scale: a component with none of those AC
     * coefficients has its DC interpolated; otherwise only AC coefficients 1 to 5 that are
     * still zero are estimated, all of which jpeg_idct_4x4 and jpeg_idct_islow read,
     * jpeg_idct_2x2 zigzag 1, 2 and 4 and jpeg_idct_1x1 none. Rows
     * past where the last scan's data ran out are smoothed by the bits before each
     * component's last scan (decompress_smooth_data's prev_coef_bits); a scan this class
     * skips may have, for all it knows.
     */
    private boolean smoothed() {
        if (sof != 0xC2) {
            return false;
        }
        boolean useful = false;
        for (int c = 0; c < compId.length; c++) {
            if (latched[c] == null || coefBits[c][0] < 0) {
                return false;
            }
            for (int k = 0; k < 10; k++) {
                if (latched[c][JpegIdct.natural(k)] == 0) {
                    return false;
                }
                useful |= k > 0 && coefBits[c][k] != 0;
            }
        }
        if (!useful) {
            return false;
        }
        for (int c = 0; c < compId.length; c++) {
            if (shows(c, coefBits[c])) {
                return true;
            }
        }
        if (lastScanShort) {
            for (int c = 0; c < compId.length; c++) {
                int[] prev = prevBits[c].clone(); // smoothing_ok's prev_coef_bits_latch
                for (int k = 1; k < 10; k++) {
                    prev[k] = scans > 1 ? prev[k] : -1;
                }
                if (shows(c, prev)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether smoothing by these coef_bits changes what component c's IDCT reads. */
    private boolean shows(int c, int[] bitsOf) {
        boolean noAc = true;
        for (int k = 1; k < 10; k++) {
            noAc &= bitsOf[k] == -1;
        }
        int n = layouts[c] == null ? 1 : layouts[c].size;
        if (noAc || n >= 4) { // jpeg_idct_4x4 and jpeg_idct_islow read zigzag 1 to 5
            return noAc || bitsOf[1] != 0 || bitsOf[2] != 0 || bitsOf[3] != 0 || bitsOf[4] != 0 || bitsOf[5] != 0;
        }
        return n == 2 && (bitsOf[1] != 0 || bitsOf[2] != 0 || bitsOf[4] != 0);
    }

    /**
     * After the one scan of a single-scan sequential JPEG, libjpeg has given every row; Pillow
     * then reads on to EOI, where data that ends is no error but a bad marker is.
     */
    private void tail() throws PictureException {
        dataEnd = b.length;
        try {
            while (true) {
                int m = nextMarker();
                dataEnd = Math.min(dataEnd, pos - 2);
                if (m == 0xD9) {
                    return;
                }
                if (m == 0xDA) {
                    secondScan();
                }
                segment(m);
            }
        } catch (PictureException e) {
            if (!"truncated picture".equals(e.reason())) {
                throw e;
            }
        }
    }

    // ---- markers

    /** The next marker's code, skipping any bytes before it and fill bytes, as libjpeg does. */
    private int nextMarker() throws PictureException {
        while (true) {
            while (pos < b.length && (b[pos] & 0xFF) != 0xFF) {
                pos++;
            }
            while (pos < b.length && (b[pos] & 0xFF) == 0xFF) {
                pos++;
            }
            if (pos >= b.length) {
                throw truncated();
            }
            int m = b[pos++] & 0xFF;
            if (m != 0) {
                return m;
            }
        }
    }

    private int u16(int at) {
        return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
    }

    /** Byte i of a marker segment as jdmarker.c's INPUT_BYTE reads it: past the file's end, truncated. */
    private int at(int i) throws PictureException {
        if (i >= b.length) {
            throw truncated();
        }
        return b[i] & 0xFF;
    }

    /** Whether the n bytes at start begin with the ASCII text t. */
    private boolean startsWith(int start, int n, String t) {
        if (n < t.length()) {
            return false;
        }
        for (int i = 0; i < t.length(); i++) {
            if (b[start + i] != t.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The bytes ImageIO is to decode, the same pixels to libjpeg: without the APPn, COM and DNL
     * segments of length 0 or 1 and the bytes libjpeg skips after them up to the next marker
     * (ImageIO's segment parsers refuse them, libjpeg skips them) and without JFXX segments;
     * a sequential scan's Ss, Se, Ah and Al as 0, 63, 0 and 0 (libjpeg only warns where they
     * are not, and decodes the same), a DQT precision over 1 as 1 (libjpeg reads both as
     * 16-bit entries); after the last row of a
     * single-scan JPEG this class decoded, EOI alone in place of what followed (which libjpeg
     * under Pillow has been found to accept: {@link #tail()}), where ImageIO would read on.
     *
     * @return the file's bytes, or those bytes so cleaned
     */
    byte[] forImageIo() {
        if (jfif && compId.length == 3 && !adobeSegments.isEmpty()) {
            dropped.addAll(adobeSegments);
            dropped.sort(java.util.Comparator.comparingInt(cut -> cut[0]));
            adobeSegments.clear();
        }
        if (dropped.isEmpty() && dataEnd < 0 && patches.isEmpty()) {
            return b;
        }
        byte[] src = b;
        if (!patches.isEmpty()) {
            src = b.clone();
            for (int[] patch : patches) {
                src[patch[0]] = (byte) patch[1];
            }
        }
        int limit = dataEnd < 0 ? b.length : dataEnd;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(limit + 2);
        int from = 0;
        for (int[] cut : dropped) {
            if (cut[0] < from || cut[0] >= limit) {
                continue;
            }
            out.write(src, from, cut[0] - from);
            from = Math.min(cut[1], limit);
        }
        if (from < limit) {
            out.write(src, from, limit - from);
        }
        if (dataEnd >= 0) {
            out.write(0xFF);
            out.write(0xD9);
        }
        return out.toByteArray();
    }

    /** Where the marker libjpeg's next_marker finds from p starts (its last fill byte), or the end. */
    private int nextMarkerStart(int p) {
        while (p < b.length) {
            while (p < b.length && (b[p] & 0xFF) != 0xFF) {
                p++;
            }
            int q = p;
            while (q < b.length && (b[q] & 0xFF) == 0xFF) {
                q++;
            }
            if (q >= b.length) {
                return b.length;
            }
            if (b[q] != 0) {
                return q - 1;
            }
            p = q + 1;
        }
        return b.length;
    }

    /** Whether marker m starts a frame header (SOF0 to SOF15 but DHT, JPG and DAC). */
    private static boolean isFrame(int m) {
        return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
    }

    /**
     * Reads one marker segment other than SOS; returns with pos after it. Each kind is read in
     * jdmarker.c's order (read_markers and its get_ routines), byte by byte where libjpeg
     * reads it so, so that where a file that ends inside a segment is refused (libjpeg's
     * error) or merely cut short (its suspension, a truncated picture, which after the last
     * row is no error: {@link #tail()}) is libjpeg's.
     */
    private void segment(int m) throws PictureException {
        if (m == 0x01 && pillowReads) { // JpegImagePlugin knows no marker under 0xC0
            throw new PictureException(path, "not a picture Pillow can read (no marker found: 0xff01)");
        }
        if (m == 0x01 || (m >= 0xD0 && m <= 0xD7)) {
            return; // no length
        }
        if (m < 0xC0 || m == 0xD8 || m == 0xDE || m == 0xDF || (m >= 0xF0 && m <= 0xFD)) {
            throw corrupt("marker 0x" + Integer.toHexString(m) + " where libjpeg allows none"); // jdmarker.c
        }
        // Refused before a byte of the segment is read: JPG (JERR_SOF_UNSUPPORTED), and any
        // frame header after the first.
        if (m == 0xC8) {
            throw corrupt("SOF type 0xc8, which libjpeg does not decode");
        }
        if (isFrame(m) && sof >= 0) {
            throw corrupt("two frame headers");
        }
        if (pos + 2 > b.length) {
            throw truncated();
        }
        int len = u16(pos);
        int start = pos + 2;
        int end = pos + len;
        if (len < 2) {
            if ((m >= 0xE0 && m <= 0xEF) || m == 0xFE || m == 0xDC) {
                dropped.add(new int[] {pos - 2, nextMarkerStart(start)});
                pos = start; // libjpeg skips length - 2 bytes of these: none
                return;
            }
            throw corrupt("marker 0x" + Integer.toHexString(m) + " has a bad length");
        }
        // The tables and the restart interval are checked as libjpeg reads them, byte by byte.
        if (m == 0xC4) {
            pos = huffmanTables(start, len - 2);
            return;
        }
        if (m == 0xDB) {
            pos = quantTables(start, len - 2);
            return;
        }
        if (m == 0xCC) {
            pos = arithTables(start, len - 2);
            return;
        }
        if (m == 0xDD) {
            if (len != 4) { // get_dri: before the interval itself is read
                throw corrupt("bad DRI length");
            }
            restartInterval = (at(start) << 8) | at(start + 1);
            pos = end;
            return;
        }
        if (end > b.length) {
            throw truncated();
        }
        pos = end;
        int n = end - start;
        if (isFrame(m)) {
            frame(m, start, len);
        } else if (pillowReads && n < 7 && ((m == 0xE0 && startsWith(start, n, "JFIF"))
                || (m == 0xEE && startsWith(start, n, "Adobe")))) {
            // JpegImagePlugin's APP handler reads a 16-bit version at offset 5 of a segment
            // that starts so: a shorter one fails Image.open ("not a picture Pillow can read")
            throw new PictureException(path, "not a picture Pillow can read (an APP" + (m & 15)
                    + " segment too short for its " + (m == 0xE0 ? "JFIF" : "Adobe") + " header)");
        } else if (m == 0xE0 && startsWith(start, n, "JFXX")) {
            dropped.add(new int[] {start - 4, end});
        } else if (m == 0xE0) {
            jfif |= n >= 14 && b[start] == 'J' && b[start + 1] == 'F' && b[start + 2] == 'I'
                    && b[start + 3] == 'F' && b[start + 4] == 0;
        } else if (m == 0xEE && n >= 12 && b[start] == 'A' && b[start + 1] == 'd' && b[start + 2] == 'o'
                && b[start + 3] == 'b' && b[start + 4] == 'e') {
            adobeTransform = b[start + 11] & 0xFF;
            adobeSegments.add(new int[] {start - 4, end});
        }
    }

    /**
     * DHT (get_dht): tables while more than 16 bytes of the length are left, each checked when
     * a scan uses it; what is left must be nothing.
     *
     * @return where the segment ends
     */
    private int huffmanTables(int p, int length) throws PictureException {
        while (length > 16) {
            int index = at(p++);
            int[] counts = new int[17];
            int total = 0;
            for (int l = 1; l <= 16; l++) {
                counts[l] = at(p++);
                total += counts[l];
            }
            length -= 17;
            if (total > 256 || total > length) {
                throw corrupt("bad Huffman table");
            }
            if (total > 0) {
                at(p + total - 1); // the symbols: truncated where they run past the file
            }
            int[] symbols = new int[total];
            for (int i = 0; i < total; i++) {
                symbols[i] = b[p + i] & 0xFF;
            }
            p += total;
            length -= total;
            int tc = index >> 4;
            int th = index & 15;
            if (tc > 1 || th > 3) { // JERR_DHT_INDEX, once the table is read
                throw corrupt("bad Huffman table");
            }
            (tc == 0 ? dcTables : acTables)[th] = new Huffman(counts, symbols, tc == 0); // checked when used
        }
        if (length != 0) {
            throw corrupt("bad Huffman table");
        }
        return p;
    }

    /**
     * DQT (get_dqt): tables while any of the length is left, zigzag order in the file, natural
     * order kept; any nonzero precision means 16-bit entries, as libjpeg reads it; the length
     * must come out exact.
     *
     * @return where the segment ends
     */
    private int quantTables(int p, int length) throws PictureException {
        while (length > 0) {
            int n = at(p++);
            boolean wide = n >> 4 != 0;
            int tq = n & 15;
            if (n >> 4 > 1) {
                patches.add(new int[] {p - 1, 0x10 | tq});
            }
            if (tq > 3) { // JERR_DQT_INDEX, before the entries are read
                throw corrupt("bad quantisation table");
            }
            int[] table = new int[64];
            for (int i = 0; i < 64; i++) {
                table[JpegIdct.natural(i)] = wide ? (at(p) << 8) | at(p + 1) : at(p);
                p += wide ? 2 : 1;
            }
            quant[tq] = table;
            quantDc[tq] = table[0]; // entry 0: the DC quantiser
            quantDefined[tq] = true;
            length -= wide ? 129 : 65;
        }
        if (length != 0) {
            throw corrupt("bad quantisation table");
        }
        return p;
    }

    /**
     * DAC (get_dac): arithmetic-coding conditioning pairs, checked though a Huffman file never
     * uses them: an index past the 16 + 16 tables, or a DC pair whose lower bound exceeds its
     * upper one, is fatal, and the length must come out exact.
     *
     * @return where the segment ends
     */
    private int arithTables(int p, int length) throws PictureException {
        while (length > 0) {
            int index = at(p++);
            int val = at(p++);
            length -= 2;
            if (index >= 32 || (index < 16 && (val & 15) > (val >> 4))) {
                throw corrupt("bad arithmetic-coding table");
            }
        }
        if (length != 0) {
            throw corrupt("bad arithmetic-coding table");
        }
        return p;
    }

    /**
     * SOFn (get_sof): the frame header, at p its first byte after the length. An empty image or
     * a length that does not fit the component count is fatal.
     */
    private void frame(int m, int p, int len) throws PictureException {
        sof = m;
        precision = b[p] & 0xFF;
        height = u16(p + 1);
        width = u16(p + 3);
        int n = b[p + 5] & 0xFF;
        if (height == 0 || width == 0 || n == 0) {
            throw corrupt("an empty image"); // JERR_EMPTY_IMAGE
        }
        if (len != 8 + 3 * n) {
            throw corrupt("bad frame header length"); // JERR_BAD_LENGTH
        }
        compId = new int[n];
        compH = new int[n];
        compV = new int[n];
        compTq = new int[n];
        for (int i = 0; i < n; i++) {
            int q = p + 6 + 3 * i;
            compId[i] = b[q] & 0xFF;
            compH[i] = (b[q + 1] & 0xFF) >> 4;
            compV[i] = b[q + 1] & 15;
            // The whole byte, as get_sof keeps quant_tbl_no: a number over 3 is refused when
            // the component's first scan latches it (quantReady).
            compTq[i] = b[q + 2] & 0xFF;
            if (compH[i] < 1 || compH[i] > 4 || compV[i] < 1 || compV[i] > 4) {
                throw corrupt("bad sampling factors");
            }
            hmax = Math.max(hmax, compH[i]);
            vmax = Math.max(vmax, compV[i]);
        }
    }

    // ---- scans

    /** Decodes one scan; true when it was the one scan of a single-scan sequential JPEG. */
    private boolean scan() throws PictureException {
        if (pos + 2 > b.length) {
            throw truncated();
        }
        int len = u16(pos);
        int start = pos + 2;
        pos += len;
        if (pos > b.length) {
            throw truncated();
        }
        if (sof < 0 || !decodable()) {
            throw corrupt("a scan before a decodable frame header");
        }
        if (width > MAX_DIMENSION || height > MAX_DIMENSION) { // jdmaster.c initial_setup
            throw corrupt("maximum supported image dimension is " + MAX_DIMENSION + " pixels");
        }
        int ns = b[start] & 0xFF;
        if (ns < 1 || ns > 4 || len != 6 + 2 * ns) {
            throw corrupt("bad scan header");
        }
        int[] comps = new int[ns];
        Huffman[] dcT = new Huffman[ns];
        Huffman[] acT = new Huffman[ns];
        for (int i = 0; i < ns; i++) {
            comps[i] = scanComponent(b[start + 1 + 2 * i] & 0xFF, comps, i);
            dcT[i] = table(true, (b[start + 2 + 2 * i] & 0xFF) >> 4, sof != 0xC2);
            acT[i] = table(false, b[start + 2 + 2 * i] & 15, sof != 0xC2);
        }
        int q = start + 1 + 2 * ns;
        int ss = b[q] & 0xFF;
        int se = b[q + 1] & 0xFF;
        int ah = (b[q + 2] & 0xFF) >> 4;
        int al = b[q + 2] & 15;
        boolean progressive = sof == 0xC2;
        if (!progressive && (ss != 0 || se != 63 || ah != 0 || al != 0)) {
            patches.add(new int[] {q, 0}); // jdhuff.c only warns (JWRN_NOT_SEQUENTIAL); ImageIO's readers fail
            patches.add(new int[] {q + 1, 63});
            patches.add(new int[] {q + 2, 0});
        }
        if (progressive && ((ss == 0 ? se != 0 : se < ss || se > 63 || ns != 1)
                || (ah != 0 && al != ah - 1) || al > 13)) {
            throw corrupt("bad progressive scan parameters"); // as libjpeg's jdphuff.c
        }
        int blocksInMcu = 0;
        for (int c : comps) {
            blocksInMcu += ns == 1 ? 1 : compH[c] * compV[c];
        }
        if (blocksInMcu > 10) { // jdinput.c per_scan_setup: D_MAX_BLOCKS_IN_MCU, whatever the output
            throw corrupt("sampling factors too large for an interleaved scan");
        }
        // Both routes: whether libjpeg would block-smooth this picture (see smoothed()).
        latch(comps);
        if (progressive) { // jdphuff.c start_pass_phuff_decoder's coef_bits
            scans++;
            for (int c : comps) {
                for (int k = Math.min(ss, 1); k < 10; k++) {
                    prevBits[c][k] = scans > 1 ? coefBits[c][k] : 0;
                }
                for (int k = ss; k <= Math.min(se, 9); k++) {
                    coefBits[c][k] = al;
                }
            }
        }
        // AC scans hold nothing a DC-only decoder needs (jpeg_idct_1x1, or a component not
        // collected); those of a component whose IDCT reads AC coefficients are decoded.
        boolean acScan = progressive && ss != 0;
        // jdphuff.c start_pass_phuff_decoder makes each table a scan uses, decoded or not here
        for (int i = 0; i < ns; i++) {
            boolean needsTable = !progressive || ah == 0;
            if ((needsTable && !acScan && (dcT[i] == null || !dcT[i].valid))
                    || ((!progressive || acScan) && (acT[i] == null || !acT[i].valid))) {
                throw corrupt("a scan uses a Huffman table that is missing or bad");
            }
        }
        if (acScan && blockLength[comps[0]] == 1) {
            lastScanShort = true; // not decoded: its data may run out before its last block
            skipEntropyData();
            return false;
        }
        if (coef == null) {
            allocate(progressive, ns);
        }
        for (int c : comps) {
            if (c == 0 && yQuant < 0) { // libjpeg latches a component's table at its first scan
                if (!quantReady(compTq[0])) {
                    throw corrupt("quantisation table " + compTq[0] + " was not defined");
                }
                yQuant = quantDc[compTq[0]];
            }
        }
        ranOut = false;
        decodeScan(comps, dcT, acT, progressive, ss, se, ah, al);
        lastScanShort = ranOut;
        return !progressive && ns == compId.length;
    }

    /**
     * The frame component a scan's i-th component id names, as get_sos finds it: the first
     * with that id among the frame's first four that is at position i or later (libjpeg-turbo
     * skips those whose scan slot is taken), and not named before in this scan.
     *
     * @param comps the components this scan named, its first i of them so far
     */
    private int scanComponent(int id, int[] comps, int i) throws PictureException {
        int limit = Math.min(compId.length, 4);
        int c = i;
        while (c < limit && compId[c] != id) {
            c++;
        }
        if (c >= limit) {
            throw corrupt("scan names no component of the frame");
        }
        for (int j = 0; j < i; j++) {
            if (comps[j] == c) {
                throw corrupt("scan names a component twice");
            }
        }
        return c;
    }

    /**
     * An SOS after the last row of a single-scan JPEG, read as get_sos reads it: fatal once its
     * header is read whole (JERR_EOI_EXPECTED), or as soon as it is wrong; a file that ends in
     * it first is merely truncated there, which {@link #tail()} lets pass.
     */
    private void secondScan() throws PictureException {
        int p = pos;
        int length = (at(p) << 8) | at(p + 1);
        int ns = at(p + 2);
        p += 3;
        if (length != 6 + 2 * ns || ns < 1 || ns > 4) {
            throw corrupt("bad scan header");
        }
        int[] comps = new int[ns];
        for (int i = 0; i < ns; i++, p += 2) {
            at(p + 1);
            comps[i] = scanComponent(at(p), comps, i);
        }
        at(p + 2); // Ss, Se, Ah and Al
        throw corrupt("a second scan where EOI was expected");
    }

    /**
     * The coefficient store, at the first scan: what the first component's IDCT reads, or every
     * component's (RGB); a row of MCUs of it and the planes where the decode is streamed (a
     * first scan of every component, sequential, each kept one's IDCT 2 samples or more).
     */
    private void allocate(boolean progressive, int ns) {
        int n = compId.length;
        int mcusX = (width + 8 * hmax - 1) / (8 * hmax);
        int mcusY = (height + 8 * vmax - 1) / (8 * vmax);
        boolean streamed = !progressive && ns == n;
        for (int c = 0; c < n; c++) {
            streamed &= layouts[c] == null || layouts[c].size > 1;
        }
        coef = new short[n][];
        blockStride = new int[n];
        nonzero = new long[n][];
        planes = streamed ? new byte[n][] : null;
        for (int c = 0; c < n; c++) {
            if (layouts[c] == null) {
                continue;
            }
            blockStride[c] = mcusX * compH[c];
            int blocks = blockStride[c] * (streamed ? 1 : mcusY) * compV[c];
            coef[c] = new short[blocks * blockLength[c]];
            if (streamed) {
                planes[c] = new byte[((width + scale - 1) / scale) * ((height + scale - 1) / scale)];
            }
            if (progressive && layouts[c].spare >= 0) { // sizes 2 and 4 keep some coefficients only
                nonzero[c] = new long[blocks];
            }
        }
    }

    /**
     * jdinput.c's latch_quant_tables at a scan's start: each component's table, copied at its
     * first scan (later DQT segments do not change it); a table not defined then is fatal.
     */
    private void latch(int[] comps) throws PictureException {
        for (int c : comps) {
            if (latched[c] == null) {
                if (!quantReady(compTq[c])) {
                    throw corrupt("quantisation table " + compTq[c] + " was not defined");
                }
                latched[c] = quant[compTq[c]].clone();
            }
        }
    }

    /**
     * Whether quantisation table tq is there for a scan to latch (jdinput.c latch_quant_tables:
     * a number past NUM_QUANT_TBLS, or a table never defined, is fatal).
     */
    private boolean quantReady(int tq) {
        return tq <= 3 && quantDefined[tq];
    }

    /**
     * Huffman table id of a scan: the file's, else (ids 0 and 1, sequential) the standard one,
     * as libjpeg-turbo's jdhuff.c (std_huff_tables); its progressive decoder (jdphuff.c) has
     * no standard tables: a table missing there is fatal.
     */
    private Huffman table(boolean isDc, int id, boolean standard) {
        if (id > 3) {
            return null;
        }
        Huffman t = (isDc ? dcTables : acTables)[id];
        if (t == null && id <= 1 && standard) {
            t = new Huffman(JpegStandardTables.counts(isDc, id), JpegStandardTables.symbols(isDc, id), isDc);
            (isDc ? dcTables : acTables)[id] = t;
        }
        return t;
    }

    private void decodeScan(int[] comps, Huffman[] dcT, Huffman[] acT, boolean progressive, int ss, int se,
            int ah, int al) throws PictureException {
        int ns = comps.length;
        int mcusX;
        int mcusY;
        if (ns == 1) { // non-interleaved: the component's own blocks, one per MCU
            int c = comps[0];
            mcusX = ((width * compH[c] + hmax - 1) / hmax + 7) / 8;
            mcusY = ((height * compV[c] + vmax - 1) / vmax + 7) / 8;
        } else {
            mcusX = (width + 8 * hmax - 1) / (8 * hmax);
            mcusY = (height + 8 * vmax - 1) / (8 * vmax);
        }
        int[] pred = new int[ns];
        eobrun = 0;
        int toGo = restartInterval;
        int nextRestart = 0;
        buf = 0;
        bits = 0;
        hitMarker = false;
        insufficient = false;
        buffered = !progressive && ns == compId.length && restartInterval == 0;
        fed = Math.min(b.length, Math.max(1, (pos + CHUNK - 1) / CHUNK) * CHUNK);
        int blocksInMcu = 0;
        for (int c : comps) {
            blocksInMcu += ns == 1 ? 1 : compH[c] * compV[c];
        }
        for (int my = 0; my < mcusY; my++) {
            for (int mx = 0; mx < mcusX; mx++) {
                if (buffered && !insufficient) {
                    bufferedMcu(comps, dcT, acT, pred, blocksInMcu, my, mx);
                    continue;
                }
                if (restartInterval > 0) {
                    if (toGo == 0) {
                        restart(nextRestart);
                        nextRestart = (nextRestart + 1) & 7;
                        Arrays.fill(pred, 0);
                        eobrun = 0;
                        toGo = restartInterval;
                    }
                    toGo--;
                }
                if (insufficient) {
                    continue; // libjpeg leaves the rest of the segment as it is: zero, grey
                }
                if (progressive && ss != 0) { // a sequential scan's Ss is only warned about (jdhuff.c)
                    acBlock(comps[0], acT[0], ss, se, ah, al, my, mx);
                } else {
                    mcu(comps, dcT, acT, pred, progressive, ah, al, my, mx);
                }
            }
            if (planes != null) {
                flushRow(comps, my);
            }
        }
        // The scan's data ends at the next marker; whatever lies before it is skipped there.
    }

    /** One MCU of a buffered scan: fast or slow path, redone slow at a marker, retried when suspended. */
    private void bufferedMcu(int[] comps, Huffman[] dcT, Huffman[] acT, int[] pred, int blocksInMcu, int my,
            int mx) throws PictureException {
        int startPos = pos;
        long startBuf = buf;
        int startBits = bits;
        int[] startPred = pred.clone();
        boolean tryFast = true;
        while (true) {
            fast = tryFast && !hitMarker && fed - pos >= 512 * blocksInMcu;
            fastMetMarker = false;
            try {
                mcu(comps, dcT, acT, pred, false, 0, 0, my, mx);
                if (!fastMetMarker) {
                    fast = false;
                    return;
                }
                tryFast = false; // decode_mcu_fast gives up at a marker: the slow path redoes the MCU
            } catch (Suspended e) {
                fed = Math.min(b.length, fed + CHUNK); // Pillow reads on and calls the decoder again
                tryFast = true;
            }
            pos = startPos;
            buf = startBuf;
            bits = startBits;
            hitMarker = false;
            insufficient = false;
            System.arraycopy(startPred, 0, pred, 0, pred.length);
        }
    }

    private void mcu(int[] comps, Huffman[] dcT, Huffman[] acT, int[] pred, boolean progressive, int ah, int al,
            int my, int mx) throws PictureException {
        int ns = comps.length;
        for (int i = 0; i < ns; i++) {
            int c = comps[i];
            int bh = ns == 1 ? 1 : compH[c];
            int bv = ns == 1 ? 1 : compV[c];
            short[] store = coef[c];
            int n = blockLength[c];
            for (int v = 0; v < bv; v++) {
                for (int h = 0; h < bh; h++) {
                    int row = planes != null ? v : my * bv + v; // streamed: the row of MCUs alone
                    int at = store == null ? -1 : (row * blockStride[c] + mx * bh + h) * n;
                    if (progressive && ah > 0) {
                        if (getBits(1) != 0 && at >= 0) {
                            store[at] |= (short) (1 << al);
                        }
                        continue;
                    }
                    int t = decode(dcT[i]);
                    int diff = t == 0 ? 0 : extend(extraBits(t), t);
                    pred[i] += diff;
                    if (at >= 0) {
                        store[at] = (short) (progressive ? pred[i] << al : pred[i]);
                    }
                    if (!progressive) {
                        if (n > 1 && at >= 0) {
                            decodeAc(acT[i], store, at, n, layouts[c].zigzagSlots());
                        } else {
                            skipAc(acT[i]);
                        }
                    }
                }
            }
        }
    }

    /**
     * A sequential block's AC coefficients, kept where its IDCT reads them: jdhuff.c's
     * decode_mcu_slow and decode_mcu_fast with ac_needed (the bits read as {@link #skipAc}
     * reads them); the others go to the block's spare slots (zigzag: {@link
     * JpegIdct.Layout#zigzagSlots()}). The block (length shorts) starts at zero, as libjpeg's
     * MCU buffer does (an MCU decoded again after the fast path gave up, too).
     */
    private void decodeAc(Huffman t, short[] store, int at, int length, int[] zigzag) throws PictureException {
        Arrays.fill(store, at + 1, at + length, (short) 0);
        for (int k = 1; k < 64; k++) {
            int rs = decode(t);
            int r = rs >> 4;
            int s = rs & 15;
            if (s != 0) {
                k += r;
                int x = extraBits(s);
                // HUFF_EXTEND without a branch, as jdhuff.h's: the sign is a coin toss.
                store[at + zigzag[k]] = (short) (x + (((x - (1 << (s - 1))) >> 31) & ((-1 << s) + 1)));
            } else {
                if (r != 15) {
                    break;
                }
                k += 15;
            }
        }
    }

    /**
     * One block of a progressive AC scan of a component whose IDCT reads AC coefficients
     * (non-interleaved: one block an MCU): jdphuff.c's decode_mcu_AC_first (ah 0) or
     * decode_mcu_AC_refine, with the EOB run carried from block to block. The uncollected
     * coefficients' nonzero bits stand in for their values: a refinement scan reads a
     * correction bit for each nonzero one.
     */
    private void acBlock(int c, Huffman t, int ss, int se, int ah, int al, int my, int mx)
            throws PictureException {
        int blk = my * blockStride[c] + mx;
        short[] store = coef[c];
        JpegIdct.Layout lay = layouts[c];
        int at = blk * lay.block;
        long[] nz = nonzero[c];
        if (ah == 0) {
            if (eobrun > 0) {
                eobrun--;
                return;
            }
            for (int k = ss; k <= se; k++) {
                int rs = decode(t);
                int r = rs >> 4;
                int s = rs & 15;
                if (s != 0) {
                    k += r;
                    int v = extend(getBits(s), s);
                    put(lay, store, at, nz, blk, JpegIdct.natural(k), (short) (v << al)); // LEFT_SHIFT(s, Al)
                } else if (r == 15) {
                    k += 15; // ZRL
                } else {
                    eobrun = 1 << r; // EOBr: 2^r blocks plus r appended bits, this one included
                    if (r != 0) {
                        eobrun += getBits(r);
                    }
                    eobrun--;
                    break;
                }
            }
            return;
        }
        int p1 = 1 << al;
        int m1 = -1 << al;
        int k = ss;
        if (eobrun == 0) {
            for (; k <= se; k++) {
                int rs = decode(t);
                int r = rs >> 4;
                int s = rs & 15;
                if (s != 0) {
                    s = getBits(1) != 0 ? p1 : m1; // libjpeg warns when the size is not 1
                } else if (r != 15) {
                    eobrun = 1 << r;
                    if (r != 0) {
                        eobrun += getBits(r);
                    }
                    break; // the rest of the block: the EOB run's
                }
                // Past the nonzero coefficients (a correction bit each) and r zero ones.
                do {
                    int p = JpegIdct.natural(k);
                    if (isNonzero(lay, store, at, nz, blk, p)) {
                        if (getBits(1) != 0) {
                            correct(lay, store, at, p, p1, m1);
                        }
                    } else if (--r < 0) {
                        break; // the zero coefficient that becomes nonzero
                    }
                    k++;
                } while (k <= se);
                if (s != 0) {
                    put(lay, store, at, nz, blk, JpegIdct.natural(k), (short) s);
                }
            }
        }
        if (eobrun > 0) { // in an EOB run: a correction bit for each nonzero coefficient left
            for (; k <= se; k++) {
                int p = JpegIdct.natural(k);
                if (isNonzero(lay, store, at, nz, blk, p) && getBits(1) != 0) {
                    correct(lay, store, at, p, p1, m1);
                }
            }
            eobrun--;
        }
    }

    /** Coefficient p of a block := v (kept, or just its being nonzero noted). */
    private static void put(JpegIdct.Layout lay, short[] store, int at, long[] nz, int blk, int p, short v) {
        int slot = lay.slot(p);
        if (slot >= 0) {
            store[at + slot] = v;
        } else if (v != 0) {
            nz[blk] |= 1L << p;
        } else {
            nz[blk] &= ~(1L << p);
        }
    }

    private static boolean isNonzero(JpegIdct.Layout lay, short[] store, int at, long[] nz, int blk, int p) {
        int slot = lay.slot(p);
        return slot >= 0 ? store[at + slot] != 0 : (nz[blk] >>> p & 1) != 0;
    }

    /**
     * A correction bit of 1 on a nonzero coefficient: its magnitude grows by p1, unless that
     * bit is set already. An uncollected one stays nonzero whatever it becomes.
     */
    private static void correct(JpegIdct.Layout lay, short[] store, int at, int p, int p1, int m1) {
        int slot = lay.slot(p);
        if (slot >= 0) {
            short v = store[at + slot];
            if ((v & p1) == 0) {
                store[at + slot] = (short) (v >= 0 ? v + p1 : v + m1);
            }
        }
    }

    private void skipAc(Huffman t) throws PictureException {
        for (int k = 1; k < 64; k++) {
            int rs = decode(t);
            int r = rs >> 4;
            int s = rs & 15;
            if (s != 0) {
                k += r;
                extraBits(s);
            } else {
                if (r != 15) {
                    break;
                }
                k += 15;
            }
        }
    }

    /**
     * At a restart: drop the bits in hand and find the marker; one out of sequence is resolved
     * as libjpeg's jpeg_resync_to_restart does (discard it, skip to the next, or leave it for
     * the segment to read as empty).
     */
    private void restart(int expected) throws PictureException {
        bits = 0;
        buf = 0;
        int m = nextMarker();
        while (true) {
            int action;
            if (m == 0xD0 + expected) {
                action = 1;
            } else if (m < 0xC0) {
                action = 2;
            } else if (m < 0xD0 || m > 0xD7) {
                action = 3;
            } else if (m == 0xD0 + ((expected + 1) & 7) || m == 0xD0 + ((expected + 2) & 7)) {
                action = 3;
            } else if (m == 0xD0 + ((expected - 1) & 7) || m == 0xD0 + ((expected - 2) & 7)) {
                action = 2;
            } else {
                action = 1;
            }
            if (action == 1) {
                hitMarker = false;
                insufficient = false;
                return;
            }
            if (action == 3) {
                pos -= 2; // left unread: the segment decodes as empty, the marker is met again
                hitMarker = true;
                return;
            }
            m = nextMarker();
        }
    }

    private void skipEntropyData() throws PictureException {
        while (true) {
            int m = nextMarker();
            if (m < 0xD0 || m > 0xD7) {
                pos -= 2; // leave the marker (its last fill byte and code) for the segment loop
                return;
            }
        }
    }

    // ---- bits

    /**
     * libjpeg-turbo's jpeg_fill_bit_buffer: at least 57 bits, up to a marker; data that ends
     * first suspends the decoder, which Pillow reports as a truncated file.
     */
    private void fill() throws PictureException {
        while (bits < 57 && !hitMarker) {
            if (pos >= fedEnd()) {
                suspend(pos);
            }
            int c = b[pos] & 0xFF;
            if (c == 0xFF) {
                int q = pos + 1;
                while (q < b.length && (b[q] & 0xFF) == 0xFF) {
                    q++;
                }
                if (q >= fedEnd()) {
                    suspend(q);
                }
                if (b[q] != 0) {
                    hitMarker = true; // pos stays on the marker
                    return;
                }
                pos = q + 1;
            } else {
                pos++;
            }
            buf = (buf << 8) | c;
            bits += 8;
        }
    }

    /** libjpeg wants the byte at: past the file's end that is truncation, else a suspension. */
    private void suspend(int at) throws PictureException {
        if (at >= b.length) {
            throw truncated();
        }
        throw new Suspended();
    }

    /** Where the bytes libjpeg has in hand end: the file's end but in a buffered scan. */
    private int fedEnd() {
        return buffered ? fed : b.length;
    }

    /** decode_mcu_fast's FILL_BIT_BUFFER_FAST: six bytes when 16 bits or fewer are left. */
    private void fillFast() {
        if (bits > 16) {
            return;
        }
        for (int i = 0; i < 6; i++) {
            int c0 = b[pos++] & 0xFF;
            int c1 = b[pos] & 0xFF;
            buf = (buf << 8) | c0;
            bits += 8;
            if (c0 == 0xFF) {
                pos++;
                if (c1 != 0) {
                    fastMetMarker = true; // backed out: a zero byte in its place
                    pos -= 2;
                    buf &= ~0xFFL;
                }
            }
        }
    }

    /** The extra bits after a Huffman code (GET_BITS, after FILL_BIT_BUFFER_FAST on the fast path). */
    private int extraBits(int n) throws PictureException {
        if (fast) {
            fillFast();
        }
        return getBits(n);
    }

    private int getBits(int n) throws PictureException {
        if (bits < n) {
            refill(n); // apart, rare: the JIT then inlines the hot part everywhere
        }
        bits -= n;
        return (int) (buf >>> bits) & ((1 << n) - 1);
    }

    /** getBits's fill: at a marker, zero bits where data is missing. */
    private void refill(int n) throws PictureException {
        fill();
        if (bits < n) {
            if (!hitMarker) {
                throw truncated();
            }
            insufficient = true; // libjpeg: "premature end of data segment", zero bits
            ranOut = true;
            buf <<= n - bits;
            bits = n;
        }
    }

    /**
     * libjpeg-turbo's HUFF_DECODE: fill below 8 bits, an 8-bit lookahead, else the code bit by
     * bit from at least 9 bits (1 where fewer than 8 are left); when it fills matters, because
     * a fill that meets the end of the data suspends.
     */
    private int decode(Huffman t) throws PictureException {
        if (fast) {
            fillFast();
        } else if (bits < Huffman.LOOKAHEAD) {
            fill();
        }
        if (bits >= Huffman.LOOKAHEAD) {
            int e = t.lookup[(int) (buf >>> (bits - Huffman.LOOKAHEAD)) & ((1 << Huffman.LOOKAHEAD) - 1)];
            if (e != 0) {
                bits -= e >> 8;
                return e & 0xFF;
            }
            return decodeLong(t, Huffman.LOOKAHEAD + 1);
        }
        return decodeLong(t, 1);
    }

    /** HUFF_DECODE past the lookahead: the code bit by bit from l bits (apart, as it is rare). */
    private int decodeLong(Huffman t, int first) throws PictureException {
        int l = first;
        int code = getBits(l);
        while (l <= 16 && code > t.maxcode[l]) {
            code = (code << 1) | getBits(1);
            l++;
        }
        if (l > 16) {
            return 0; // libjpeg: "corrupt JPEG data: bad Huffman code", a zero in its place
        }
        return t.symbols[(code + t.valoffset[l]) & 0xFF];
    }

    private static int extend(int v, int t) {
        return v < (1 << (t - 1)) ? v + (-1 << t) + 1 : v;
    }

    private PictureException truncated() {
        return new PictureException(path, "truncated picture");
    }

    private PictureException corrupt(String why) {
        return new PictureException(path, "unreadable picture (corrupt JPEG data: " + why + ")");
    }

    /** A canonical Huffman table (JPEG Annex C), with libjpeg's lookahead for codes up to 8 bits. */
    private static final class Huffman {
        static final int LOOKAHEAD = 8;
        final int[] maxcode = new int[18];
        final int[] valoffset = new int[18];
        final int[] lookup = new int[1 << LOOKAHEAD];
        final int[] symbols;
        final boolean valid;

        Huffman(int[] counts, int[] symbols, boolean isDc) {
            this.symbols = Arrays.copyOf(symbols, 256);
            boolean ok = true;
            int code = 0;
            int k = 0;
            for (int l = 1; l <= 16; l++) {
                valoffset[l] = k - code;
                if (counts[l] > 0) {
                    for (int i = 0; i < counts[l]; i++) {
                        if (l <= LOOKAHEAD && code < (1 << l)) {
                            int first = code << (LOOKAHEAD - l);
                            for (int j = 0; j < 1 << (LOOKAHEAD - l); j++) {
                                lookup[first + j] = (l << 8) | symbols[k];
                            }
                        }
                        code++;
                        k++;
                    }
                    maxcode[l] = code - 1;
                } else {
                    maxcode[l] = -1;
                }
                ok &= code < (1 << l); // libjpeg: no code may be all ones
                code <<= 1;
            }
            maxcode[17] = Integer.MAX_VALUE;
            if (isDc) {
                for (int s : symbols) {
                    ok &= s <= 15;
                }
            }
            valid = ok;
        }
    }
}
