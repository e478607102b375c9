/**
 * A JPEG's bytes as libjpeg-turbo reads them: markers (jdmarker.c next_marker, fill bytes
 * skipped) and entropy-coded data through jdhuff.c's bit buffer: jpeg_fill_bit_buffer (57
 * bits, up to a marker; suspending where the bytes Pillow has handed over end),
 * decode_mcu_fast's FILL_BIT_BUFFER_FAST (six bytes at a time), GET_BITS and HUFF_DECODE with
 * its 8-bit lookahead. When a fill happens decides where a cut file is truncated, so every
 * fill is where libjpeg-turbo makes it.
 *
 * A hand port of the Java library's JpegDc (its bit and marker part): no JavaScript library
 * decodes a JPEG at reduced scale as libjpeg-turbo does (jpeg-js differs by 2 to 8 levels). Java's
 * 64-bit bit buffer is two 32-bit halves here. A marker segment's byte past the file's end is
 * libjpeg's suspension (at(): a truncated picture); OUT_OF_RANGE stands for the Java's array
 * failures that remain possible (none on the fast path's reads, guarded as Java's are).
 */

import { PictureError } from '../errors.js';
import { LOOKAHEAD } from './tables.js';

/**
 * Thrown where the Java fails on an array (ArrayIndexOutOfBounds-, NegativeArraySizeException),
 * which it reports as a segment running past its end.
 */
export const OUT_OF_RANGE = Object.freeze({ outOfRange: true });
/** libjpeg suspended: it wants bytes Pillow has not handed it yet. */
export const SUSPENDED = Object.freeze({ suspended: true });

/**
 * @param {string} name the picture's name
 * @returns {PictureError} libjpeg's "data ends before the picture is whole", as Pillow reports it
 */
export function truncated(name) {
  return new PictureError(name, 'truncated picture');
}

/**
 * @param {string} name the picture's name
 * @param {string} why what libjpeg found wrong
 * @returns {PictureError}
 */
export function corrupt(name, why) {
  return new PictureError(name, `unreadable picture (corrupt JPEG data: ${why})`);
}

/** The file's bytes, where the reader is, and the entropy decoder's bit buffer. */
export class BitReader {
  /**
   * @param {Uint8Array} bytes the whole file
   * @param {string} name names the picture in refusals
   */
  constructor(bytes, name) {
    this.b = bytes;
    this.name = name;
    /** The next byte to read. */
    this.pos = 0;
    // The bits not yet used, right-aligned in the 64-bit buffer hi:lo; bits of them count.
    this.hi = 0;
    this.lo = 0;
    this.bits = 0;
    /** The data met a marker: no more bytes until the scan's decoder moves past it. */
    this.hitMarker = false;
    /** libjpeg's "premature end of data segment": zero bits handed out since. */
    this.insufficient = false;
    /** Some block of this scan got zero bits for want of data. */
    this.ranOut = false;
    // A buffered scan (see JpegDc): the bytes Pillow has handed libjpeg end at fed; fast: the
    // MCU in hand is on decode_mcu_fast's path, which met a marker when fastMetMarker.
    this.buffered = false;
    this.fed = 0;
    this.fast = false;
    this.fastMetMarker = false;
  }

  /**
   * Byte i of a marker segment, read as jdmarker.c's INPUT_BYTE reads it: past the file's end
   * libjpeg suspends, which Pillow reports as a truncated picture.
   */
  at(i) {
    if (i >= this.b.length) {
      throw truncated(this.name);
    }
    return this.b[i];
  }

  /** The big-endian 16-bit value at i. */
  u16(i) {
    return (this.at(i) << 8) | this.at(i + 1);
  }

  /** The next marker's code, skipping any bytes before it and fill bytes, as libjpeg does. */
  nextMarker() {
    const b = this.b;
    const n = b.length;
    for (;;) {
      let pos = b.indexOf(0xFF, this.pos); // the bytes before a marker: skipped, as libjpeg does
      if (pos < 0) {
        pos = n;
      }
      while (pos < n && b[pos] === 0xFF) {
        pos++;
      }
      if (pos >= n) {
        this.pos = pos;
        throw truncated(this.name);
      }
      const m = b[pos++];
      this.pos = pos;
      if (m !== 0) {
        return m;
      }
    }
  }

  /** A scan's start: an empty bit buffer, no marker met. */
  reset() {
    this.hi = 0;
    this.lo = 0;
    this.bits = 0;
    this.hitMarker = false;
    this.insufficient = false;
  }

  /** Appends byte c below the bits in hand. */
  push(c) {
    this.hi = (this.hi << 8) | (this.lo >>> 24);
    this.lo = (this.lo << 8) | c;
  }

