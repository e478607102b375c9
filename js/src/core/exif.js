/**
 * The EXIF Orientation Pillow finds in a picture's info, as Image.getexif() and
 * ImageOps.exif_transpose read it (Pillow 13); for a PNG (png.js) and a JPEG (orientation.js)
 * alike: the "exif" entry of the picture's info (an eXIf chunk, or a tEXt chunk
 * keyed "exif"), else a "Raw profile type exif" text chunk's hex, parsed as TIFF (IFD0 only,
 * as ImageFileDirectory_v2.load reads it); without an Orientation tag there, the XMP packet's
 * tiff:Orientation. Where Pillow raises while doing so, python.data.decode refuses the
 * picture, so this raises too, with Pillow's message.
 *
 * Hand-written: the JavaScript EXIF readers skip what they cannot parse, where Pillow refuses
 * the picture, and none reads the PNG text chunks Pillow takes EXIF and XMP from.
 */

const PREFIXES = [[0x4d, 0x4d, 0x00, 0x2a], [0x49, 0x49, 0x2a, 0x00], [0x4d, 0x4d, 0x2a, 0x00],
  [0x49, 0x49, 0x00, 0x2a], [0x4d, 0x4d, 0x00, 0x2b], [0x49, 0x49, 0x2b, 0x00]];
/** TIFF types TiffImagePlugin loads: [bytes a value, kind]; others are skipped as it skips them. */
const TYPES = {
  1: [1, 'bytes'], 2: [1, 'str'], 3: [2, 'u16'], 4: [4, 'u32'], 5: [8, 'rational'],
  6: [1, 'i8'], 7: [1, 'bytes'], 8: [2, 'i16'], 9: [4, 'i32'], 10: [8, 'srational'],
  11: [4, 'f32'], 12: [8, 'f64'], 13: [4, 'u32'], 16: [8, 'u64'],
};
const ORIENTATION = 0x0112;
const XMP_ORIENTATION = /tiff:Orientation(="|>)([0-9])/;
const STR_PATTERN = 'cannot use a bytes pattern on a string-like object';

/** A refusal worded as Python words it: decode_pixels makes it "unreadable picture (...)". */
export class ExifError extends Error {}

/** Bytes as ISO-8859-1 text (Python's latin-1 codec; TextDecoder's "latin1" is cp1252). */
export function latin1(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    s += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192));
  }
  return s;
}

/** Python's repr() of a bytes object, for the message Pillow gives with a bad TIFF header. */
function pyRepr(bytes) {
  const quote = bytes.includes(0x27) && !bytes.includes(0x22) ? '"' : "'";
  let s = 'b' + quote;
  for (const c of bytes) {
    if (c === 0x5c) s += '\\\\';
    else if (c === quote.charCodeAt(0)) s += '\\' + quote;
    else if (c === 0x09) s += '\\t';
    else if (c === 0x0a) s += '\\n';
    else if (c === 0x0d) s += '\\r';
    else if (c < 0x20 || c >= 0x7f) s += '\\x' + c.toString(16).padStart(2, '0');
    else s += String.fromCharCode(c);
  }
  return s + quote;
}

/** Python's bytes.fromhex: whitespace between bytes skipped, anything else an error. */
function fromHex(text) {
  const out = [];
  const hex = (c) => (c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87
    : c >= 65 && c <= 70 ? c - 55 : -1);
  for (let i = 0; i < text.length;) {
    const c = text.charCodeAt(i);
    if (c === 32 || (c >= 9 && c <= 13)) {
      i++;
      continue;
    }
    const hi = hex(c);
    const lo = i + 1 < text.length ? hex(text.charCodeAt(i + 1)) : -1;
    if (hi < 0 || lo < 0) {
      throw new ExifError(`non-hexadecimal number found in fromhex() arg at position ${hi < 0 ? i : i + 1}`);
    }
    out.push(hi * 16 + lo);
    i += 2;
  }
  return Uint8Array.from(out);
}

