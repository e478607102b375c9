/**
 * zlib's inflate() (inflate.c, inflate_table in inftrees.c), written out so that png.js can
 * read a PNG's image data exactly as Pillow's zip decoder (ZipDecode.c) does when it calls
 * zlib one row at a time.
 *
 * Hand-written because no library gives the answers Pillow gives on damaged data. fast-png
 * inflates with fflate, which checks no Adler-32 (it drops the last four bytes of the data),
 * fails on a stream that ends early instead of handing back the rows it had, and decodes
 * every byte it is given, so it reports damage that zlib, stopping once the last row is
 * full, never reads. What Pillow accepts hangs on when zlib returns: it stops when the row
 * buffer is full and the next code needs output, when the piece of input Pillow gave it is
 * used up, at an error, or at the stream's end (only after the Adler-32 matched). This
 * decoder runs over the whole of the image data in one loop and calls its host at exactly
 * those points (needInput, needOutput), so the host (png.js) can do what Pillow does when
 * zlib returns; it pulls input a byte at a time as zlib does, and reports zlib's own error
 * messages, the ones the Java library shows (java.util.zip.Inflater is zlib).
 *
 * The window is the whole output (Pillow inflates one stream with zlib's 32 KB window, so
 * "invalid distance too far back" is a distance beyond the bytes written so far).
 * Browser-safe: Uint8Array only.
 */

const LBASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99,
  115, 131, 163, 195, 227, 258];
const LEXT = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DBASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025,
  1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
const DEXT = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12,
  12, 13, 13];
/** The order code length code lengths come in (RFC 1951, 3.2.7). */
const ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];
/** A table entry's symbol for "no code here" (zlib's invalid code marker, op 64). */
const INVALID = 0xfff;
const CODES = 0;
const LENS = 1;
const DISTS = 2;

/** What stopped the decoder: its host asked it to, or zlib would leave the stream so. */
export const STOPPED = 'stopped';
/** The stream ended and its Adler-32 matched (zlib's Z_STREAM_END). */
export const ENDED = 'ended';
/** The header asks for a preset dictionary: zlib's Z_NEED_DICT, from which it never moves on. */
export const NEEDS_DICTIONARY = 'needs dictionary';

/** zlib's Z_DATA_ERROR: the message is zlib's strm->msg. */
export class InflateError extends Error {}

/** Thrown by the byte and output steps when the host stops the decoder. */
const STOP = Symbol('stop');

/**
 * A canonical Huffman code's lookup table, as zlib's inflate_table accepts or refuses it:
 * entries (symbol << 4) | length, indexed by the next `bits` input bits (LSB first).
 *
 * @returns {{table: Uint32Array, bits: number} | null} null where zlib refuses the lengths
 */
function buildTable(lens, type) {
  const count = new Uint16Array(16);
  for (const len of lens) count[len]++;
  let max = 15;
  while (max >= 1 && count[max] === 0) max--;
  if (max === 0) { // no codes at all: a table that makes decoding report an error
    return { table: Uint32Array.of((INVALID << 4) | 1, (INVALID << 4) | 1), bits: 1 };
  }
  let left = 1;
  for (let len = 1; len <= 15; len++) {
    left = left * 2 - count[len];
    if (left < 0) return null; // over-subscribed
  }
  if (left > 0 && (type === CODES || max !== 1)) return null; // incomplete
  const table = new Uint32Array(1 << max).fill((INVALID << 4) | 1);
  const next = new Uint16Array(16);
  for (let len = 1, code = 0; len <= 15; len++) {
    code = (code + count[len - 1]) << 1;
    next[len] = code;
  }
  for (let sym = 0; sym < lens.length; sym++) {
    const len = lens[sym];
    if (len === 0) continue;
    let code = next[len]++;
    let rev = 0;
    for (let i = 0; i < len; i++) {
      rev = (rev << 1) | (code & 1);
      code >>= 1;
    }
    for (let i = rev; i < table.length; i += 1 << len) table[i] = (sym << 4) | len;
  }
  return { table, bits: max };
}

let fixed = null;