  /** n bits (1 to 16) of the buffer, the lowest at bit off. */
  peek(off, n) {
    const mask = (1 << n) - 1;
    if (off >= 32) {
      return (this.hi >>> (off - 32)) & mask;
    }
    if (off + n <= 32) {
      return (this.lo >>> off) & mask;
    }
    return ((this.lo >>> off) | (this.hi << (32 - off))) & mask;
  }

  /**
   * libjpeg-turbo's jpeg_fill_bit_buffer: at least 57 bits, up to a marker; data that ends
   * first suspends the decoder, which Pillow reports as a truncated file.
   */
  fill() {
    const b = this.b;
    const end = this.fedEnd();
    while (this.bits < 57 && !this.hitMarker) {
      if (this.pos >= end) {
        this.suspend(this.pos);
      }
      const c = b[this.pos];
      if (c === 0xFF) {
        let q = this.pos + 1;
        while (q < b.length && b[q] === 0xFF) {
          q++;
        }
        if (q >= end) {
          this.suspend(q);
        }
        if (b[q] !== 0) {
          this.hitMarker = true; // pos stays on the marker
          return;
        }
        this.pos = q + 1;
      } else {
        this.pos++;
      }
      this.push(c);
      this.bits += 8;
    }
  }

  /** libjpeg wants the byte at: past the file's end that is truncation, else a suspension. */
  suspend(at) {
    if (at >= this.b.length) {
      throw truncated(this.name);
    }
    throw SUSPENDED;
  }

  /** Where the bytes libjpeg has in hand end: the file's end but in a buffered scan. */
  fedEnd() {
    return this.buffered ? this.fed : this.b.length;
  }

  /** decode_mcu_fast's FILL_BIT_BUFFER_FAST: six bytes when 16 bits or fewer are left. */
  fillFast() {
    if (this.bits > 16) {
      return;
    }
    const b = this.b;
    for (let i = 0; i < 6; i++) {
      if (this.pos + 1 >= b.length) {
        throw OUT_OF_RANGE;
      }
      const c0 = b[this.pos++];
      const c1 = b[this.pos];
      this.push(c0);
      this.bits += 8;
      if (c0 === 0xFF) {
        this.pos++;
        if (c1 !== 0) {
          this.fastMetMarker = true; // backed out: a zero byte in its place
          this.pos -= 2;
          this.lo &= ~0xFF;
        }
      }
    }
  }

  /** The extra bits after a Huffman code (GET_BITS, after FILL_BIT_BUFFER_FAST on the fast path). */
  extraBits(n) {
    if (this.fast) {
      this.fillFast();
    }
    return this.getBits(n);
  }

  /** GET_BITS: the next n bits (1 to 16). */
  getBits(n) {
    if (this.bits < n) {
      this.refill(n);
    }
    this.bits -= n;
    return this.peek(this.bits, n);
  }

  /** getBits's fill: at a marker, zero bits where data is missing. */
  refill(n) {
    this.fill();
    if (this.bits < n) {
      if (!this.hitMarker) {
        throw truncated(this.name);
      }
      this.insufficient = true; // libjpeg: "premature end of data segment", zero bits
      this.ranOut = true;
      const k = n - this.bits; // 1 to 16: the buffer shifted left by k, zeros in
      this.hi = (this.hi << k) | (this.lo >>> (32 - k));
      this.lo <<= k;
      this.bits = n;
    }
  }

  /**
   * libjpeg-turbo's HUFF_DECODE: fill below 8 bits, an 8-bit lookahead, else the code bit by
   * bit from at least 9 bits (1 where fewer than 8 are left); when it fills matters, because a
   * fill that meets the end of the data suspends.
   * @param {import('./tables.js').Huffman} t
   * @returns {number} the symbol
   */
  decode(t) {
    if (this.fast) {
      this.fillFast();
    } else if (this.bits < LOOKAHEAD) {
      this.fill();
    }
    if (this.bits >= LOOKAHEAD) {
      const e = t.lookup[this.peek(this.bits - LOOKAHEAD, LOOKAHEAD)];
      if (e !== 0) {
        this.bits -= e >> 8;
        return e & 0xFF;
      }
      return this.decodeLong(t, LOOKAHEAD + 1);
    }
    return this.decodeLong(t, 1);
  }

  /** HUFF_DECODE past the lookahead: the code bit by bit from `first` bits. */
  decodeLong(t, first) {
    let l = first;
    let code = this.getBits(l);
    while (l <= 16 && code > t.maxcode[l]) {
      code = (code << 1) | this.getBits(1);
      l++;
    }
    if (l > 16) {
      return 0; // libjpeg: "corrupt JPEG data: bad Huffman code", a zero in its place
    }
    return t.symbols[(code + t.valoffset[l]) & 0xFF];
  }
}
