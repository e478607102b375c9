/**
 * One scan's entropy-coded data, decoded as libjpeg-turbo decodes it: jdhuff.c's
 * decode_mcu_slow and decode_mcu_fast (sequential; the fast path tried first where Pillow's
 * 64 KB reads leave enough bytes, redone slow at a marker, retried when libjpeg suspends),
 * jdphuff.c's decode_mcu_DC_first, decode_mcu_DC_refine, decode_mcu_AC_first and
 * decode_mcu_AC_refine (progressive), process_restart and jdmarker.c's jpeg_resync_to_restart.
 * Only what the reduced routes read is kept: of each block of a component decoded, the
 * coefficients its IDCT reads (idct.js Layout: the DC alone at 1x1); the rest is decoded to be
 * skipped.
 *
 * A hand port of the Java library's JpegDc (its scan part): no JavaScript library decodes a
 * JPEG at reduced scale as libjpeg-turbo does (jpeg-js differs by 2 to 8 levels). Each function
 * takes the JpegDc (reader.js) whose state it works on: d.src the bytes and bit buffer
 * (bits.js), d.f the frame and tables (markers.js), d.coef what is kept.
 */

import { SUSPENDED } from './bits.js';
import { NATURAL } from './idct.js';

/** Pillow's read size (ImageFile.decodermaxblock): what it hands libjpeg at a time. */
export const CHUNK = 65536;

/** HUFF_EXTEND: the t-bit value v as a signed coefficient difference. */
function extend(v, t) {
  return v < (1 << (t - 1)) ? v + (-1 << t) + 1 : v;
}

/**
 * Decodes one scan's data, from d.src.pos; it ends at the next marker, where d.src.pos is left
 * somewhere before it for the segment loop to find.
 * @param {import('./reader.js').JpegDc} d
 * @param {number[]} comps the scan's components, as indexes into the frame's
 * @param {Array} dcT their DC tables
 * @param {Array} acT their AC tables
 * @param {boolean} progressive the frame is SOF2
 * @param {number} ss spectral selection start
 * @param {number} se spectral selection end
 * @param {number} ah successive approximation, high bit
 * @param {number} al successive approximation, low bit
 */
export function decodeScan(d, comps, dcT, acT, progressive, ss, se, ah, al) {
  const f = d.f;
  const src = d.src;
  const ns = comps.length;
  const [mcusX, mcusY] = scanMcus(f, comps);
  const pred = new Int32Array(ns);
  d.eobrun = 0;
  let toGo = f.restartInterval;
  let nextRestart = 0;
  src.reset();
  src.buffered = !progressive && ns === f.compId.length && f.restartInterval === 0;
  src.fed = Math.min(src.b.length, Math.max(1, Math.floor((src.pos + CHUNK - 1) / CHUNK)) * CHUNK);
  let blocksInMcu = 0;
  for (const c of comps) {
    blocksInMcu += ns === 1 ? 1 : f.compH[c] * f.compV[c];
  }
  for (let my = 0; my < mcusY; my++) {
    for (let mx = 0; mx < mcusX; mx++) {
      if (src.buffered && !src.insufficient) {
        bufferedMcu(d, comps, dcT, acT, pred, blocksInMcu, my, mx);
        continue;
      }
      if (f.restartInterval > 0) {
        if (toGo === 0) {
          restart(src, nextRestart);
          nextRestart = (nextRestart + 1) & 7;
          pred.fill(0);
          d.eobrun = 0;
          toGo = f.restartInterval;
        }
        toGo--;
      }
      if (src.insufficient) {
        continue; // libjpeg leaves the rest of the segment as it is: zero, grey
      }
      if (progressive && ss !== 0) { // a sequential scan's Ss is only warned about (jdhuff.c)
        acBlock(d, comps[0], acT[0], ss, se, ah, al, my, mx);
      } else {
        mcu(d, comps, dcT, acT, pred, progressive, ah, al, my, mx);
      }
    }
  }
}

