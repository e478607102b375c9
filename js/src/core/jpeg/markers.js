/**
 * A JPEG's marker segments other than SOS, read as libjpeg-turbo's jdmarker.c reads them
 * (get_sof, get_dht, get_dqt, get_dri, get_dac, examine_app0, examine_app14, skip_variable),
 * and what they say: the frame, the tables, the restart interval, and libjpeg's guess of the colour
 * space (jdapimin.c default_decompress_parms), which decides whether this folder decodes the
 * file (the manifest's jpeg_dc rule, Python's python.data.decode._ycbcr).
 *
 * A hand port of the Java library's JpegDc (its marker part): no JavaScript library decodes a
 * JPEG at reduced scale as libjpeg-turbo does (jpeg-js differs by 2 to 8 levels). The refusals'
 * reasons are the Java's, word for word. Both read each segment as jdmarker.c does (JPG
 * markers, DAC, DQT precision and length, an empty frame, a frame header or a table cut by the
 * file's end after the last row, a table number over 3: issue 37 brought the Java to these),
 * and refuse what Pillow's JpegImagePlugin refuses before the first scan (TEM, a short JFIF
 * or Adobe segment).
 */

import { PictureError } from '../errors.js';
import { corrupt, truncated } from './bits.js';
import { NATURAL } from './idct.js';
import { Huffman, standardCounts, standardSymbols } from './tables.js';

/** What the segments before (and between) the scans have said so far. */
export class Frame {
  /** @param {import('./bits.js').BitReader} src the file, read from src.pos */
  constructor(src) {
    this.src = src;
    /** The frame header's marker (0xC0 to 0xCF), -1 before one. */
    this.sof = -1;
    this.precision = 0;
    this.width = 0;
    this.height = 0;
    // Where the frame header's height and width are (four bytes): -1 before it.
    this.sofAt = -1;
    /** Per component: its id, sampling factors and quantisation table number. */
    this.compId = [];
    this.compH = [];
    this.compV = [];
    this.compTq = [];
    this.hmax = 0;
    this.vmax = 0;
    this.jfif = false;
    this.adobeTransform = -1;
    /** Each table's entry 0: the DC quantiser (the grey route's). */
    this.quantDc = new Int32Array(4);
    /** The quantisation tables whole, in natural order (what get_dqt stores): the RGB route's. */
    this.quant = [null, null, null, null];
    this.quantDefined = [false, false, false, false];
    this.dcTables = [null, null, null, null];
    this.acTables = [null, null, null, null];
    this.restartInterval = 0;
    /**
     * Whether the segments are Pillow's to read too: those before the first scan, which
     * JpegImagePlugin reads with its own handlers before libjpeg sees the file (reader.js
     * headers() sets it).
     */
    this.pillowReads = false;
  }

  /**
   * Reads one marker segment other than SOS; returns with src.pos after it. Each kind is read
   * in jdmarker.c's order (read_markers and its get_ routines), so that where a file that
   * ends inside a segment is refused (libjpeg's error) or merely cut short (its suspension,
   * a truncated picture, which after the last row is no error: JpegDc.tail) is libjpeg's.
   * @param {number} m the marker's code
   */
  segment(m) {
    const src = this.src;
    if (m === 0x01 && this.pillowReads) { // JpegImagePlugin knows no marker under 0xC0
      throw new PictureError(src.name, 'not a picture Pillow can read (no marker found: 0xff01)');
    }
    if (m === 0x01 || (m >= 0xD0 && m <= 0xD7)) {
      return; // no length
    }
    if (m < 0xC0 || m === 0xD8 || m === 0xDE || m === 0xDF || (m >= 0xF0 && m <= 0xFD)) {
      throw corrupt(src.name, `marker 0x${m.toString(16)} where libjpeg allows none`); // jdmarker.c
    }
    // Refused before a byte of the segment is read: JPG (JERR_SOF_UNSUPPORTED), and any frame
    // header after the first (libjpeg-turbo 3.2 under Pillow 13 refuses FF C0 at the file's
    // very end after the last row; measured).
    if (m === 0xC8) {
      throw corrupt(src.name, 'SOF type 0xc8, which libjpeg does not decode');
    }
    if (isFrame(m) && this.sof >= 0) {
      throw corrupt(src.name, 'two frame headers');
    }
    const b = src.b;
    if (src.pos + 2 > b.length) {
      throw truncated(src.name);
    }
    const len = src.u16(src.pos);
    const start = src.pos + 2;
    const end = src.pos + len;
    if (len < 2) {
      if ((m >= 0xE0 && m <= 0xEF) || m === 0xFE || m === 0xDC) {
        src.pos = start; // libjpeg skips length - 2 bytes of these: none
        return;
      }
      throw corrupt(src.name, `marker 0x${m.toString(16)} has a bad length`);
    }
    // The tables and the restart interval are checked as libjpeg reads them, byte by byte.
    if (m === 0xC4) {
      src.pos = this.huffmanTables(start, len - 2);
      return;
    }
    if (m === 0xDB) {
      src.pos = this.quantTables(start, len - 2);
      return;
    }
    if (m === 0xCC) {
      src.pos = this.arithTables(start, len - 2);
      return;
    }
    if (m === 0xDD) {
      if (len !== 4) { // get_dri: before the interval itself is read
        throw corrupt(src.name, 'bad DRI length');
      }
      this.restartInterval = (src.at(start) << 8) | src.at(start + 1);
      src.pos = end;
      return;
    }
    if (end > b.length) {
      throw truncated(src.name);
    }
    src.pos = end;
    const n = end - start;
    if (isFrame(m)) {
      this.frame(m, start, len);
    } else if (this.pillowReads && n < 7 && ((m === 0xE0 && startsWith(b, start, n, 'JFIF'))
      || (m === 0xEE && startsWith(b, start, n, 'Adobe')))) {
      // JpegImagePlugin's APP handler reads a 16-bit version at offset 5 of a segment that
      // starts so: a shorter one fails Image.open
      throw new PictureError(src.name, `not a picture Pillow can read (an APP${m & 15} segment`
        + ` too short for its ${m === 0xE0 ? 'JFIF' : 'Adobe'} header)`);
    } else if (m === 0xE0) {
      this.jfif ||= n >= 14 && b[start] === 0x4A && b[start + 1] === 0x46 && b[start + 2] === 0x49
        && b[start + 3] === 0x46 && b[start + 4] === 0; // "JFIF\0"
    } else if (m === 0xEE && n >= 12 && b[start] === 0x41 && b[start + 1] === 0x64
      && b[start + 2] === 0x6F && b[start + 3] === 0x62 && b[start + 4] === 0x65) { // "Adobe"
      this.adobeTransform = b[start + 11];
    }
  }

