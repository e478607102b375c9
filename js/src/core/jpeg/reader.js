/**
 * A JPEG at 1/8, 1/4 or 1/2 of its size, read as libjpeg-turbo under Pillow reads it
 * (Pillow's draft, libjpeg's scale_denom): the manifest's preprocessing.jpeg_dc. Each
 * component goes through the inverse DCT of its scaled size (idct.js idctSize: at 1/s the
 * luma's is 8 / s, a 4:2:0 chroma component's twice that, so that every component comes at
 * the output's size and nothing is upsampled). The grey route (pixels(), Pillow's draft("L"))
 * is the first component alone; the RGB route (rgbPixels(), Pillow's draft("RGB"), a 4:4:4 or
 * 4:2:0 YCbCr JPEG) then jdcolor.c's ycc_rgb_convert. The walk refuses what libjpeg-turbo
 * under Pillow refuses (jdmarker.c, jdhuff.c, jdphuff.c, jdinput.c latch_quant_tables and
 * per_scan_setup), and a progressive JPEG that libjpeg would block-smooth where the scale
 * shows it (jdcoefct.c smoothing_ok, decompress_smooth_data), which is not reproduced.
 *
 * A hand port of the Java library's JpegDc (io.github.modelparity.picture.jpeg),
 * whose Javadoc states the rules for damaged data: the same pixels and the same refusals with
 * the same reasons: marker segments are checked in jdmarker.c's order, also after the last
 * row (markers.js, sos.js), and both routes refuse over 10 blocks an MCU (sos.js). It is
 * written by hand because no JavaScript library decodes a JPEG at reduced scale as
 * libjpeg-turbo does (jpeg-js differs by 2 to 8 levels at 1/8), and Python's pixels are
 * libjpeg-turbo's, bit for bit. The markers are in markers.js, the bit buffer in bits.js, a
 * scan's header in sos.js, its data in scan.js, the IDCTs in idct.js. One instance decodes
 * one file, at one scale.
 */

import { PictureError } from '../errors.js';
import { BitReader, OUT_OF_RANGE, corrupt } from './bits.js';
import { LAYOUTS, NATURAL, idct1x1, idct2x2, idct4x4, idctIslow, idctSize } from './idct.js';
import { Frame } from './markers.js';
import { NOT_PLAIN } from './scan.js';
import { readScan, secondScan } from './sos.js';
import { yccToRgb } from './ycc.js';

/** The scales this reader decodes at (scale_denom): 1/8, 1/4 and 1/2. */
export const SCALES = Object.freeze([8, 4, 2]);
/** The default scale: libjpeg's largest DCT scaling, one pixel per 8 x 8 block. */
export const SCALE = 8;

/** The quantisers of a component never scanned: jddctmgr.c leaves its table zero. */
const UNLATCHED = new Int32Array(64);

/**
 * What the markers before the first scan say.
 * @typedef {object} JpegHeader
 * @property {number} width stored width (before EXIF orientation)
 * @property {number} height stored height
 * @property {boolean} decodable whether this reader decodes it exactly as libjpeg (the jpeg_dc rule)
 * @property {number} components the frame's components (1: grey)
 * @property {boolean} rgbDc whether rgbPixels() decodes it: three YCbCr components sampled
 *   4:4:4 or 4:2:0, the JPEGs Python decodes reduced in RGB (python.data.decode.draft_mode)
 */

/** Pixels at reduced scale: width x height, channels interleaved 8-bit samples a pixel. */
export class DcPixels {
  constructor(width, height, channels, data) {
    this.width = width;
    this.height = height;
    this.channels = channels;
    /** @type {Uint8Array} */
    this.data = data;
  }
}