function fixedTables() {
  if (fixed === null) {
    const lens = new Uint8Array(288);
    lens.fill(8, 0, 144);
    lens.fill(9, 144, 256);
    lens.fill(7, 256, 280);
    lens.fill(8, 280, 288);
    fixed = { lit: buildTable(lens, LENS), dist: buildTable(new Uint8Array(32).fill(5), DISTS) };
  }
  return fixed;
}

function adler32(bytes, end) {
  let a = 1;
  let b = 0;
  for (let i = 0; i < end;) {
    const stop = Math.min(end, i + 3800); // sums stay below 2^31 between reductions
    for (; i < stop; i++) {
      a += bytes[i];
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/**
 * One zlib stream (RFC 1950 wrapper), inflated into `out` from `input[0..]`.
 *
 * The host owns the limits: `end`, how far into `input` the decoder may read before calling
 * host.needInput(inflater) (which returns false to stop, or raises `end`), and `outEnd`, how
 * far into `out` it may write before calling host.needOutput(inflater) (which returns false
 * to stop, or raises `outEnd`). Each call to either is one return from zlib's inflate().
 */
export class Inflater {
  /**
   * @param {Uint8Array} input all of the compressed data
   * @param {Uint8Array} out where the output goes; its bytes before `o` are the window
   * @param {{needInput(i: Inflater): boolean, needOutput(i: Inflater): boolean}} host
   */
  constructor(input, out, host) {
    this.input = input;
    this.out = out;
    this.host = host;
    this.pos = 0;
    this.end = 0;
    this.o = 0;
    this.outEnd = 0;
    this.hold = 0;
    this.bits = 0;
  }

  /**
   * Inflates until the host stops it, the stream ends, or zlib would fail.
   *
   * @returns {string} STOPPED, ENDED or NEEDS_DICTIONARY
   * @throws {InflateError} with zlib's message where zlib returns Z_DATA_ERROR
   */
  run() {
    try {
      this.header();
      let last = 0;
      do {
        last = this.need(1);
        this.drop(1);
        const type = this.need(2);
        this.drop(2);
        if (type === 0) this.stored();
        else if (type === 1) this.codes(fixedTables().lit, fixedTables().dist);
        else if (type === 2) this.dynamic();
        else throw new InflateError('invalid block type');
      } while (!last);
      this.hold >>>= this.bits & 7; // BYTEBITS
      this.bits -= this.bits & 7;
      const check = this.bytes(4);
      if (check !== adler32(this.out, this.o)) throw new InflateError('incorrect data check');
      return ENDED;
    } catch (e) {
      if (e === STOP) return STOPPED;
      if (e === NEEDS_DICTIONARY) return NEEDS_DICTIONARY;
      throw e;
    }
  }

  /** The next input byte, as zlib's PULLBYTE takes it (the host is asked at the piece's end). */
  pull() {
    if (this.pos >= this.end && !this.host.needInput(this)) throw STOP;
    this.hold |= this.input[this.pos++] << this.bits;
    this.bits += 8;
  }

  /** zlib's NEEDBITS(n) then BITS(n) (n <= 16): the next n bits, not yet dropped. */
  need(n) {
    while (this.bits < n) this.pull();
    return this.hold & ((1 << n) - 1);
  }

  drop(n) {
    this.hold >>>= n;
    this.bits -= n;
  }

  /** A whole-byte big-endian value of `count` bytes (count <= 4) read after BYTEBITS. */
  bytes(count) {
    let v = 0;
    for (let i = 0; i < count; i++) v = v * 256 + this.need(8), this.drop(8);
    return v;
  }

  /** The next symbol of a table: as many bytes pulled as its code needs, as zlib does. */
  symbol(t) {
    let peek = this.hold;
    if (this.bits < t.bits) {
      peek |= (this.input[this.pos] << this.bits) | (this.input[this.pos + 1] << (this.bits + 8));
    }
    const e = t.table[peek & ((1 << t.bits) - 1)];
    const len = e & 15;
    while (this.bits < len) this.pull();
    this.drop(len);
    return e >>> 4;
  }

  /** One output byte, the host asked for room first when the row is full. */
  put(byte) {
    if (this.o >= this.outEnd && !this.host.needOutput(this)) throw STOP;
    this.out[this.o++] = byte;
  }

  header() {
    const h = this.need(16);
    if ((((h & 0xff) << 8) | (h >>> 8)) % 31) throw new InflateError('incorrect header check');
    if ((h & 0x0f) !== 8) throw new InflateError('unknown compression method');
    if (((h >>> 4) & 0x0f) + 8 > 15) throw new InflateError('invalid window size');
    this.drop(16);
    if (h & 0x2000) { // FDICT: zlib reads the dictionary's id, then waits for a dictionary
      this.need(16);
      this.drop(16);
      this.need(16);
      this.drop(16);
      throw NEEDS_DICTIONARY;
    }
  }

  stored() {
    this.hold >>>= this.bits & 7;
    this.bits -= this.bits & 7;
    const a = this.need(16);
    this.drop(16);
    const b = this.need(16);
    this.drop(16);
    if (a !== (b ^ 0xffff)) throw new InflateError('invalid stored block lengths');
    let length = a;
    while (length > 0) {
      if (this.o >= this.outEnd && !this.host.needOutput(this)) throw STOP;
      if (this.pos >= this.end && !this.host.needInput(this)) throw STOP;
      const n = Math.min(length, this.end - this.pos, this.outEnd - this.o);
      this.out.set(this.input.subarray(this.pos, this.pos + n), this.o);
      this.pos += n;
      this.o += n;
      length -= n;
    }
  }

  dynamic() {
    const nlen = this.need(5) + 257;
    this.drop(5);
    const ndist = this.need(5) + 1;
    this.drop(5);
    const ncode = this.need(4) + 4;
    this.drop(4);
    if (nlen > 286 || ndist > 30) throw new InflateError('too many length or distance symbols');
    const codeLens = new Uint8Array(19);
    for (let i = 0; i < ncode; i++) {
      codeLens[ORDER[i]] = this.need(3);
      this.drop(3);
    }
    const codes = buildTable(codeLens, CODES);
    if (codes === null) throw new InflateError('invalid code lengths set');
    const lens = new Uint8Array(nlen + ndist);
    for (let have = 0; have < lens.length;) {
      let sym = this.symbol(codes);
      if (sym === INVALID) sym = 0; // zlib reads lengths from an empty code as 0, one bit each
      if (sym < 16) {
        lens[have++] = sym;
        continue;
      }
      let len = 0;
      let copy;
      if (sym === 16) { // zlib pulls the repeat's bits before it looks for a length to repeat
        copy = 3 + this.need(2);
        if (have === 0) throw new InflateError('invalid bit length repeat');
        this.drop(2);
        len = lens[have - 1];
      } else if (sym === 17) {
        copy = 3 + this.need(3);
        this.drop(3);
      } else {
        copy = 11 + this.need(7);
        this.drop(7);
      }
      if (have + copy > lens.length) throw new InflateError('invalid bit length repeat');
      lens.fill(len, have, have + copy);
      have += copy;
    }
    if (lens[256] === 0) throw new InflateError('invalid code -- missing end-of-block');
    const lit = buildTable(lens.subarray(0, nlen), LENS);
    if (lit === null) throw new InflateError('invalid literal/lengths set');
    const dist = buildTable(lens.subarray(nlen), DISTS);
    if (dist === null) throw new InflateError('invalid distances set');
    this.codes(lit, dist);
  }

  /** A compressed block's codes up to its end-of-block (zlib's LEN ... MATCH states). */
  codes(lit, dist) {
    for (;;) {
      if (this.end - this.pos >= 8 && this.outEnd - this.o >= 258 && this.fast(lit, dist)) return;
      const sym = this.symbol(lit);
      if (sym < 256) {
        this.put(sym);
        continue;
      }
      if (sym === 256) return;
      if (sym > 285) throw new InflateError('invalid literal/length code');
      const li = sym - 257;
      let length = LBASE[li];
      if (LEXT[li]) {
        length += this.need(LEXT[li]);
        this.drop(LEXT[li]);
      }
      const ds = this.symbol(dist);
      if (ds > 29) throw new InflateError('invalid distance code');
      let d = DBASE[ds];
      if (DEXT[ds]) {
        d += this.need(DEXT[ds]);
        this.drop(DEXT[ds]);
      }
      while (length > 0) { // zlib's MATCH: room first, then the distance check
        if (this.o >= this.outEnd && !this.host.needOutput(this)) throw STOP;
        if (d > this.o) throw new InflateError('invalid distance too far back');
        const n = Math.min(length, this.outEnd - this.o);
        const out = this.out; // the host may have given a new buffer
        let o = this.o;
        if (d >= n) {
          out.copyWithin(o, o - d, o - d + n);
          o += n;
        } else {
          for (let k = 0; k < n; k++, o++) out[o] = out[o - d];
        }
        this.o = o;
        length -= n;
      }
    }
  }
}

/**
 * zlib's inflate_fast: codes decoded with the state in locals while a whole literal, or
 * length and distance (at most 48 bits), is sure to be within the piece and 258 bytes of room
 * are left, so neither host call can fall inside; bytes are pulled ahead and the unused whole
 * ones handed back at the end, which leaves the state the byte-at-a-time steps would have.
 *
 * @returns {boolean} whether the block's end-of-block code was read
 */
Inflater.prototype.fast = function fast(lit, dist) {
  const input = this.input;
  const out = this.out;
  const lt = lit.table;
  const lmask = (1 << lit.bits) - 1;
  const dt = dist.table;
  const dmask = (1 << dist.bits) - 1;
  const inEnd = this.end - 8;
  const outEnd = this.outEnd - 258;
  let { hold, bits, pos, o } = this;
  let ended = false;
  try {
    while (pos <= inEnd && o <= outEnd) {
      if (bits < 15) {
        hold |= (input[pos] << bits) | (input[pos + 1] << (bits + 8));
        pos += 2;
        bits += 16;
      }
      let e = lt[hold & lmask];
      let len = e & 15;
      hold >>>= len;
      bits -= len;
      const sym = e >>> 4;
      if (sym < 256) {
        out[o++] = sym;
        continue;
      }
      if (sym === 256) {
        ended = true;
        break;
      }
      if (sym > 285) throw new InflateError('invalid literal/length code');
      const li = sym - 257;
      let length = LBASE[li];
      const lx = LEXT[li];
      if (lx) {
        if (bits < lx) {
          hold |= input[pos++] << bits;
          bits += 8;
        }
        length += hold & ((1 << lx) - 1);
        hold >>>= lx;
        bits -= lx;
      }
      if (bits < 15) {
        hold |= (input[pos] << bits) | (input[pos + 1] << (bits + 8));
        pos += 2;
        bits += 16;
      }
      e = dt[hold & dmask];
      len = e & 15;
      hold >>>= len;
      bits -= len;
      const ds = e >>> 4;
      if (ds > 29) throw new InflateError('invalid distance code');
      let d = DBASE[ds];
      const dx = DEXT[ds];
      if (dx) {
        while (bits < dx) {
          hold |= input[pos++] << bits;
          bits += 8;
        }
        d += hold & ((1 << dx) - 1);
        hold >>>= dx;
        bits -= dx;
      }
      if (d > o) throw new InflateError('invalid distance too far back');
      if (d >= length) {
        out.copyWithin(o, o - d, o - d + length);
        o += length;
      } else {
        for (let k = 0; k < length; k++, o++) out[o] = out[o - d];
      }
    }
  } finally {
    const back = bits >> 3; // whole bytes pulled ahead go back to the input
    pos -= back;
    bits -= back << 3;
    this.hold = hold & ((1 << bits) - 1);
    this.bits = bits;
    this.pos = pos;
    this.o = o;
  }
  return ended;
};

/**
 * A text chunk's zlib data as Python's zlib.decompressobj().decompress gives it: the output
 * up to the stream's end, or up to where the data runs out (no error for that).
 *
 * @param {Uint8Array} data
 * @returns {Uint8Array}
 * @throws {InflateError} where zlib.error would be raised
 */
export function inflateText(data) {
  let out = new Uint8Array(Math.max(64, data.length * 4));
  const host = {
    needInput: () => false,
    needOutput: (inf) => {
      const bigger = new Uint8Array(out.length * 2);
      bigger.set(out);
      out = bigger;
      inf.out = bigger;
      inf.outEnd = bigger.length;
      return true;
    },
  };
  const inf = new Inflater(data, out, host);
  inf.end = data.length;
  inf.outEnd = out.length;
  const status = inf.run();
  if (status === NEEDS_DICTIONARY) throw new InflateError('need dictionary');
  return inf.out.subarray(0, inf.o);
}
