/**
 * PNG files to the 8-bit grey or RGB pixels python.data.decode.decode_pixels returns, before
 * EXIF orientation (pngOrientation gives that), refusing the files Python refuses.
 *
 * The chunks are read as Pillow 13's PngImagePlugin reads them with LOAD_TRUNCATED_IMAGES off,
 * and as the Java library's PngChunks reads them (its refusals' wording is used here):
 * - before the image, every chunk needs a type of four word characters, all its data and a
 *   correct CRC, and passes the checks of Pillow's handler for its type; no IHDR, or one of an
 *   unknown depth and colour type, is no picture;
 * - the image data is the run of IDAT (and DDAT, fdAT) chunks that follow one another, their
 *   CRCs unchecked, inflated as Pillow's zip decoder calls zlib (pnginflate.js): one row at a
 *   time, in pieces of at most 64 KB (ImageFile.MAXBLOCK) of each chunk; it ends at the last
 *   row, or where the zlib stream ends at a row boundary (the rows left zero); data that runs
 *   out first is truncated; a zlib error or an unknown filter refuses the file, once the
 *   chunks after the image were read;
 * - after the image, chunks are read up to IEND without CRCs (PngImageFile.load_end): a cut
 *   short header or a bad type ends the file quietly, a chunk whose data is cut short, or one
 *   its handler refuses, refuses it; a tRNS or eXIf there still counts, as in Pillow;
 * - then colour by the rules of python/data/colour.py (pngpixels.js); the EXIF Pillow reads
 *   (exif.js) refuses the file where Pillow cannot parse it.
 * Where Pillow and the Java class part, this follows Pillow: an IDAT before any IHDR of a
 * known mode is skipped, APNG's fcTL and fdAT are checked, a PLTE of more than 256 entries or
 * a tRNS of more than 256 alphas refuses, and so does EXIF Pillow cannot parse.
 *
 * Hand-written: the chunk walk and the CRCs before the image, which no decoder reads as Pillow
 * does, and the rest too, because fast-png answers differently from Pillow wherever the data
 * is damaged (see pnginflate.js) and mis-sizes the Adam7 passes of 1, 2 and 4-bit pictures.
 * Browser-safe: Uint8Array and DataView only.
 */

import { PictureError } from './errors.js';
import { ENDED, InflateError, Inflater, inflateText, NEEDS_DICTIONARY } from './pnginflate.js';
import { ExifError, latin1, orientationOf } from './exif.js';
import { colourOf, MODES, rowPlan, SAMPLES, unfilter, unpackRow } from './pngpixels.js';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** ImageFile.MAXBLOCK: Pillow hands the decoder each chunk's data in pieces this long. */
const PIECE = 65536;
/** Text keys whose values Pillow's getexif reads. */
const EXIF_KEYS = new Set(['exif', 'Raw profile type exif', 'XML:com.adobe.xmp', 'xmp']);
const TRUNCATED = 'truncated picture';
const CRC_TABLE = new Int32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});

/** Whether the bytes start with PNG's signature. */
export function isPng(bytes) {
  return bytes.length >= 8 && SIGNATURE.every((c, i) => bytes[i] === c);
}

