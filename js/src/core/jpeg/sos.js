/**
 * A scan's header and what it starts, as libjpeg-turbo reads them: jdmarker.c's get_sos (the
 * components a scan names), jdinput.c's per_scan_setup (at most 10 blocks an MCU) and
 * latch_quant_tables (each component's quantisers, copied at its first scan), jdphuff.c's
 * start_pass_phuff_decoder (the progressive parameters and coef_bits, which decide libjpeg's
 * block smoothing), and the coefficient store the reduced routes keep.
 *
 * A hand port of the Java library's JpegDc (its scan header part): no JavaScript library
 * decodes a JPEG at reduced scale as libjpeg-turbo does (jpeg-js differs by 2 to 8 levels). Each
 * function takes the JpegDc (reader.js) whose state it works on.
 */

import { PictureError } from '../errors.js';
import { OUT_OF_RANGE, corrupt, truncated } from './bits.js';
import { decodeScan, skipEntropyData, skipPlainData } from './scan.js';

/** libjpeg's JPEG_MAX_DIMENSION: a wider or taller frame is refused at the first scan. */
const MAX_DIMENSION = 65500;

/**
 * The frame component a scan's i-th component id names, as get_sos finds it: the first with
 * that id among the frame's first four that is at position i or later (libjpeg-turbo skips
 * those whose scan slot is taken), and not named before in this scan.
 * @param {import('./reader.js').JpegDc} d the reader
 * @param {number} id the component id
 * @param {number[]} comps the components this scan named so far
 * @returns {number} the component's index in the frame
 */
export function scanComponent(d, id, comps) {
  const ids = d.f.compId;
  let c = comps.length;
  while (c < Math.min(ids.length, 4) && ids[c] !== id) {
    c++;
  }
  if (c >= Math.min(ids.length, 4)) {
    throw corrupt(d.name, 'scan names no component of the frame');
  }
  if (comps.includes(c)) {
    throw corrupt(d.name, 'scan names a component twice');
  }
  return c;
}

/**
 * An SOS after the last row of a single-scan JPEG, read as get_sos reads it: fatal once its
 * header is read whole (JERR_EOI_EXPECTED), or as soon as it is wrong; a file that ends in
 * it first is merely truncated there, which tail() lets pass.
 * @param {import('./reader.js').JpegDc} d the reader
 */
export function secondScan(d) {
  const src = d.src;
  let p = src.pos;
  const length = (src.at(p) << 8) | src.at(p + 1);
  const ns = src.at(p + 2);
  p += 3;
  if (length !== 6 + 2 * ns || ns < 1 || ns > 4) {
    throw corrupt(d.name, 'bad scan header');
  }
  const comps = [];
  for (let i = 0; i < ns; i++, p += 2) {
    src.at(p + 1);
    comps.push(scanComponent(d, src.at(p), comps));
  }
  src.at(p + 2); // Ss, Se, Ah and Al
  throw corrupt(d.name, 'a second scan where EOI was expected');
}

/**
 * Reads an SOS segment and decodes its scan (scan.js), or skips it where the routes need
 * nothing of it.
 * @param {import('./reader.js').JpegDc} d the reader
 * @returns {boolean} true when it was the one scan of a single-scan sequential JPEG
 */
