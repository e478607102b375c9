/**
 * The EXIF Orientation tag applied as PIL.ImageOps.exif_transpose applies it (the manifest's
 * rules.orientation), and found in a JPEG where Pillow finds it.
 *
 * Read by hand (exif.js) rather than with an EXIF library: Pillow takes the first Exif APP1
 * segment (with any later ones appended), falls back on the XMP packet's tiff:Orientation,
 * and refuses a picture whose EXIF it cannot parse, where EXIF libraries skip what they
 * cannot read.
 */
import { ExifError, orientationOf } from './exif.js';
import { PictureError } from './errors.js';

const EXIF = [0x45, 0x78, 0x69, 0x66, 0, 0]; // "Exif\0\0"
const XMP = new TextEncoder().encode('http://ns.adobe.com/xap/1.0/\0');

function startsWith(bytes, at, prefix) {
  return prefix.every((b, i) => bytes[at + i] === b);
}

/**
 * The orientation Pillow applies to this JPEG: JpegImagePlugin's APP handler collects the
 * info (the first "Exif\0\0" APP1 segment, later ones appended without their prefix; the
 * last XMP APP1 packet), read up to the first scan.
 * @param {Uint8Array} bytes a JPEG
 * @param {string} name the picture's name, for errors
 * @returns {number} 1 to 8
 * @throws {PictureError} where Pillow cannot parse the EXIF (python.data.decode refuses it)
 */
export function jpegOrientation(bytes, name) {
  const info = new Map();
  for (const { marker, start, end } of segments(bytes)) {
    if (marker === 0xe1 && startsWith(bytes, start, EXIF)) {
      const previous = info.get('exif');
      const segment = bytes.subarray(previous ? start + 6 : start, end);
      info.set('exif', { bytes: previous ? concat(previous.bytes, segment) : segment });
    } else if (marker === 0xe1 && startsWith(bytes, start, [...XMP])) {
      info.set('xmp', { bytes: bytes.subarray(start + XMP.length, end) });
    }
  }
  try {
    return orientationOf(info);
  } catch (err) {
    if (err instanceof ExifError) throw new PictureError(name, `unreadable picture (${err.message})`);
    throw err;
  }
}

/**
 * The JPEG without its APP1 segments (EXIF and XMP), which change no pixel: what a browser is
 * given, so that it decodes the picture as stored and the orientation Pillow reads is the one
 * applied (Chromium turns a picture by its own reading of EXIF whatever it is asked).
 * @param {Uint8Array} bytes a JPEG
 * @returns {Uint8Array}
 */
export function withoutApp1(bytes) {
  const kept = [];
  let from = 0;
  for (const { marker, at, next } of segments(bytes)) {
    if (marker === 0xe1) {
      kept.push(bytes.subarray(from, at));
      from = next;
    }
  }
  if (from === 0) return bytes;
  kept.push(bytes.subarray(from));
  const out = new Uint8Array(kept.reduce((n, k) => n + k.length, 0));
  let at = 0;
  for (const k of kept) {
    out.set(k, at);
    at += k.length;
  }
  return out;
}

/** The marker segments before the first scan: marker, its data [start, end), where it begins
 * (at) and where the next one does. */
function* segments(bytes) {
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return;
    const marker = bytes[at + 1];
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if (marker === 0xda || marker === 0xd9) return; // the first scan, or the end
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      at += 2;
      continue;
    }
    const length = (bytes[at + 2] << 8) | bytes[at + 3];
    if (length < 2) return;
    const next = at + 2 + length;
    yield { marker, start: at + 4, end: Math.min(next, bytes.length), at, next: Math.min(next, bytes.length) };
    at = next;
  }
}

function concat(a, b) {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/**
 * Where output pixel (x, y) of orientation o comes from in a w x h stored picture of c
 * channels, as a sample offset base + x * dx + y * dy. 2 mirror, 3 rotate 180, 4 flip,
 * 5 transpose, 6 rotate 90 clockwise (Pillow's ROTATE_270), 7 transverse, 8 rotate 90
 * counter-clockwise (Pillow's ROTATE_90).
 */
function walk(o, w, h, c) {
  const row = w * c;
  const last = (w - 1) * c;
  const bottom = (h - 1) * row;
  switch (o) {
    case 2: return { base: last, dx: -c, dy: row };
    case 3: return { base: bottom + last, dx: -c, dy: -row };
    case 4: return { base: bottom, dx: c, dy: -row };
    case 5: return { base: 0, dx: row, dy: c };
    case 6: return { base: bottom, dx: -row, dy: c };
    case 7: return { base: bottom + last, dx: -row, dy: -c };
    case 8: return { base: last, dx: row, dy: -c };
    default: return { base: 0, dx: c, dy: row };
  }
}

/** Output tile side for a turn by 90 degrees: the columns read stay in cache. */
const TILE = 64;

/**
 * The pixels as they show upright; the full size they stand for turns with them.
 * @param {import('./prepare.js').Pixels} p
 * @param {number} o the EXIF Orientation (anything but 2 to 8: upright)
 * @returns {import('./prepare.js').Pixels}
 */
export function orient(p, o) {
  if (!(o >= 2 && o <= 8)) return p;
  const swap = o >= 5;
  const ow = swap ? p.height : p.width;
  const oh = swap ? p.width : p.height;
  const c = p.channels;
  const src = p.data;
  const out = new Uint8Array(src.length);
  const { base, dx, dy } = walk(o, p.width, p.height, c);
  const tile = swap ? TILE : ow;
  for (let ty = 0; ty < oh; ty += tile) {
    const yEnd = Math.min(ty + tile, oh);
    for (let tx = 0; tx < ow; tx += tile) {
      const xEnd = Math.min(tx + tile, ow);
      for (let y = ty; y < yEnd; y++) {
        let to = (y * ow + tx) * c;
        let from = base + tx * dx + y * dy;
        if (c === 3) {
          for (let x = tx; x < xEnd; x++, from += dx, to += 3) {
            out[to] = src[from];
            out[to + 1] = src[from + 1];
            out[to + 2] = src[from + 2];
          }
        } else {
          for (let x = tx; x < xEnd; x++, from += dx) {
            for (let k = 0; k < c; k++) out[to++] = src[from + k];
          }
        }
      }
    }
  }
  const turned = { width: ow, height: oh, channels: c, data: out };
  if (p.fullWidth !== undefined) {
    turned.fullWidth = swap ? p.fullHeight : p.fullWidth;
    turned.fullHeight = swap ? p.fullWidth : p.fullHeight;
  }
  return turned;
}