  /**
   * DHT (get_dht): tables while more than 16 bytes of the length are left, each checked when
   * a scan uses it; what is left must be nothing.
   * @param {number} p where the first table starts
   * @param {number} length the segment's length less its own two bytes
   * @returns {number} where the segment ends
   */
  huffmanTables(p, length) {
    const src = this.src;
    while (length > 16) {
      const index = src.at(p++);
      const counts = new Int32Array(17);
      let total = 0;
      for (let l = 1; l <= 16; l++) {
        counts[l] = src.at(p++);
        total += counts[l];
      }
      length -= 17;
      if (total > 256 || total > length) {
        throw corrupt(src.name, 'bad Huffman table');
      }
      if (total > 0) {
        src.at(p + total - 1); // the symbols: truncated where they run past the file
      }
      const symbols = src.b.subarray(p, p + total);
      p += total;
      length -= total;
      const tc = index >> 4;
      const th = index & 15;
      if (tc > 1 || th > 3) { // JERR_DHT_INDEX, once the table is read
        throw corrupt(src.name, 'bad Huffman table');
      }
      (tc === 0 ? this.dcTables : this.acTables)[th] = new Huffman(counts, symbols, tc === 0);
    }
    if (length !== 0) {
      throw corrupt(src.name, 'bad Huffman table');
    }
    return p;
  }

  /**
   * DQT (get_dqt): tables while any of the length is left, zigzag order in the file, natural
   * order kept; a nonzero precision means 16-bit entries; the
   * length must come out exact.
   * @param {number} p where the first table starts
   * @param {number} length the segment's length less its own two bytes
   * @returns {number} where the segment ends
   */
  quantTables(p, length) {
    const src = this.src;
    while (length > 0) {
      const n = src.at(p++);
      const wide = n >> 4 !== 0;
      const tq = n & 15;
      if (tq > 3) { // JERR_DQT_INDEX, before the entries are read
        throw corrupt(src.name, 'bad quantisation table');
      }
      const table = new Int32Array(64);
      for (let i = 0; i < 64; i++) {
        table[NATURAL[i]] = wide ? (src.at(p) << 8) | src.at(p + 1) : src.at(p);
        p += wide ? 2 : 1;
      }
      this.quant[tq] = table;
      this.quantDc[tq] = table[0]; // entry 0: the DC quantiser
      this.quantDefined[tq] = true;
      length -= wide ? 129 : 65;
    }
    if (length !== 0) {
      throw corrupt(src.name, 'bad quantisation table');
    }
    return p;
  }

  /**
   * DAC (get_dac): arithmetic-coding conditioning pairs, checked though a Huffman file never
   * uses them: an index past the 16 + 16 tables, or a DC pair
   * whose lower bound exceeds its upper one, is fatal, and the length must come out exact.
   * @param {number} p where the first pair starts
   * @param {number} length the segment's length less its own two bytes
   * @returns {number} where the segment ends
   */
  arithTables(p, length) {
    const src = this.src;
    while (length > 0) {
      const index = src.at(p++);
      const val = src.at(p++);
      length -= 2;
      if (index >= 32 || (index < 16 && (val & 15) > (val >> 4))) {
        throw corrupt(src.name, 'bad arithmetic-coding table');
      }
    }
    if (length !== 0) {
      throw corrupt(src.name, 'bad arithmetic-coding table');
    }
    return p;
  }