function crc32(b, start, end) {
  let c = -1;
  for (let i = start; i < end; i++) c = CRC_TABLE[(c ^ b[i]) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

function utf8(bytes) {
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

/** One PNG's chunks, read as Pillow reads them; one instance reads one file. */
class PngChunks {
  constructor(bytes, name) {
    this.b = bytes;
    this.name = name;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
    this.width = 0; // PngStream.im_size and im_mode, as the latest IHDR left them
    this.height = 0;
    this.mode = '';
    this.key = 0; // depth * 10 + colour type of the IHDR that gave the mode
    this.interlaced = false;
    this.palette = null;
    this.transparency = null;
    this.frames = null; // acTL's frame count (im_n_frames)
    this.seq = null; // the last APNG sequence number (_seq_num)
    this.bbox = null;
    this.defaultImage = false;
    this.info = new Map();
    this.image = -1; // the chunk the image data starts in
    this.imageType = '';
  }

  refuse(reason) {
    return new PictureError(this.name, reason);
  }

  notPicture(why) {
    return this.refuse(`not a picture Pillow can read (broken PNG: ${why})`);
  }

  u32(at) {
    return this.view.getUint32(at);
  }

  type(at) {
    return String.fromCharCode(this.b[at], this.b[at + 1], this.b[at + 2], this.b[at + 3]);
  }

  /** Pillow's is_cid: four of [A-Za-z0-9_]. */
  isCid(at) {
    for (let i = at; i < at + 4; i++) {
      const c = this.b[i];
      if (!(c >= 97 && c <= 122 || c >= 65 && c <= 90 || c >= 48 && c <= 57 || c === 95)) return false;
    }
    return true;
  }

  /** PngImageFile._open: the chunks up to the first IDAT (or fdAT), CRCs checked. */
  readHeaders() {
    const b = this.b;
    for (let pos = 8; ;) {
      if (pos + 8 > b.length) throw this.refuse(TRUNCATED); // Pillow: no picture; it ends early
      if (!this.isCid(pos + 4)) throw this.notPicture('no chunk where one should start');
      const type = this.type(pos + 4);
      // chunk_IDAT reads im_rawmode, which only an IHDR of a known mode sets: before one, the
      // AttributeError makes Pillow skip an IDAT as a chunk it does not know (CRC checked).
      if (type === 'IEND' || ((type === 'IDAT' || type === 'fdAT') && this.mode)) {
        if (type === 'fdAT') this.frameData(pos, true);
        if (type !== 'IEND' && this.bbox === null && this.frames !== null) this.defaultImage = true;
        this.image = pos;
        this.imageType = type;
        break;
      }
      const len = this.u32(pos);
      this.handle(pos, true);
      const crcAt = pos + 8 + len;
      if (crcAt + 4 > b.length) throw this.refuse(TRUNCATED);
      if (crc32(b, pos + 4, crcAt) !== this.u32(crcAt)) throw this.notPicture(`bad checksum in ${type}`);
      pos = crcAt + 4;
    }
    if (!this.mode || this.width === 0 || this.height === 0) throw this.notPicture('no usable IHDR');
    // The image is what the header gave; an IHDR after it changes only what later chunks read.
    [this.imageWidth, this.imageHeight, this.imageMode, this.imageKey] = [this.width, this.height, this.mode, this.key];
  }

  /** Whether Pillow takes the file as animated (n_frames > 1): load_end stops at an fcTL. */
  animated() {
    return (this.frames ?? 1) + (this.frames !== null && this.defaultImage ? 1 : 0) > 1;
  }

  /** chunk_fdAT: its length, then its sequence number after the last one. */
  frameData(pos, header) {
    const len = this.u32(pos);
    if (len < 4) throw this.refuse('unreadable picture (APNG contains truncated fDAT chunk)');
    if (pos + 12 > this.b.length) throw this.refuse(TRUNCATED);
    const seq = this.u32(pos + 8);
    if (this.seq === null || this.seq !== seq - 1) {
      throw header ? this.notPicture('fdAT before any image data')
        : this.refuse('unreadable picture (APNG contains frame sequence errors)');
    }
    this.seq = seq;
  }

  /**
   * The checks and effects of Pillow's handler for the chunk at pos, its data all there;
   * header: before the image (open), else after it (load_end).
   */
  handle(pos, header) {
    const b = this.b;
    const len = this.u32(pos);
    const data = pos + 8;
    if (data + len > b.length) throw this.refuse(TRUNCATED);
    const type = this.type(pos + 4);
    const refused = () => this.notPicture(`${type} chunk Pillow refuses`);
    const zero = () => b.subarray(data, data + len).indexOf(0);
    switch (type) {
      case 'IHDR': {
        if (len < 13) throw this.notPicture('IHDR too short');
        this.width = this.u32(data);
        this.height = this.u32(data + 4);
        const key = b[data + 8] * 10 + b[data + 9];
        if (MODES[key] !== undefined) [this.mode, this.key] = [MODES[key][0], key];
        this.interlaced ||= b[data + 12] !== 0;
        if (b[data + 11] !== 0) throw header ? this.notPicture('unknown filter method') : refused();
        return;
      }
      case 'PLTE':
        if (header && this.mode === 'P') this.palette = b.slice(data, data + len);
        return;
      case 'tRNS':
        this.readTransparency(b.subarray(data, data + len), refused);
        return;
      case 'gAMA': if (len < 4) throw refused(); return;
      case 'cHRM': if (len < 32) throw refused(); return;
      case 'sRGB': if (len < 1) throw refused(); return;
      case 'pHYs': if (len < 9) throw refused(); return;
      case 'acTL': {
        if (len < 8) throw refused();
        const n = this.u32(data);
        if (this.frames !== null) this.frames = null; // a second acTL: not animated after all
        else if (n !== 0 && n <= 0x80000000) this.frames = n;
        return;
      }
      case 'fcTL': this.frameControl(pos, header, refused); return;
      case 'fdAT': this.frameData(pos, header); return; // in the header: before an IHDR
      case 'zTXt': {
        const z = zero();
        if (z >= 0 && z + 1 < len && b[data + z + 1] !== 0) throw refused();
        const k = z < 0 ? b.subarray(data, data + len) : b.subarray(data, data + z);
        if (k.length) this.text(k, z < 0 ? new Uint8Array(0) : b.subarray(data + z + 2, data + len), 'zTXt');
        return;
      }
      case 'iCCP': {
        const method = zero() + 1;
        if (method >= len || b[data + method] !== 0) throw refused();
        return;
      }
      case 'tEXt': {
        const z = zero();
        const k = z < 0 ? b.subarray(data, data + len) : b.subarray(data, data + z);
        if (k.length) this.text(k, z < 0 ? new Uint8Array(0) : b.subarray(data + z + 1, data + len), 'tEXt');
        return;
      }
      case 'iTXt': this.internationalText(b.subarray(data, data + len)); return;
      case 'eXIf': {
        const exif = new Uint8Array(len + 6);
        exif.set([0x45, 0x78, 0x69, 0x66, 0, 0]);
        exif.set(b.subarray(data, data + len), 6);
        this.info.set('exif', { bytes: exif });
        return;
      }
      default:
    }
  }

  /** chunk_tRNS, with the mode the latest IHDR gave. */
  readTransparency(s, refused) {
    const mode = this.mode;
    if (mode === 'P') {
      const z = s.indexOf(0);
      let simple = z >= 0;
      for (let i = 0; simple && i < s.length; i++) {
        // _simple_palette: ^\xff*\x00\xff*$, where $ also matches before a final newline
        simple = i === z || s[i] === 0xff || (i === s.length - 1 && s[i] === 0x0a && i > z);
      }
      this.transparency = simple ? { mode, index: z } : { mode, alphas: s.slice() };
    } else if (mode === '1' || mode === 'L' || mode === 'I;16' || mode === 'RGB') {
      if (s.length < (mode === 'RGB' ? 6 : 2)) throw refused();
      const u16 = (i) => (s[i] << 8) | s[i + 1];
      this.transparency = { mode, key: mode === 'RGB' ? [u16(0), u16(2), u16(4)] : [u16(0)] };
    }
  }

  /** chunk_fcTL: its length, sequence number and frame inside the picture. */
  frameControl(pos, header, refused) {
    const len = this.u32(pos);
    const data = pos + 8;
    if (len < 26) throw refused();
    const seq = this.u32(data);
    if ((this.seq === null && seq !== 0) || (this.seq !== null && this.seq !== seq - 1)) {
      throw header ? this.notPicture('APNG frame out of sequence')
        : this.refuse('unreadable picture (APNG contains frame sequence errors)');
    }
    this.seq = seq;
    const [w, h, x, y] = [this.u32(data + 4), this.u32(data + 8), this.u32(data + 12), this.u32(data + 16)];
    if (x + w > this.width || y + h > this.height) {
      throw header ? this.notPicture('APNG frame outside the picture')
        : this.refuse('unreadable picture (APNG contains invalid frames)');
    }
    this.bbox = [x, y, w, h];
  }

  /** chunk_tEXt and chunk_zTXt's effect on the info getexif reads (other keys are not kept). */
  text(k, v, type) {
    const key = latin1(k);
    if (!EXIF_KEYS.has(key)) return;
    if (type === 'tEXt') {
      this.info.set(key, key === 'exif' ? { bytes: v.slice() } : { text: latin1(v) });
      return;
    }
    let plain;
    try {
      plain = inflateText(v);
    } catch (e) {
      if (!(e instanceof InflateError)) throw e;
      plain = new Uint8Array(0); // zlib.error: Pillow keeps an empty text
    }
    this.info.set(key, { text: latin1(plain) });
  }

  /** chunk_iTXt's effect on the info getexif reads. */
  internationalText(s) {
    const z = s.indexOf(0);
    if (z < 0 || s.length - z - 1 < 2) return;
    const key = latin1(s.subarray(0, z));
    if (!EXIF_KEYS.has(key)) return;
    const [compressed, method] = [s[z + 1], s[z + 2]];
    const r = s.subarray(z + 3);
    const z1 = r.indexOf(0);
    const z2 = z1 < 0 ? -1 : r.indexOf(0, z1 + 1);
    if (z2 < 0) return;
    let v = r.subarray(z2 + 1);
    if (compressed !== 0) {
      if (method !== 0) return;
      try {
        v = inflateText(v);
      } catch (e) {
        if (!(e instanceof InflateError)) throw e;
        return;
      }
    }
    if (key === 'XML:com.adobe.xmp') this.info.set('xmp', { bytes: v.slice() });
    try {
      utf8(r.subarray(0, z1));
      utf8(r.subarray(z1 + 1, z2));
      this.info.set(key, { text: utf8(v) });
    } catch {
      // Pillow keeps no text that is not UTF-8
    }
  }

  /** PngImageFile.load_end: the chunks after the image's last chunk, up to IEND. */
  readAfterImage(pos) {
    const b = this.b;
    const animated = this.animated();
    while (pos + 8 <= b.length && this.isCid(pos + 4)) {
      const type = this.type(pos + 4);
      if (type === 'IEND' || (type === 'fcTL' && animated)) return;
      this.handle(pos, false);
      pos += 12 + this.u32(pos);
    }
  }

  /** The run of image data chunks from the first, as load_read follows it: [pos, data, length]. */
  imageRun() {
    const b = this.b;
    const run = [];
    for (let pos = this.image; ;) {
      const len = this.u32(pos);
      const skip = this.type(pos + 4) === 'fdAT' ? 4 : 0;
      run.push({ pos, type: this.type(pos + 4), data: pos + 8 + skip, length: Math.max(0, len - skip) });
      pos += 12 + len;
      if (pos + 8 > b.length || !this.isCid(pos + 4) || !['IDAT', 'DDAT', 'fdAT'].includes(this.type(pos + 4))) {
        return run;
      }
    }
  }
}

/**
 * ImageFile.load of the PNG: the image data inflated and unpacked as Pillow's zip decoder
 * does, then load_end's chunks. Returns the unpacked samples.
 */
function loadImage(png) {
  const b = png.b;
  if (png.imageType === 'IEND') throw png.notPicture('IEND before any image data');
  if (png.imageMode === 'P' && png.palette !== null && Math.floor(png.palette.length / 3) > 256) {
    throw png.refuse('unreadable picture (invalid palette size)');
  }
  const [ox, oy, w, h] = png.bbox ?? [0, 0, png.imageWidth, png.imageHeight];
  if (w <= 0 || h <= 0) throw png.refuse('unreadable picture (tile cannot extend outside image)');
  const bits = MODES[png.imageKey][1];
  const plan = rowPlan(w, h, bits, png.interlaced);
  const count = png.imageWidth * png.imageHeight;
  const mode = png.imageMode;
  const px = mode === 'I;16' ? new Uint16Array(count) : new Uint8Array(count * SAMPLES[mode]);
  const run = png.imageRun();
  const segments = [];
  let size = 0;
  for (const c of run) { // what the file holds of each chunk's data, end to end
    const got = Math.max(0, Math.min(c.length, b.length - c.data));
    segments.push({ ...c, start: size, end: size + got, cut: got < c.length });
    size += got;
  }
  let input;
  if (segments.length === 1) {
    input = b.subarray(run[0].data, run[0].data + size);
  } else {
    input = new Uint8Array(size);
    for (const s of segments) input.set(b.subarray(s.data, s.data + s.end - s.start), s.start);
  }
  const raw = new Uint8Array(plan.total);
  const bpp = Math.max(1, bits >> 3);
  const longest = Math.ceil((w * bits) / 8); // a whole row; Adam7's are shorter
  let line = new Uint8Array(longest);
  let above = new Uint8Array(longest);
  let row = 0;
  let deferred = null; // a decoder error: raised once load_end has read the chunks after
  let outcome = null; // 'done' or a refusal to raise now
  let seg = 0;
  const state = { pieceEnd: 0 };

  const processRow = () => {
    const r = plan.rows[row];
    if (raw[r.at] > 4) {
      deferred = `unreadable picture (PNG filter type ${raw[r.at]})`;
      return false;
    }
    if (r.first) above.fill(0);
    unfilter(raw, r.at, r.len - 1, line, above, bpp);
    unpackRow(line, r, png.imageKey, px, png.imageWidth, ox, oy);
    [line, above] = [above, line];
    row++;
    if (row >= plan.rows.length) {
      outcome = 'done';
      return false;
    }
    inf.outEnd = plan.rows[row].at + plan.rows[row].len;
    return true;
  };
  const rowFull = () => inf.o === plan.rows[row].at + plan.rows[row].len;
  // Pillow's decoder calls zlib only while the piece it was handed has input left: zlib's
  // return for want of input, or with a full row and the piece used up (the next row may
  // wait in zlib's bit buffer, unasked for), ends the piece; the next one comes from load_read.
  const nextPiece = () => {
    let s = segments[seg];
    if (state.pieceEnd < s.end) {
      state.pieceEnd = Math.min(s.end, state.pieceEnd + PIECE);
      inf.end = state.pieceEnd;
      return true;
    }
    while (!s.cut && seg + 1 < segments.length) { // load_read moves to the next chunk
      s = segments[++seg];
      if (s.type === 'fdAT') {
        try {
          png.frameData(s.pos, false);
        } catch (e) {
          outcome = e.reason;
          return false;
        }
      }
      if (s.end > s.start) {
        state.pieceEnd = Math.min(s.end, s.start + PIECE);
        inf.end = state.pieceEnd;
        return true;
      }
    }
    outcome = TRUNCATED; // the file or the run of chunks ends first
    return false;
  };
  const host = {
    needOutput: () => processRow() && (inf.pos < inf.end || nextPiece()),
    needInput: () => (!rowFull() || processRow()) && nextPiece(),
  };
  const inf = new Inflater(input, raw, host);
  state.pieceEnd = Math.min(segments[0].end, PIECE);
  inf.end = state.pieceEnd;
  inf.outEnd = plan.rows[0].len;
  let status;
  try {
    status = inf.run();
  } catch (e) {
    if (!(e instanceof InflateError)) throw e;
    deferred = `unreadable picture (${e.message})`;
  }
  if (status === ENDED && rowFull() && processRow()) outcome = 'done'; // the rest stays zero
  if (status === NEEDS_DICTIONARY || (status === ENDED && outcome === null && deferred === null)) {
    outcome = TRUNCATED; // Pillow asks for more data until there is none
  }
  if (deferred === null && outcome !== 'done') throw png.refuse(outcome);
  png.readAfterImage(segments[seg].pos + 12 + png.u32(segments[seg].pos));
  if (deferred !== null) throw png.refuse(deferred);
  return px;
}

function bytesOf(bytes) {
  return bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
}

/**
 * A PNG file's pixels as python.data.decode.decode_pixels(path, pre) returns them for a
 * recipe of this colour, before EXIF orientation; with faithful, as Pillow's convert gives
 * them to python.data.decode.resized_as_pillow (alpha dropped, 16-bit grey clipped).
 *
 * @param {Uint8Array} bytes the file
 * @param {string} name names the picture in errors
 * @param {{color: 'grey' | 'rgb', maxPixels: number, faithful?: boolean}} options
 * @returns {{width: number, height: number, channels: number, data: Uint8Array,
 *     orientation: number}} rows top to bottom, channels (1 or 3) interleaved, and the EXIF
 *     orientation Pillow then applies (pngOrientation's, without reading the file twice)
 * @throws {PictureError} where Python refuses the file, with the Java library's reason
 */
export function decodePng(bytes, name, { color, maxPixels, faithful = false }) {
  if (color !== 'grey' && color !== 'rgb') throw new TypeError(`color must be 'grey' or 'rgb', not ${color}`);
  bytes = bytesOf(bytes);
  if (bytes.length === 0) throw new PictureError(name, 'empty file');
  if (!isPng(bytes)) throw new PictureError(name, 'not a picture Pillow can read');
  const png = new PngChunks(bytes, name);
  png.readHeaders();
  if (png.width * png.height > maxPixels) {
    throw png.refuse(`decompression bomb: ${png.width}x${png.height} exceeds ${maxPixels} pixels`);
  }
  const px = loadImage(png);
  let orientation;
  try {
    orientation = orientationOf(png.info); // exif_transpose reads the EXIF: what it cannot read refuses
  } catch (e) {
    if (!(e instanceof ExifError)) throw e;
    throw png.refuse(`unreadable picture (${e.message})`);
  }
  const data = colourOf(png, px, color, name, faithful);
  return {
    width: png.imageWidth, height: png.imageHeight, channels: color === 'rgb' ? 3 : 1, data, orientation,
  };
}

/**
 * The EXIF orientation (1 to 8) Pillow applies to this PNG after decoding it: from an eXIf
 * chunk, a "Raw profile type exif" or "exif" text chunk, or the XMP packet's
 * tiff:Orientation, wherever Pillow reads them (before the image data or after it). 1 when
 * there is none, or when the file cannot be read (decodePng says why).
 *
 * @param {Uint8Array} bytes the file
 * @returns {number}
 */
export function pngOrientation(bytes) {
  bytes = bytesOf(bytes);
  if (!isPng(bytes)) return 1;
  try {
    const png = new PngChunks(bytes, '');
    png.readHeaders();
    if (png.imageType !== 'IEND') {
      const run = png.imageRun();
      const last = run[run.length - 1].pos;
      png.readAfterImage(last + 12 + png.u32(last));
    }
    return orientationOf(png.info);
  } catch (e) {
    if (e instanceof PictureError || e instanceof ExifError) return 1;
    throw e;
  }
}