/** One MCU of a buffered scan: fast or slow path, redone slow at a marker, retried when suspended. */
function bufferedMcu(d, comps, dcT, acT, pred, blocksInMcu, my, mx) {
  const src = d.src;
  const startPos = src.pos;
  const startHi = src.hi;
  const startLo = src.lo;
  const startBits = src.bits;
  const startPred = pred.slice();
  let tryFast = true;
  for (;;) {
    src.fast = tryFast && !src.hitMarker && src.fed - src.pos >= 512 * blocksInMcu;
    src.fastMetMarker = false;
    try {
      mcu(d, comps, dcT, acT, pred, false, 0, 0, my, mx);
      if (!src.fastMetMarker) {
        src.fast = false;
        return;
      }
      tryFast = false; // decode_mcu_fast gives up at a marker: the slow path redoes the MCU
    } catch (e) {
      if (e !== SUSPENDED) {
        throw e;
      }
      src.fed = Math.min(src.b.length, src.fed + CHUNK); // Pillow reads on and calls the decoder again
      tryFast = true;
    }
    src.pos = startPos;
    src.hi = startHi;
    src.lo = startLo;
    src.bits = startBits;
    src.hitMarker = false;
    src.insufficient = false;
    pred.set(startPred);
  }
}

/** One MCU of a DC or sequential scan (decode_mcu_slow / _fast, decode_mcu_DC_first / _refine). */
function mcu(d, comps, dcT, acT, pred, progressive, ah, al, my, mx) {
  const f = d.f;
  const src = d.src;
  const ns = comps.length;
  for (let i = 0; i < ns; i++) {
    const c = comps[i];
    const bh = ns === 1 ? 1 : f.compH[c];
    const bv = ns === 1 ? 1 : f.compV[c];
    const store = d.coef[c];
    const n = d.slots[c];
    const lay = d.layout[c];
    const stride = d.blockStride[c];
    for (let v = 0; v < bv; v++) {
      for (let h = 0; h < bh; h++) {
        const at = store === null ? -1 : ((my * bv + v) * stride + mx * bh + h) * n;
        if (progressive && ah > 0) {
          if (src.getBits(1) !== 0 && at >= 0) {
            store[at] |= 1 << al;
          }
          continue;
        }
        const t = src.decode(dcT[i]);
        const diff = t === 0 ? 0 : extend(src.extraBits(t), t);
        pred[i] += diff;
        if (at >= 0) {
          store[at] = progressive ? pred[i] << al : pred[i]; // a short, as Java's cast
        }
        if (!progressive) {
          if (n > 1 && at >= 0) {
            decodeAc(src, acT[i], store, at, lay.zigzag, n);
          } else {
            skipAc(src, acT[i]);
          }
        }
      }
    }
  }
}

/**
 * A sequential block's AC coefficients, kept where its IDCT reads them (the bits read as
 * skipAc reads them); the others go to the block's spare (or flag) slot. The block starts at
 * zero, as libjpeg's MCU buffer does (an MCU decoded again after the fast path gave up, too).
 * @param {import('./bits.js').BitReader} src
 * @param {object} t the AC table
 * @param {Int16Array} store the component's blocks
 * @param {number} at where this block starts
 * @param {Int32Array} zigzag the layout's zigzag index to slot
 * @param {number} size the layout's shorts a block
 */
function decodeAc(src, t, store, at, zigzag, size) {
  store.fill(0, at + 1, at + size);
  for (let k = 1; k < 64; k++) {
    const rs = src.decode(t);
    const r = rs >> 4;
    const s = rs & 15;
    if (s !== 0) {
      k += r;
      const x = src.extraBits(s);
      // HUFF_EXTEND without a branch, as jdhuff.h's: the sign is a coin toss.
      store[at + zigzag[k]] = x + (((x - (1 << (s - 1))) >> 31) & ((-1 << s) + 1));
    } else {
      if (r !== 15) {
        break;
      }
      k += 15;
    }
  }
}

/** A block's AC coefficients, decoded to be skipped. */
function skipAc(src, t) {
  for (let k = 1; k < 64; k++) {
    const rs = src.decode(t);
    const r = rs >> 4;
    const s = rs & 15;
    if (s !== 0) {
      k += r;
      src.extraBits(s);
    } else {
      if (r !== 15) {
        break;
      }
      k += 15;
    }
  }
}

