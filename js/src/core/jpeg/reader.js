/**
 * A JPEG at one eighth of its size, read as libjpeg-turbo under Pillow reads it: the manifest's
 * preprocessing.jpeg_dc. The grey route (pixels(), Pillow's draft("L")) is block (x, y) of the
 * first component through jpeg_idct_1x1; the RGB route (rgbPixels(), Pillow's draft("RGB"),
 * a 4:4:4 or 4:2:0 YCbCr JPEG) is what libjpeg-turbo makes of it at scale_denom 8: a component
 * at the largest sampling through jpeg_idct_1x1, a 4:2:0 chroma component through
 * jpeg_idct_2x2 (jdmaster.c jpeg_calc_output_dimensions), then jdcolor.c's ycc_rgb_convert.
 * The walk refuses what libjpeg-turbo under Pillow refuses (jdmarker.c, jdhuff.c, jdphuff.c,
 * jdinput.c latch_quant_tables and per_scan_setup), and a progressive JPEG that libjpeg would
 * block-smooth (jdcoefct.c smoothing_ok, decompress_smooth_data), which is not reproduced.
 *
 * A hand port of the Java library's JpegDc (io.github.selfiedeploy.classify.picture.jpeg),
 * whose Javadoc states the rules for damaged data: the same pixels and the same refusals with
 * the same reasons, but where the Java was measured to accept a file Pillow (libjpeg-turbo
 * 3.2) refuses: marker segments are checked in jdmarker.c's order, also after the last row
 * (markers.js, sos.js), and the grey route refuses over 10 blocks an MCU too (sos.js). It is
 * written by hand because no JavaScript library decodes a JPEG at 1/8 scale as libjpeg-turbo
 * does (jpeg-js differs by 2 to 8 levels), and Python's pixels are libjpeg-turbo's, bit for bit.
 * The markers are in markers.js, the bit buffer in bits.js, a scan's header in sos.js, its
 * data in scan.js. One instance decodes one file.
 */

import { PictureError } from '../errors.js';
import { BitReader, OUT_OF_RANGE, corrupt } from './bits.js';
import { BLOCK, NATURAL, idct1x1, idct2x2, limit } from './idct.js';
import { Frame } from './markers.js';
import { readScan, secondScan } from './sos.js';
import { yccToRgb } from './ycc.js';

/** The scale: libjpeg's largest DCT scaling, one pixel per 8 x 8 block. */
export const SCALE = 8;

/**
 * What the markers before the first scan say.
 * @typedef {object} JpegHeader
 * @property {number} width stored width (before EXIF orientation)
 * @property {number} height stored height
 * @property {boolean} decodable whether this reader decodes it exactly as libjpeg (the jpeg_dc rule)
 * @property {number} components the frame's components (1: grey)
 * @property {boolean} rgbDc whether rgbPixels() decodes it: three YCbCr components sampled
 *   4:4:4 or 4:2:0, the JPEGs Python decodes at 1/8 in RGB (python.data.decode.jpeg_dc_mode)
 */