/** The reader: headers(), then pixels() or rgbPixels(), then incompleteProgressive(). */
export class JpegDc {
  /**
   * @param {Uint8Array} bytes the whole file
   * @param {string} name names the picture in refusals
   */
  constructor(bytes, name) {
    this.bytes = bytes;
    this.name = name;
    this.src = new BitReader(bytes, name);
    this.f = new Frame(this.src);
    // The scale's denominator this decode is at (8, 4 or 2), and what it collects: per
    // component, on its MCU-padded block grid (blockStride blocks a row), the coefficients
    // its IDCT reads as layout[c] keeps them (idct.js), slots[c] shorts a block. The grey route
    // collects the first component only (the others' layout is 1x1, their coef null).
    this.scale = SCALE;
    this.coef = null;
    this.blockStride = null;
    this.layout = null;
    this.slots = null;
    // The RGB route: whether this decode is one; each component's quantisers latched at its
    // first scan (jdinput.c latch_quant_tables; null: no scan yet); in a progressive JPEG, the
    // nonzero bits of a block's uncollected coefficients, and jdphuff.c's coef_bits (zigzag 0
    // to 9, -1 never coded) with their values before each component's last scan, which decide
    // libjpeg's block smoothing, the scans so far and whether the last one may have run out
    // of data.
    this.rgb = false;
    this.latched = null;
    this.nonzero = null;
    this.coefBits = null;
    this.prevBits = null;
    this.scans = 0;
    this.lastScanShort = false;
    this.eobrun = 0;
    // Whether the file's rest has been decoded (once), and what that threw.
    this.decoded = false;
    this.decodeFailure = null;
    // Where headers() stopped: the marker it met (SOS or EOI), or what it threw.
    this.stoppedAt = 0;
    this.headerFailure = null;
    // Set by plain(): every scan's entropy-coded data skipped rather than decoded.
    this.plainOnly = false;
  }

  /**
   * Whether the bytes start as a JPEG does (SOI).
   * @param {Uint8Array} bytes
   * @returns {boolean}
   */
  static isJpeg(bytes) {
    return bytes.length > 2 && bytes[0] === 0xFF && bytes[1] === 0xD8;
  }

  /**
   * Reads the markers before the first scan: the frame header. The walk stops at the first SOS
   * or EOI, where pixels() goes on, so the file is read once.
   * @returns {JpegHeader|null} null when the walk failed (kept for pixels() to throw) or found
   *   no frame before a scan
   */
  headers() {
    const src = this.src;
    src.pos = 2;
    this.f.pillowReads = true;
    try {
      for (;;) {
        const m = src.nextMarker();
        if (m === 0xDA || m === 0xD9) {
          this.stoppedAt = m;
          break;
        }
        this.f.segment(m);
      }
    } catch (e) {
      if (!(e instanceof PictureError) && e !== OUT_OF_RANGE) {
        throw e;
      }
      this.headerFailure = e;
      return null;
    } finally {
      this.f.pillowReads = false;
    }
    const f = this.f;
    return f.sof < 0 ? null : {
      width: f.width, height: f.height, decodable: f.decodable(), components: f.compId.length,
      rgbDc: f.rgbDc(),
    };
  }

  /**
   * The luma at 1/scale, decoded on from where headers() stopped; the rules' refusal of a
   * damaged file when the header walk failed. After rgbPixels() at the same scale it comes
   * from that same decode; at another, the file is decoded again.
   * @param {number} [scale] the scale's denominator: 8, 4 or 2
   * @returns {DcPixels} ceil(width / scale) x ceil(height / scale), one channel
   * @throws {PictureError} what libjpeg-turbo under Pillow refuses
   */
  pixels(scale = SCALE) {
    if (this.decoded && this.scale !== scale) {
      return this.again().pixels(scale);
    }
    this.decode(false, scale);
    const w = Math.ceil(this.f.width / scale);
    const h = Math.ceil(this.f.height / scale);
    return new DcPixels(w, h, 1, crop(this.plane(0, w, h), w, h));
  }