/**
 * One block of a progressive AC scan of a component whose IDCT reads AC coefficients
 * (non-interleaved: one block an MCU): decode_mcu_AC_first (ah 0) or decode_mcu_AC_refine,
 * with the EOB run carried from block to block. The coefficients the layout keeps are kept;
 * which AC coefficients are nonzero is noted for all (nz: two 32-bit words a block, bit k of
 * the pair for zigzag index k), since a refinement scan reads a correction bit for each
 * nonzero one, and a nonzero one stays nonzero whatever its corrections make it.
 */
function acBlock(d, c, t, ss, se, ah, al, my, mx) {
  const src = d.src;
  const blk = my * d.blockStride[c] + mx;
  const store = d.coef[c];
  const at = blk * d.slots[c];
  const nz = d.nonzero[c];
  const nzAt = 2 * blk;
  const zslot = d.layout[c].zslot;
  if (ah === 0) {
    if (d.eobrun > 0) {
      d.eobrun--;
      return;
    }
    for (let k = ss; k <= se; k++) {
      const rs = src.decode(t);
      const r = rs >> 4;
      const s = rs & 15;
      if (s !== 0) {
        k += r;
        const v = ((extend(src.getBits(s), s) << al) << 16) >> 16; // (short) LEFT_SHIFT(s, Al)
        const sl = zslot[k];
        if (sl >= 0) {
          store[at + sl] = v;
        }
        const z = k > 63 ? 63 : k; // past the block's end: NATURAL's 63
        if (v !== 0) {
          nz[nzAt + (z >> 5)] |= 1 << (z & 31);
        } else {
          nz[nzAt + (z >> 5)] &= ~(1 << (z & 31));
        }
      } else if (r === 15) {
        k += 15; // ZRL
      } else {
        d.eobrun = 1 << r; // EOBr: 2^r blocks plus r appended bits, this one included
        if (r !== 0) {
          d.eobrun += src.getBits(r);
        }
        d.eobrun--;
        break;
      }
    }
    return;
  }
  const p1 = 1 << al;
  const m1 = -1 << al;
  let k = ss;
  if (d.eobrun === 0) {
    for (; k <= se; k++) {
      const rs = src.decode(t);
      let r = rs >> 4;
      let s = rs & 15;
      if (s !== 0) {
        s = src.getBits(1) !== 0 ? p1 : m1; // libjpeg warns when the size is not 1
      } else if (r !== 15) {
        d.eobrun = 1 << r;
        if (r !== 0) {
          d.eobrun += src.getBits(r);
        }
        break; // the rest of the block: the EOB run's
      }
      // Past the nonzero coefficients (a correction bit each) and r zero ones.
      let word = nz[nzAt + (k >> 5)];
      do {
        if (((word >>> (k & 31)) & 1) !== 0) {
          if (src.getBits(1) !== 0) {
            correct(store, at + zslot[k], zslot[k], p1, m1);
          }
        } else if (--r < 0) {
          break; // the zero coefficient that becomes nonzero
        }
        if ((++k & 31) === 0 && k < 64) {
          word = nz[nzAt + (k >> 5)];
        }
      } while (k <= se);
      if (s !== 0) {
        const sl = zslot[k];
        if (sl >= 0) {
          store[at + sl] = s;
        }
        const z = k > 63 ? 63 : k;
        nz[nzAt + (z >> 5)] |= 1 << (z & 31);
      }
    }
  }
  if (d.eobrun > 0) {
    // In an EOB run: a correction bit for each nonzero coefficient left, from k to se, found
    // by their bits, lowest first.
    for (let w = k >> 5; w <= se >> 5 && k <= se; w++) {
      let bits = nz[nzAt + w];
      if (w === k >> 5) {
        bits &= -1 << (k & 31);
      }
      if (w === se >> 5 && (se & 31) !== 31) {
        bits &= (1 << ((se & 31) + 1)) - 1;
      }
      while (bits !== 0) {
        const low = bits & -bits;
        bits ^= low;
        const z = (w << 5) + 31 - Math.clz32(low);
        if (src.getBits(1) !== 0) {
          correct(store, at + zslot[z], zslot[z], p1, m1);
        }
      }
    }
    d.eobrun--;
  }
}

