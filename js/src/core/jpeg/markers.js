/**
 * A JPEG's marker segments other than SOS, read as libjpeg-turbo's jdmarker.c reads them
 * (get_sof, get_dht, get_dqt, get_dri, examine_app0, examine_app14, skip_variable), and what
 * they say: the frame, the tables, the restart interval, and libjpeg's guess of the colour
 * space (jdapimin.c default_decompress_parms), which decides whether this folder decodes the
 * file (the manifest's jpeg_dc rule, Python's python.data.decode._ycbcr).
 *
 * A hand port of the Java library's JpegDc (its marker part): no JavaScript library decodes a
 * JPEG at 1/8 scale as libjpeg-turbo does (jpeg-js differs by 2 to 8 levels). The refusals'
 * reasons are the Java's, word for word.
 */

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
  }

  /**
   * Reads one marker segment other than SOS; returns with src.pos after it.
   * @param {number} m the marker's code
   */
  segment(m) {
    const src = this.src;
    if (m === 0x01 || (m >= 0xD0 && m <= 0xD7)) {
      return; // no length
    }
    if (m < 0xC0 || m === 0xD8 || m === 0xDE || m === 0xDF || (m >= 0xF0 && m <= 0xFD)) {
      throw corrupt(src.name, `marker 0x${m.toString(16)} where libjpeg allows none`); // jdmarker.c
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
    if (end > b.length) {
      throw truncated(src.name);
    }
    src.pos = end;
    const n = end - start;
    if (m >= 0xC0 && m <= 0xCF && m !== 0xC4 && m !== 0xC8 && m !== 0xCC) {
      this.frame(m, start);
    } else if (m === 0xC4) {
      this.huffmanTables(start, end);
    } else if (m === 0xDB) {
      this.quantTables(start, end);
    } else if (m === 0xDD) {
      if (n !== 2) {
        throw corrupt(src.name, 'bad DRI length');
      }
      this.restartInterval = src.u16(start);
    } else if (m === 0xE0) {
      this.jfif ||= n >= 14 && b[start] === 0x4A && b[start + 1] === 0x46 && b[start + 2] === 0x49
        && b[start + 3] === 0x46 && b[start + 4] === 0; // "JFIF\0"
    } else if (m === 0xEE && n >= 12 && b[start] === 0x41 && b[start + 1] === 0x64
      && b[start + 2] === 0x6F && b[start + 3] === 0x62 && b[start + 4] === 0x65) { // "Adobe"
      this.adobeTransform = b[start + 11];
    }
  }

  /** DHT: each table, checked when a scan uses it. */
  huffmanTables(start, end) {
    const src = this.src;
    for (let p = start; p < end;) {
      const tc = src.byte(p) >> 4;
      const th = src.byte(p) & 15;
      const counts = new Int32Array(17);
      let total = 0;
      for (let l = 1; l <= 16; l++) {
        counts[l] = src.byte(p + l);
        total += counts[l];
      }
      if (th > 3 || tc > 1 || total > 256 || p + 17 + total > end) {
        throw corrupt(src.name, 'bad Huffman table');
      }
      const symbols = src.b.subarray(p + 17, p + 17 + total);
      (tc === 0 ? this.dcTables : this.acTables)[th] = new Huffman(counts, symbols, tc === 0);
      p += 17 + total;
    }
  }

  /** DQT: zigzag order in the file, natural order kept (get_dqt). */
  quantTables(start, end) {
    const src = this.src;
    const length = src.b.length;
    for (let p = start; p < end;) {
      const pq = src.byte(p) >> 4;
      const tq = src.byte(p) & 15;
      if (tq > 3 || pq > 1) {
        throw corrupt(src.name, 'bad quantisation table');
      }
      this.quantDc[tq] = pq === 0 ? src.byte(p + 1) : src.u16(p + 1); // entry 0: the DC quantiser
      this.quantDefined[tq] = true;
      const table = new Int32Array(64);
      for (let i = 0; i < 64; i++) {
        const at = p + 1 + (pq + 1) * i;
        if (at + pq < length) { // past the file: no table an RGB decode reaches
          table[NATURAL[i]] = pq === 0 ? src.b[at] : src.u16(at);
        }
      }
      this.quant[tq] = table;
      p += 1 + (pq === 0 ? 64 : 128);
    }
  }

  /** SOFn: the frame header, at p its first byte after the length. */
  frame(m, p) {
    const src = this.src;
    if (this.sof >= 0) {
      throw corrupt(src.name, 'two frame headers');
    }
    this.sof = m;
    this.precision = src.byte(p);
    this.height = src.u16(p + 1);
    this.width = src.u16(p + 3);
    const n = src.byte(p + 5);
    this.compId = new Array(n).fill(0);
    this.compH = new Array(n).fill(0);
    this.compV = new Array(n).fill(0);
    this.compTq = new Array(n).fill(0);
    for (let i = 0; i < n; i++) {
      const q = p + 6 + 3 * i;
      this.compId[i] = src.byte(q);
      this.compH[i] = src.byte(q + 1) >> 4;
      this.compV[i] = src.byte(q + 1) & 15;
      this.compTq[i] = src.byte(q + 2) & 3;
      if (this.compH[i] < 1 || this.compH[i] > 4 || this.compV[i] < 1 || this.compV[i] > 4) {
        throw corrupt(src.name, 'bad sampling factors');
      }
      this.hmax = Math.max(this.hmax, this.compH[i]);
      this.vmax = Math.max(this.vmax, this.compV[i]);
    }
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
   * or 4:2:0 (2x2, 1x1, 1x1), the JPEGs Python decodes at 1/8 in RGB (jpeg_dc_mode).
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
   * Huffman table id of a scan: the file's, else (ids 0 and 1) the standard one, as libjpeg-turbo.
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
    if (t === null && id <= 1) {
      t = new Huffman(standardCounts(isDc, id), standardSymbols(isDc, id), isDc);
      tables[id] = t;
    }
    return t;
  }
}