/** The first value of a tag's data, as Pillow's handler for its type makes it. */
function firstValue(kind, view, little) {
  switch (kind) {
    case 'u16': return view.getUint16(0, little);
    case 'i16': return view.getInt16(0, little);
    case 'u32': return view.getUint32(0, little);
    case 'i32': return view.getInt32(0, little);
    case 'i8': return view.getInt8(0);
    case 'f32': return view.getFloat32(0, little);
    case 'f64': return view.getFloat64(0, little);
    case 'u64': return Number(view.getBigUint64(0, little));
    case 'rational':
    case 'srational': { // an IFDRational: equal to an integer k when num == k * denom
      const signed = kind === 'srational';
      const num = signed ? view.getInt32(0, little) : view.getUint32(0, little);
      const den = signed ? view.getInt32(4, little) : view.getUint32(4, little);
      return den === 0 || num % den !== 0 ? NaN : num / den;
    }
    default: return null; // bytes and text never equal an orientation
  }
}

/**
 * IFD0's Orientation as Exif.load then ImageFileDirectory_v2.load read it.
 *
 * @returns {{present: boolean, value: number | null}}
 */
function tiffOrientation(data) {
  let start = 0;
  for (let k = 0; k < 2 && data.length - start >= 6 && data[start] === 0x45 && data[start + 1] === 0x78
    && data[start + 2] === 0x69 && data[start + 3] === 0x66 && data[start + 4] === 0
    && data[start + 5] === 0; k++) start += 6; // re.sub(b"^(Exif\x00\x00){1,2}", b"", data)
  data = data.subarray(start);
  const none = { present: false, value: null };
  if (data.length === 0) return none;
  const head = data.subarray(0, 8);
  if (!PREFIXES.some((p) => head.length >= 4 && p.every((c, i) => head[i] === c))) {
    throw new ExifError(`not a TIFF file (header ${pyRepr(head)} not valid)`);
  }
  if (head[2] === 43) throw new ExifError('unpack requires a buffer of 8 bytes'); // BigTIFF
  if (head.length < 8) throw new ExifError('unpack requires a buffer of 4 bytes');
  const view = new DataView(data.buffer, data.byteOffset, data.length);
  const little = head[0] === 0x49;
  const ifd = view.getUint32(4, little);
  if (ifd + 2 > data.length) return none; // a warning in Pillow: no tags
  const count = view.getUint16(ifd, little);
  let total = 0;
  for (let i = 0, at = ifd + 2; i < count; i++, at += 12) {
    if (at + 12 > data.length) break; // OSError, caught: the tags read so far stay
    const tag = view.getUint16(at, little);
    const type = TYPES[view.getUint16(at + 2, little)];
    if (type === undefined) continue;
    const size = view.getUint32(at + 4, little) * type[0];
    let value = at + 8;
    if (size > 4) {
      value = view.getUint32(at + 8, little);
      total += size;
      if (total > data.length) continue; // "Tag data larger than file": skipped
      if (value + size > data.length) break; // _safe_read's OSError ends the IFD
    }
    if (size === 0) continue;
    if (tag === ORIENTATION) {
      return { present: true, value: firstValue(type[1], new DataView(data.buffer, data.byteOffset + value, size), little) };
    }
  }
  return none;
}

/**
 * The orientation Pillow applies to a picture with this info, 1 when it applies none.
 *
 * @param {Map<string, {bytes?: Uint8Array, text?: string}>} info the entries of Pillow's
 *     im.info that getexif reads: exif, Raw profile type exif, XML:com.adobe.xmp, xmp
 * @returns {number}
 * @throws {ExifError} where Pillow raises
 */
export function orientationOf(info) {
  const exif = info.get('exif');
  let found = { present: false, value: null };
  if (exif !== undefined) {
    if (exif.bytes === undefined) throw new ExifError(STR_PATTERN);
    found = tiffOrientation(exif.bytes);
  } else if (info.has('Raw profile type exif')) {
    found = tiffOrientation(fromHex(info.get('Raw profile type exif').text.split('\n').slice(3).join('')));
  }
  let value = found.value;
  if (!found.present) {
    const xmp = info.get('XML:com.adobe.xmp');
    let text = xmp !== undefined ? xmp.text : '';
    if (!text) {
      const packet = info.get('xmp');
      if (packet !== undefined && (packet.text !== undefined ? packet.text : packet.bytes.length)) {
        if (packet.bytes === undefined) throw new ExifError(STR_PATTERN);
        text = latin1(packet.bytes);
      }
    }
    const match = text ? XMP_ORIENTATION.exec(text) : null;
    if (match) value = Number(match[2]);
  }
  return Number.isInteger(value) && value >= 2 && value <= 8 ? value : 1;
}