export function readScan(d) {
  const src = d.src;
  const f = d.f;
  const b = d.bytes;
  if (src.pos + 2 > b.length) {
    throw truncated(d.name);
  }
  const len = src.u16(src.pos);
  const start = src.pos + 2;
  src.pos += len;
  if (src.pos > b.length) {
    throw truncated(d.name);
  }
  if (f.sof < 0 || !f.decodable()) {
    throw corrupt(d.name, 'a scan before a decodable frame header');
  }
  if (f.width > MAX_DIMENSION || f.height > MAX_DIMENSION) { // jdmaster.c initial_setup
    throw corrupt(d.name, `maximum supported image dimension is ${MAX_DIMENSION} pixels`);
  }
  const ns = src.at(start);
  if (ns < 1 || ns > 4 || len !== 6 + 2 * ns) {
    throw corrupt(d.name, 'bad scan header');
  }
  const comps = [];
  const dcT = [];
  const acT = [];
  for (let i = 0; i < ns; i++) {
    comps.push(scanComponent(d, src.at(start + 1 + 2 * i), comps));
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
    throw corrupt(d.name, 'bad progressive scan parameters'); // as libjpeg's jdphuff.c
  }
  // jdinput.c per_scan_setup: D_MAX_BLOCKS_IN_MCU, whatever the output's colour space: the
  // grey route refuses a file (all three components 2x2, say) that Pillow's draft("L") refuses.
  let blocksInMcu = 0;
  for (const c of comps) {
    blocksInMcu += ns === 1 ? 1 : f.compH[c] * f.compV[c];
  }
  if (blocksInMcu > 10) {
    throw corrupt(d.name, 'sampling factors too large for an interleaved scan');
  }
  // Both routes: whether libjpeg would block-smooth this picture (see smoothed()).
  latch(d, comps);
  if (progressive) { // jdphuff.c start_pass_phuff_decoder's coef_bits
    d.scans++;
    for (const c of comps) {
      for (let k = Math.min(ss, 1); k < 10; k++) {
        d.prevBits[c][k] = d.scans > 1 ? d.coefBits[c][k] : 0;
      }
      for (let k = ss; k <= Math.min(se, 9); k++) {
        d.coefBits[c][k] = al;
      }
    }
  }
  // AC scans hold nothing a component decoded through jpeg_idct_1x1 needs (or one not decoded:
  // the grey route's chroma); the others' are decoded, for the AC coefficients their IDCT reads.
  const acScan = progressive && ss !== 0;
  // jdphuff.c start_pass_phuff_decoder makes each table a scan uses, decoded or not here
  for (let i = 0; i < ns; i++) {
    const needsTable = !progressive || ah === 0;
    if ((needsTable && !acScan && (dcT[i] === null || !dcT[i].valid))
      || ((!progressive || acScan) && (acT[i] === null || !acT[i].valid))) {
      throw corrupt(d.name, 'a scan uses a Huffman table that is missing or bad');
    }
  }
  if (acScan && d.slots[comps[0]] === 1) {
    d.lastScanShort = true; // not decoded: its data may run out before its last block
    if (d.plainOnly) {
      skipPlainData(d, comps);
    } else {
      skipEntropyData(src);
    }
    return false;
  }
  if (d.plainOnly) { // JpegDc.plain(): the data skipped, the scan counted as decoded
    d.coef ??= [];
    skipPlainData(d, comps);
    return !progressive && ns === f.compId.length;
  }
  if (d.coef === null) {
    allocate(d, progressive);
  }
  src.ranOut = false;
  decodeScan(d, comps, dcT, acT, progressive, ss, se, ah, al);
  d.lastScanShort = src.ranOut;
  return !progressive && ns === f.compId.length;
}

/**
 * The coefficient store, at the first scan: the first component's blocks (the grey route), or
 * every component's (the RGB route), each as its IDCT's layout keeps them (d.layout).
 * @param {import('./reader.js').JpegDc} d the reader
 * @param {boolean} progressive the frame is SOF2: blocks whose IDCT reads AC coefficients get
 *   a bit for each, whether it is nonzero
 */
export function allocate(d, progressive) {
  const f = d.f;
  const n = f.compId.length;
  const mcusX = Math.floor((f.width + 8 * f.hmax - 1) / (8 * f.hmax));
  const mcusY = Math.floor((f.height + 8 * f.vmax - 1) / (8 * f.vmax));
  d.coef = new Array(n).fill(null);
  d.blockStride = new Int32Array(n);
  d.nonzero = new Array(n).fill(null);
  for (let c = 0; c < (d.rgb ? n : 1); c++) {
    d.blockStride[c] = mcusX * f.compH[c];
    const blocks = d.blockStride[c] * mcusY * f.compV[c];
    const size = Math.imul(blocks, d.slots[c]); // Java's int: negative past 2^31
    if (size < 0) {
      throw OUT_OF_RANGE; // Java: NegativeArraySizeException
    }
    try {
      d.coef[c] = new Int16Array(size);
    } catch (e) { // a frame past what this machine can hold (only when no bomb limit applies)
      if (!(e instanceof RangeError)) {
        throw e;
      }
      throw new PictureError(d.name, `too large to decode: ${f.width}x${f.height}`);
    }
    if (progressive && d.layout[c].n > 1) { // which AC coefficients are nonzero (scan.js acBlock)
      d.nonzero[c] = new Uint32Array(2 * blocks); // Java's long a block
    }
  }
}

/**
 * jdinput.c's latch_quant_tables at a scan's start: each component's table, copied at its
 * first scan (later DQT segments do not change it); a table not defined then is fatal.
 * @param {import('./reader.js').JpegDc} d the reader
 * @param {number[]} comps the scan's components
 */
export function latch(d, comps) {
  const f = d.f;
  for (const c of comps) {
    if (d.latched[c] === null) {
      if (!f.quantReady(f.compTq[c])) {
        throw corrupt(d.name, `quantisation table ${f.compTq[c]} was not defined`);
      }
      d.latched[c] = f.quant[f.compTq[c]].slice();
    }
  }
}