  /**
   * The picture at 1/scale in RGB, as libjpeg-turbo gives it to Pillow's draft("RGB"), decoded
   * on from where headers() stopped by the same rules as pixels(); for a JPEG whose header says
   * rgbDc. Called first, pixels() at the same scale then costs nothing; called after it, the
   * file is decoded again (the grey decode keeps no chroma).
   * @param {number} [scale] the scale's denominator: 8, 4 or 2
   * @returns {DcPixels} ceil(width / scale) x ceil(height / scale), 3 channels, stored orientation
   * @throws {PictureError} what libjpeg-turbo under Pillow refuses; also a progressive JPEG
   *   whose scans leave coefficients that libjpeg's block smoothing would estimate where this
   *   scale shows them
   */
  rgbPixels(scale = SCALE) {
    if (this.headerFailure === null && !this.f.rgbDc()) {
      throw new Error(`${this.name}: not a 4:4:4 or 4:2:0 YCbCr JPEG`); // a caller's mistake
    }
    if (this.decoded && (!this.rgb || this.scale !== scale)) {
      return this.again().rgbPixels(scale);
    }
    this.decode(true, scale);
    if (this.smoothed()) {
      throw new PictureError(this.name, 'a progressive JPEG whose scans leave coefficients'
        + " for libjpeg's block smoothing to estimate, which this modelparity does not do");
    }
    const w = Math.ceil(this.f.width / scale);
    const h = Math.ceil(this.f.height / scale);
    const rgb = new Uint8Array(w * h * 3);
    yccToRgb(this.plane(0, w, h), this.plane(1, w, h), this.plane(2, w, h), w, h, rgb);
    return new DcPixels(w, h, 3, rgb);
  }

  /**
   * Whether the file is plain: walked on from headers() as pixels() (rgb false) or rgbPixels()
   * (rgb true) walk it at 1/scale, every segment and scan header read and checked as there, but
   * each scan's entropy-coded data skipped, not decoded, it is refused nowhere, each scan's data
   * ends at a marker before the file does with exactly the restart markers its interval asks
   * for between (scan.js skipPlainData), and a progressive JPEG codes its first ten
   * coefficients to the last bit (incompleteProgressive() false). Then what libjpeg-turbo does
   * with the file depends on its entropy-coded data only in the pixels it gives: it refuses
   * nothing, never resynchronises, never wants data past the file's end, and has nothing to
   * block-smooth, so a platform's libjpeg-turbo decoding it reduced gives Pillow's pixels
   * (held by tests/test_js_sharp_reduced.py). A refusal, or anything only a decode can tell,
   * is false: the caller decodes the file here. Costs a scan of the bytes for markers; the
   * reader is spent (call on a fresh one, after headers()).
   * @param {boolean} rgb the RGB route's walk, else the grey route's
   * @param {number} scale the scale's denominator: 8, 4 or 2
   * @returns {boolean}
   */
  plain(rgb, scale) {
    this.plainOnly = true;
    try {
      this.decode(rgb, scale);
    } catch (e) {
      if (e instanceof PictureError || e === OUT_OF_RANGE || e === NOT_PLAIN) {
        return false;
      }
      throw e;
    }
    return !this.incompleteProgressive();
  }

  /** A fresh reader of the same file, its headers read: for a decode at another scale or route. */
  again() {
    const other = new JpegDc(this.bytes, this.name);
    other.headers();
    return other;
  }

  /**
   * Component c through its IDCT (jdcoefct.c's output): the samples of the blocks that reach
   * the w x h output, n x n a block, on a grid of whole blocks (cropped by the caller).
   * @param {number} c the component
   * @param {number} w the output's width
   * @param {number} h the output's height
   * @returns {{data: Uint8Array, stride: number}} samples, stride a row
   */
  plane(c, w, h) {
    const lay = this.layout[c];
    const n = lay.n;
    const size = lay.size;
    const bw = Math.ceil(w / n);
    const bh = Math.ceil(h / n);
    const stride = bw * n;
    const out = new Uint8Array(stride * bh * n);
    const coef = this.coef[c];
    const blocks = this.blockStride[c];
    const q = this.latched[c] === null ? UNLATCHED : this.latched[c];
    if (n === 1) {
      const q0 = q[0];
      for (let y = 0; y < bh; y++) {
        for (let x = 0, at = y * blocks, o = y * stride; x < bw; x++) {
          out[o + x] = idct1x1(coef[at + x], q0);
        }
      }
      return { data: out, stride };
    }
    const idct = n === 2 ? idct2x2 : n === 4 ? idct4x4 : idctIslow;
    const ws = new Int32Array(64);
    for (let by = 0; by < bh; by++) {
      for (let bx = 0; bx < bw; bx++) {
        idct(coef, (by * blocks + bx) * size, q, out, (by * stride + bx) * n, stride, ws);
      }
    }
    return { data: out, stride };
  }