/** Pixels at 1/8 scale: width x height, channels interleaved 8-bit samples a pixel. */
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
    // What the decode collects, per component on its MCU-padded block grid (blockStride blocks
    // a row), slots[c] coefficients a block: the first component's DC (the grey route); in the
    // RGB route every component's DC, and for a 4:2:0 chroma component the 25 jpeg_idct_2x2
    // reads and a spare slot (idct.js BLOCK). null: not collected.
    this.coef = null;
    this.blockStride = null;
    this.slots = null;
    // The first component's Q0, latched at its first scan (the grey route).
    this.yQuant = -1;
    // The RGB route: whether this decode is one; each component's quantisers latched at its
    // first scan (jdinput.c latch_quant_tables; null: no scan yet); in a progressive JPEG, the
    // nonzero bits of a 4:2:0 chroma block's uncollected coefficients, and jdphuff.c's
    // coef_bits (zigzag 0 to 9, -1 never coded) with their values before each component's last
    // scan, which decide libjpeg's block smoothing, the scans so far and whether the last one
    // may have run out of data.
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
    }
    const f = this.f;
    return f.sof < 0 ? null : {
      width: f.width, height: f.height, decodable: f.decodable(), components: f.compId.length,
      rgbDc: f.rgbDc(),
    };
  }

  /**
   * The 1/8-scale luma, decoded on from where headers() stopped; the rules' refusal of a
   * damaged file when the header walk failed. After rgbPixels() it comes from that same decode.
   * @returns {DcPixels} ceil(width / 8) x ceil(height / 8), one channel
   * @throws {PictureError} what libjpeg-turbo under Pillow refuses
   */
  pixels() {
    this.decode(false);
    const w = Math.ceil(this.f.width / SCALE);
    const h = Math.ceil(this.f.height / SCALE);
    const dc = this.coef[0];
    const stride = this.blockStride[0];
    const q = this.yQuant;
    const out = new Uint8Array(w * h);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        out[y * w + x] = limit((dc[y * stride + x] * q + 4) >> 3); // DESCALE(dc * q, 3)
      }
    }
    return new DcPixels(w, h, 1, out);
  }

  /**
   * The picture at 1/8 scale in RGB, as libjpeg-turbo gives it to Pillow's draft("RGB"),
   * decoded on from where headers() stopped by the same rules as pixels(); for a JPEG whose
   * header says rgbDc. Called first, pixels() then costs nothing; called after it, the file is
   * decoded again (the grey decode keeps no chroma).
   * @returns {DcPixels} ceil(width / 8) x ceil(height / 8), 3 channels, stored orientation
   * @throws {PictureError} what libjpeg-turbo under Pillow refuses; also a progressive JPEG
   *   whose scans leave coefficients that libjpeg's block smoothing would estimate
   */
  rgbPixels() {
    if (this.headerFailure === null && !this.f.rgbDc()) {
      throw new Error(`${this.name}: not a 4:4:4 or 4:2:0 YCbCr JPEG`); // a caller's mistake
    }
    if (this.decoded && !this.rgb) {
      const again = new JpegDc(this.bytes, this.name);
      again.headers();
      return again.rgbPixels();
    }
    this.decode(true);
    if (this.smoothed()) {
      throw new PictureError(this.name, 'a progressive JPEG whose scans leave coefficients'
        + " for libjpeg's block smoothing to estimate, which this selfie-classify does not do");
    }
    const w = Math.ceil(this.f.width / SCALE);
    const h = Math.ceil(this.f.height / SCALE);
    const planes = [0, 1, 2].map((c) => (this.slots[c] === 1
      ? this.plane1x1(c, w, h) : this.plane2x2(c, w, h)));
    const rgb = new Uint8Array(w * h * 3);
    yccToRgb(planes[0], planes[1], planes[2], rgb);
    return new DcPixels(w, h, 3, rgb);
  }

  /** A component through jpeg_idct_1x1, one sample a block (jdcoefct.c's output, cropped). */
  plane1x1(c, w, h) {
    const dc = this.coef[c];
    const stride = this.blockStride[c];
    const q = this.latched[c] === null ? 0 : this.latched[c][0];
    const out = new Int32Array(w * h);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        out[y * w + x] = idct1x1(dc[y * stride + x], q);
      }
    }
    return out;
  }

  /**
   * A 4:2:0 chroma component through jpeg_idct_2x2, two by two samples a block; at 1/8 scale
   * that is the output's size (jdsample.c's fullsize_upsample, a copy), cropped to it where
   * the picture's size is not a multiple of 16.
   */
  plane2x2(c, w, h) {
    const blocks = this.coef[c];
    const stride = this.blockStride[c];
    const q = this.latched[c] === null ? new Int32Array(64) : this.latched[c];
    const ws = new Int32Array(16);
    const four = new Int32Array(4);
    const out = new Int32Array(w * h);
    for (let by = 0; 2 * by < h; by++) {
      for (let bx = 0; 2 * bx < w; bx++) {
        idct2x2(blocks, (by * stride + bx) * BLOCK, q, ws, four);
        const x = 2 * bx;
        const y = 2 * by;
        out[y * w + x] = four[0];
        if (x + 1 < w) {
          out[y * w + x + 1] = four[1];
        }
        if (y + 1 < h) {
          out[(y + 1) * w + x] = four[2];
          if (x + 1 < w) {
            out[(y + 1) * w + x + 1] = four[3];
          }
        }
      }
    }
    return out;
  }

  /** The rest of the file, decoded once; for the RGB route when wantRgb (else the grey's only). */
  decode(wantRgb) {
    if (this.decoded) {
      if (this.decodeFailure !== null) {
        throw this.decodeFailure;
      }
      return;
    }
    this.decoded = true;
    this.rgb = wantRgb;
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

  /**
   * How many coefficients of a block of component c the RGB route keeps: 1 (the DC) where
   * libjpeg decodes it through jpeg_idct_1x1, BLOCK where through jpeg_idct_2x2.
   * jpeg_calc_output_dimensions scales a component's IDCT up from min_DCT_scaled_size 1 while
   * that saves upsampling: 4:2:0 chroma gets 2.
   */
  idctSlots(c) {
    const f = this.f;
    let ssize = 1;
    while (ssize < 8 && f.hmax % (f.compH[c] * ssize * 2) === 0 && f.vmax % (f.compV[c] * ssize * 2) === 0) {
      ssize *= 2;
    }
    return ssize === 1 ? 1 : BLOCK; // rgbDc admits no other sampling
  }

  decodeRest() {
    if (this.headerFailure !== null) {
      throw this.headerFailure;
    }
    const n = this.f.compId.length;
    this.slots = Array.from({ length: n }, (_, c) => (this.rgb ? this.idctSlots(c) : 1));
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
  }

  /**
   * Whether a progressive JPEG's scans leave any of the first nine AC coefficients of a
   * component not coded to the last bit: libjpeg-turbo (Pillow) then estimates them by block
   * smoothing (jdcoefct.c decompress_smooth_data), so the 1/8 routes cannot give Pillow's
   * pixels. Call after pixels() or rgbPixels().
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
   * which jpeg_idct_2x2 reads zigzag 1, 2 and 4 and jpeg_idct_1x1 none. Rows past where the
   * last scan's data ran out are smoothed by the bits before each component's last scan
   * (decompress_smooth_data's prev_coef_bits); a scan this reader skips may have, for all it knows.
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
    return noAc || (this.slots[c] > 1 && (bitsOf[1] !== 0 || bitsOf[2] !== 0 || bitsOf[4] !== 0));
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