  /**
   * SOFn (get_sof): the frame header, at p its first byte after the length. An empty image or
   * a length that does not fit the component count is fatal.
   */
  frame(m, p, len) {
    const src = this.src;
    this.sof = m;
    this.sofAt = p + 1;
    this.precision = src.at(p);
    this.height = (src.at(p + 1) << 8) | src.at(p + 2);
    this.width = (src.at(p + 3) << 8) | src.at(p + 4);
    const n = src.at(p + 5);
    if (this.height === 0 || this.width === 0 || n === 0) {
      throw corrupt(src.name, 'an empty image'); // JERR_EMPTY_IMAGE
    }
    if (len !== 8 + 3 * n) {
      throw corrupt(src.name, 'bad frame header length'); // JERR_BAD_LENGTH
    }
    this.compId = new Array(n).fill(0);
    this.compH = new Array(n).fill(0);
    this.compV = new Array(n).fill(0);
    this.compTq = new Array(n).fill(0);
    for (let i = 0; i < n; i++) {
      const q = p + 6 + 3 * i;
      this.compId[i] = src.at(q);
      this.compH[i] = src.at(q + 1) >> 4;
      this.compV[i] = src.at(q + 1) & 15;
      // The whole byte, as get_sof keeps quant_tbl_no: a number over 3 is refused when the
      // component's first scan latches it.
      this.compTq[i] = src.at(q + 2);
      if (this.compH[i] < 1 || this.compH[i] > 4 || this.compV[i] < 1 || this.compV[i] > 4) {
        throw corrupt(src.name, 'bad sampling factors');
      }
      this.hmax = Math.max(this.hmax, this.compH[i]);
      this.vmax = Math.max(this.vmax, this.compV[i]);
    }
  }

  /**
   * Whether quantisation table tq is there for a scan to latch (jdinput.c latch_quant_tables:
   * a number past NUM_QUANT_TBLS, or a table never defined, is fatal).
   * @param {number} tq the component's table number, 0 to 255
   * @returns {boolean}
   */
  quantReady(tq) {
    return tq <= 3 && this.quantDefined[tq];
  }

  /**
   * Whether this folder decodes the file exactly as libjpeg (the jpeg_dc rule): a Huffman-coded
   * 8-bit frame (SOF0, SOF1, SOF2) of one component, or of three that libjpeg takes as YCbCr
   * with the first at the largest sampling factors.
   * @returns {boolean}
   */
  decodable() {
    if ((this.sof !== 0xC0 && this.sof !== 0xC1 && this.sof !== 0xC2) || this.precision !== 8
      || this.width < 1 || this.height < 1) {
      return false;
    }
    const n = this.compId.length;
    if (n === 1) {
      return true;
    }
    if (n !== 3 || this.compH[0] !== this.hmax || this.compV[0] !== this.vmax) {
      return false;
    }
    // libjpeg's guess of the colour space (jdapimin.c default_decompress_parms): YCbCr only.
    if (this.jfif) {
      return true;
    }
    if (this.adobeTransform >= 0) {
      return this.adobeTransform !== 0;
    }
    const id = this.compId;
    return !(id[0] === 82 && id[1] === 71 && id[2] === 66);
  }

  /**
   * Whether the RGB route decodes it: decodable, three components, 4:4:4 (all factors equal)
   * or 4:2:0 (2x2, 1x1, 1x1), the JPEGs Python decodes reduced in RGB (draft_mode).
   * @returns {boolean}
   */
  rgbDc() {
    if (!this.decodable() || this.compId.length !== 3) {
      return false;
    }
    const h = this.compH;
    const v = this.compV;
    const same = h[1] === h[0] && h[2] === h[0] && v[1] === v[0] && v[2] === v[0];
    const s420 = h[0] === 2 && v[0] === 2 && h[1] === 1 && v[1] === 1 && h[2] === 1 && v[2] === 1;
    return same || s420;
  }

  /**
   * Huffman table id of a scan: the file's, else (ids 0 and 1, sequential) the standard one, as
   * libjpeg-turbo's jdhuff.c (std_huff_tables); its progressive decoder (jdphuff.c) has no
   * standard tables: a table missing there is fatal.
   * @param {boolean} isDc
   * @param {number} id 0 to 15, as the scan header says
   * @returns {Huffman|null}
   */
  table(isDc, id) {
    if (id > 3) {
      return null;
    }
    const tables = isDc ? this.dcTables : this.acTables;
    let t = tables[id];
    if (t === null && id <= 1 && this.sof !== 0xC2) {
      t = new Huffman(standardCounts(isDc, id), standardSymbols(isDc, id), isDc);
      tables[id] = t;
    }
    return t;
  }
}

/** Whether the n bytes at start begin with the ASCII text t. */
function startsWith(b, start, n, t) {
  if (n < t.length) {
    return false;
  }
  for (let i = 0; i < t.length; i++) {
    if (b[start + i] !== t.charCodeAt(i)) {
      return false;
    }
  }
  return true;
}

/** Whether marker m starts a frame header (SOF0 to SOF15 but DHT, JPG and DAC). */
export function isFrame(m) {
  return m >= 0xC0 && m <= 0xCF && m !== 0xC4 && m !== 0xC8 && m !== 0xCC;
}