  /**
   * The rest of the file, decoded once at 1/scale; for the RGB route when wantRgb (else the
   * grey's only).
   */
  decode(wantRgb, scale) {
    if (this.decoded) {
      if (this.decodeFailure !== null) {
        throw this.decodeFailure;
      }
      return;
    }
    if (!SCALES.includes(scale)) {
      throw new RangeError(`scale must be one of ${SCALES.join(', ')}, not ${scale}`);
    }
    this.decoded = true;
    this.rgb = wantRgb;
    this.scale = scale;
    try {
      this.decodeRest();
    } catch (e) {
      if (e === OUT_OF_RANGE) { // Java: ArrayIndexOutOfBounds-, NegativeArraySizeException
        this.decodeFailure = corrupt(this.name, 'a segment runs past its end');
        throw this.decodeFailure;
      }
      if (e instanceof PictureError) {
        this.decodeFailure = e;
      }
      throw e;
    }
  }

  decodeRest() {
    if (this.headerFailure !== null) {
      throw this.headerFailure;
    }
    const f = this.f;
    const n = f.compId.length;
    // jpeg_calc_output_dimensions' IDCT size for each component decoded; 1x1 (the DC alone,
    // AC scans skipped) for those the grey route does not decode.
    this.layout = Array.from({ length: n }, (_, c) => LAYOUTS[c === 0 || this.rgb
      ? idctSize(this.scale, f.compH[c], f.compV[c], f.hmax, f.vmax) : 1]);
    this.slots = this.layout.map((lay) => lay.size);
    this.latched = new Array(n).fill(null);
    this.coefBits = Array.from({ length: n }, () => new Int32Array(10).fill(-1));
    this.prevBits = Array.from({ length: n }, () => new Int32Array(10));
    for (let m = this.stoppedAt; m !== 0xD9; m = this.src.nextMarker()) {
      if (m === 0xDA) {
        if (readScan(this)) {
          this.tail();
          break;
        }
      } else {
        this.f.segment(m);
      }
    }
    if (this.coef === null) {
      throw corrupt(this.name, 'no scan of the first component');
    }
    this.flagColumn4();
  }

  /**
   * A progressive decode notes which AC coefficients are nonzero (scan.js acBlock);
   * jpeg_idct_4x4's zero test reads those of column 4 in rows 1, 2, 3, 5, 6 and 7, which the
   * 4x4 layout does not keep and its flag slot stands for: set from those bits here. (A
   * sequential decode writes the coefficients themselves, never zero, to the flag slot.)
   */
  flagColumn4() {
    const column4 = new Uint32Array(2); // their zigzag indexes' bits
    for (const p of [12, 20, 28, 44, 52, 60]) {
      const k = NATURAL.indexOf(p);
      column4[k >> 5] |= 1 << (k & 31);
    }
    this.layout.forEach((lay, c) => {
      const nz = this.nonzero === null ? null : this.nonzero[c];
      if (lay.flag < 0 || nz === null) {
        return;
      }
      const coef = this.coef[c];
      for (let blk = 0, at = lay.flag; 2 * blk < nz.length; blk++, at += lay.size) {
        coef[at] = ((nz[2 * blk] & column4[0]) | (nz[2 * blk + 1] & column4[1])) !== 0 ? 1 : 0;
      }
    });
  }

