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
 * whose Javadoc states the rules for damaged data; same behaviour, same refusal reasons. It is
 * written by hand because no JavaScript library decodes a JPEG at 1/8 scale as libjpeg-turbo
 * does (jpeg-js differs by 2 to 8 levels), and Python's pixels are libjpeg-turbo's, bit for bit.
 * The markers are in markers.js, the bit buffer in bits.js, the scans' data in scan.js.
 * One instance decodes one file.
 */

import { PictureError } from '../errors.js';
import { BitReader, OUT_OF_RANGE, corrupt, truncated } from './bits.js';
import { BLOCK, NATURAL, idct1x1, idct2x2, limit } from './idct.js';
import { Frame } from './markers.js';
import { decodeScan, skipEntropyData } from './scan.js';
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
    const planes = [0, 1, 2].map((c) => (this.slots[c] === 1 ? this.plane1x1(c, w, h) : this.plane2x2(c, w, h)));
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
        if (this.scan()) {
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
          this.secondScan();
        }
        this.f.segment(m);
      }
    } catch (e) {
      if (!(e instanceof PictureError) || e.reason !== 'truncated picture') {
        throw e;
      }
    }
  }

  /**
   * The frame component a scan's i-th component id names, as get_sos finds it: the first with
   * that id among the frame's first four that is at position i or later (libjpeg-turbo skips
   * those whose scan slot is taken), and not named before in this scan. The Java takes the
   * first with the id.
   * @param {number} id the component id
   * @param {number[]} comps the components this scan named so far
   * @returns {number} the component's index in the frame
   */
  scanComponent(id, comps) {
    const ids = this.f.compId;
    let c = comps.length;
    while (c < Math.min(ids.length, 4) && ids[c] !== id) {
      c++;
    }
    if (c >= Math.min(ids.length, 4)) {
      throw corrupt(this.name, 'scan names no component of the frame');
    }
    if (comps.includes(c)) {
      throw corrupt(this.name, 'scan names a component twice');
    }
    return c;
  }

  /**
   * An SOS after the last row of a single-scan JPEG, read as get_sos reads it: fatal once its
   * header is read whole (JERR_EOI_EXPECTED), or as soon as it is wrong; a file that ends in
   * it first is merely truncated there, which tail() lets pass. The Java refuses it at once.
   */
  secondScan() {
    const src = this.src;
    let p = src.pos;
    const length = (src.at(p) << 8) | src.at(p + 1);
    const ns = src.at(p + 2);
    p += 3;
    if (length !== 6 + 2 * ns || ns < 1 || ns > 4) {
      throw corrupt(this.name, 'bad scan header');
    }
    const comps = [];
    for (let i = 0; i < ns; i++, p += 2) {
      src.at(p + 1);
      comps.push(this.scanComponent(src.at(p), comps));
    }
    src.at(p + 2); // Ss, Se, Ah and Al
    throw corrupt(this.name, 'a second scan where EOI was expected');
  }

  /** Decodes one scan; true when it was the one scan of a single-scan sequential JPEG. */
  scan() {
    const src = this.src;
    const f = this.f;
    const b = this.bytes;
    if (src.pos + 2 > b.length) {
      throw truncated(this.name);
    }
    const len = src.u16(src.pos);
    const start = src.pos + 2;
    src.pos += len;
    if (src.pos > b.length) {
      throw truncated(this.name);
    }
    if (f.sof < 0 || !f.decodable()) {
      throw corrupt(this.name, 'a scan before a decodable frame header');
    }
    const ns = src.at(start);
    if (ns < 1 || ns > 4 || len !== 6 + 2 * ns) {
      throw corrupt(this.name, 'bad scan header');
    }
    const comps = [];
    const dcT = [];
    const acT = [];
    for (let i = 0; i < ns; i++) {
      comps.push(this.scanComponent(src.at(start + 1 + 2 * i), comps));
      dcT.push(f.table(true, src.at(start + 2 + 2 * i) >> 4));
      acT.push(f.table(false, src.at(start + 2 + 2 * i) & 15));
    }
    const q = start + 1 + 2 * ns;
    const ss = src.at(q);
    const se = src.at(q + 1);
    const ah = src.at(q + 2) >> 4;
    const al = src.at(q + 2) & 15;
    const progressive = f.sof === 0xC2;
    if (progressive && ((ss === 0 ? se !== 0 : se < ss || se > 63 || ns !== 1)
      || (ah !== 0 && al !== ah - 1) || al > 13)) {
      throw corrupt(this.name, 'bad progressive scan parameters'); // as libjpeg's jdphuff.c
    }
    // jdinput.c per_scan_setup: D_MAX_BLOCKS_IN_MCU, whatever the output's colour space. The
    // Java checks it in the RGB route only, so its grey route accepts a file (all three
    // components 2x2, say) that Pillow's draft("L") refuses; here both routes refuse it.
    let blocksInMcu = 0;
    for (const c of comps) {
      blocksInMcu += ns === 1 ? 1 : f.compH[c] * f.compV[c];
    }
    if (blocksInMcu > 10) {
      throw corrupt(this.name, 'sampling factors too large for an interleaved scan');
    }
    // Both routes: whether libjpeg would block-smooth this picture (see smoothed()).
    this.latch(comps);
    if (progressive) { // jdphuff.c start_pass_phuff_decoder's coef_bits
      this.scans++;
      for (const c of comps) {
        for (let k = Math.min(ss, 1); k < 10; k++) {
          this.prevBits[c][k] = this.scans > 1 ? this.coefBits[c][k] : 0;
        }
        for (let k = ss; k <= Math.min(se, 9); k++) {
          this.coefBits[c][k] = al;
        }
      }
    }
    // AC scans hold nothing a DC-only decoder needs; the RGB route decodes a 4:2:0 chroma
    // component's, the AC coefficients jpeg_idct_2x2 reads.
    const acScan = progressive && ss !== 0;
    if (acScan && this.slots[comps[0]] === 1) {
      this.lastScanShort = true; // not decoded: its data may run out before its last block
      skipEntropyData(src);
      return false;
    }
    for (let i = 0; i < ns; i++) {
      const needsTable = !progressive || ah === 0;
      if ((needsTable && !acScan && (dcT[i] === null || !dcT[i].valid))
        || ((!progressive || acScan) && (acT[i] === null || !acT[i].valid))) {
        throw corrupt(this.name, 'a scan uses a Huffman table that is missing or bad');
      }
    }
    if (this.coef === null) {
      this.allocate(progressive);
    }
    for (const c of comps) {
      if (c === 0 && this.yQuant < 0) { // libjpeg latches a component's table at its first scan
        if (!f.quantReady(f.compTq[0])) {
          throw corrupt(this.name, `quantisation table ${f.compTq[0]} was not defined`);
        }
        this.yQuant = f.quantDc[f.compTq[0]];
      }
    }
    src.ranOut = false;
    decodeScan(this, comps, dcT, acT, progressive, ss, se, ah, al);
    this.lastScanShort = src.ranOut;
    return !progressive && ns === f.compId.length;
  }

  /** The coefficient store, at the first scan: the first component's DC, or all the RGB route keeps. */
  allocate(progressive) {
    const f = this.f;
    const n = f.compId.length;
    const mcusX = Math.floor((f.width + 8 * f.hmax - 1) / (8 * f.hmax));
    const mcusY = Math.floor((f.height + 8 * f.vmax - 1) / (8 * f.vmax));
    this.coef = new Array(n).fill(null);
    this.blockStride = new Int32Array(n);
    this.nonzero = new Array(n).fill(null);
    for (let c = 0; c < (this.rgb ? n : 1); c++) {
      this.blockStride[c] = mcusX * f.compH[c];
      const blocks = this.blockStride[c] * mcusY * f.compV[c];
      const size = Math.imul(blocks, this.slots[c]); // Java's int: negative past 2^31
      if (size < 0) {
        throw OUT_OF_RANGE; // Java: NegativeArraySizeException
      }
      this.coef[c] = new Int16Array(size);
      if (progressive && this.slots[c] > 1) {
        this.nonzero[c] = new Uint32Array(2 * blocks); // Java's long a block: bit p, natural position
      }
    }
  }

  /**
   * jdinput.c's latch_quant_tables at a scan's start: each component's table, copied at its
   * first scan (later DQT segments do not change it); a table not defined then is fatal.
   */
  latch(comps) {
    const f = this.f;
    for (const c of comps) {
      if (this.latched[c] === null) {
        if (!f.quantReady(f.compTq[c])) {
          throw corrupt(this.name, `quantisation table ${f.compTq[c]} was not defined`);
        }
        this.latched[c] = f.quant[f.compTq[c]].slice();
      }
    }
  }
}