/**
 * A correction bit of 1 on a nonzero coefficient: its magnitude grows by p1, unless that bit
 * is set already. One not kept (sl -1) stays nonzero whatever it becomes.
 */
function correct(store, i, sl, p1, m1) {
  if (sl >= 0) {
    const v = store[i];
    if ((v & p1) === 0) {
      store[i] = v >= 0 ? v + p1 : v + m1;
    }
  }
}

/**
 * At a restart: drop the bits in hand and find the marker; one out of sequence is resolved as
 * libjpeg's jpeg_resync_to_restart does (discard it, skip to the next, or leave it for the
 * segment to read as empty).
 * @param {import('./bits.js').BitReader} src
 * @param {number} expected the restart number due, 0 to 7
 */
function restart(src, expected) {
  src.bits = 0;
  src.hi = 0;
  src.lo = 0;
  let m = src.nextMarker();
  for (;;) {
    let action;
    if (m === 0xD0 + expected) {
      action = 1;
    } else if (m < 0xC0) {
      action = 2;
    } else if (m < 0xD0 || m > 0xD7) {
      action = 3;
    } else if (m === 0xD0 + ((expected + 1) & 7) || m === 0xD0 + ((expected + 2) & 7)) {
      action = 3;
    } else if (m === 0xD0 + ((expected - 1) & 7) || m === 0xD0 + ((expected - 2) & 7)) {
      action = 2;
    } else {
      action = 1;
    }
    if (action === 1) {
      src.hitMarker = false;
      src.insufficient = false;
      return;
    }
    if (action === 3) {
      src.pos -= 2; // left unread: the segment decodes as empty, the marker is met again
      src.hitMarker = true;
      return;
    }
    m = src.nextMarker();
  }
}

/**
 * A scan's MCUs across and down: a non-interleaved scan's are its component's own blocks.
 * @param {import('./markers.js').Frame} f
 * @param {number[]} comps the scan's components
 * @returns {[number, number]}
 */
function scanMcus(f, comps) {
  if (comps.length === 1) {
    const c = comps[0];
    return [Math.floor((Math.floor((f.width * f.compH[c] + f.hmax - 1) / f.hmax) + 7) / 8),
      Math.floor((Math.floor((f.height * f.compV[c] + f.vmax - 1) / f.vmax) + 7) / 8)];
  }
  return [Math.floor((f.width + 8 * f.hmax - 1) / (8 * f.hmax)),
    Math.floor((f.height + 8 * f.vmax - 1) / (8 * f.vmax))];
}

/** Thrown by skipPlainData where a scan's data is not plain (JpegDc.plain()). */
export const NOT_PLAIN = Object.freeze({ notPlain: true });

/**
 * A scan's data skipped for JpegDc.plain(): up to its end marker, which must come before the
 * file ends, with exactly the restart markers its restart interval asks for between, RST0 to
 * RST7 in turn (so that libjpeg never resynchronises); NOT_PLAIN otherwise.
 * @param {import('./reader.js').JpegDc} d
 * @param {number[]} comps the scan's components
 */
export function skipPlainData(d, comps) {
  const src = d.src;
  const ri = d.f.restartInterval;
  const [mcusX, mcusY] = scanMcus(d.f, comps);
  const restarts = ri > 0 ? Math.ceil((mcusX * mcusY) / ri) - 1 : 0;
  for (let n = 0; ; n++) {
    let m;
    try {
      m = src.nextMarker();
    } catch {
      throw NOT_PLAIN; // the file ends in the scan: whether libjpeg wants more depends on the data
    }
    if (m < 0xD0 || m > 0xD7) {
      if (n !== restarts) {
        throw NOT_PLAIN;
      }
      src.pos -= 2; // as skipEntropyData
      return;
    }
    if (n >= restarts || m !== 0xD0 + (n & 7)) {
      throw NOT_PLAIN;
    }
  }
}

/** A scan not decoded (a progressive AC scan the route does not need): up to its end marker. */
export function skipEntropyData(src) {
  for (;;) {
    const m = src.nextMarker();
    if (m < 0xD0 || m > 0xD7) {
      src.pos -= 2; // leave the marker (its last fill byte and code) for the segment loop
      return;
    }
  }
}