  /**
   * Whether a progressive JPEG's scans leave any of the first nine AC coefficients of a
   * component not coded to the last bit: libjpeg-turbo (Pillow) then estimates them by block
   * smoothing (jdcoefct.c decompress_smooth_data), so the reduced routes may not give
   * Pillow's pixels (the grey route refuses it at every scale). Call after pixels() or
   * rgbPixels().
   * @returns {boolean} true for such a file (a complete progressive JPEG, or a sequential one: false)
   */
  incompleteProgressive() {
    if (this.f.sof !== 0xC2 || this.coefBits === null) {
      return false;
    }
    return this.coefBits.some((cb) => cb.subarray(1).some((v) => v !== 0));
  }

  /**
   * Whether libjpeg would smooth this progressive JPEG's blocks (jdcoefct.c smoothing_ok:
   * every component's quantisers latched and nonzero at the first ten zigzag positions, its DC
   * coded, some of its first nine AC coefficients not coded to the last bit) in a way the RGB
   * route's pixels would show: a component with none of those AC coefficients has its DC
   * interpolated; otherwise only AC coefficients 1 to 5 that are still zero are estimated, of
   * which jpeg_idct_2x2 reads zigzag 1, 2 and 4, jpeg_idct_4x4 and jpeg_idct_islow all, and
   * jpeg_idct_1x1 none. Rows past where the last scan's data ran out are smoothed by the bits
   * before each component's last scan (decompress_smooth_data's prev_coef_bits); a scan this
   * reader skips may have, for all it knows.
   */
  smoothed() {
    if (this.f.sof !== 0xC2) {
      return false;
    }
    const n = this.f.compId.length;
    let useful = false;
    for (let c = 0; c < n; c++) {
      if (this.latched[c] === null || this.coefBits[c][0] < 0) {
        return false;
      }
      for (let k = 0; k < 10; k++) {
        if (this.latched[c][NATURAL[k]] === 0) {
          return false;
        }
        useful ||= k > 0 && this.coefBits[c][k] !== 0;
      }
    }
    if (!useful) {
      return false;
    }
    for (let c = 0; c < n; c++) {
      if (this.shows(c, this.coefBits[c])) {
        return true;
      }
    }
    if (this.lastScanShort) {
      for (let c = 0; c < n; c++) {
        const prev = this.prevBits[c].slice(); // smoothing_ok's prev_coef_bits_latch
        for (let k = 1; k < 10; k++) {
          prev[k] = this.scans > 1 ? prev[k] : -1;
        }
        if (this.shows(c, prev)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Whether smoothing by these coef_bits changes what component c's IDCT reads. */
  shows(c, bitsOf) {
    let noAc = true;
    for (let k = 1; k < 10; k++) {
      noAc &&= bitsOf[k] === -1;
    }
    const n = this.layout[c].n;
    if (noAc || n === 1) {
      return noAc;
    }
    if (n === 2) { // jpeg_idct_2x2 reads rows and columns 0, 1, 3, 5, 7: not AC20, AC02
      return bitsOf[1] !== 0 || bitsOf[2] !== 0 || bitsOf[4] !== 0;
    }
    return bitsOf.subarray(1, 6).some((b) => b !== 0); // 4x4 and islow read AC01 to AC02
  }

  /**
   * After the one scan of a single-scan sequential JPEG, libjpeg has given every row; Pillow
   * then reads on to EOI, where data that ends is no error but a bad marker is.
   */
  tail() {
    try {
      for (;;) {
        const m = this.src.nextMarker();
        if (m === 0xD9) {
          return;
        }
        if (m === 0xDA) {
          secondScan(this);
        }
        this.f.segment(m);
      }
    } catch (e) {
      if (!(e instanceof PictureError) || e.reason !== 'truncated picture') {
        throw e;
      }
    }
  }
}

/**
 * A plane's top left w x h samples, packed; the plane itself where nothing is cut.
 * @param {{data: Uint8Array, stride: number}} plane
 * @param {number} w
 * @param {number} h
 * @returns {Uint8Array}
 */
function crop(plane, w, h) {
  if (plane.stride === w && plane.data.length === w * h) {
    return plane.data;
  }
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    out.set(plane.data.subarray(y * plane.stride, y * plane.stride + w), y * w);
  }
  return out;
}
