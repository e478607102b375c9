/**
 * The pixel steps of png.js: the image data's rows as Pillow's zip decoder (ZipDecode.c)
 * sizes and unfilters them, unpacked as Pillow's raw modes unpack them (1, 2 and 4-bit grey
 * scaled to 0..255, 16-bit samples to their high byte, 16-bit grey kept whole), then made
 * 8-bit grey or RGB by python/data/colour.py's rules (the Java classes Grey and
 * ImageIoDecoder): palette and tRNS, colour keys, alpha over white; or, on the faithful route,
 * as Pillow's Image.convert: alpha and tRNS ignored, 16-bit grey clipped to 255.
 *
 * Hand-written with the rest of png.js: the rows come one at a time from its zlib calls, and
 * fast-png, which unfilters whole images, mis-sizes the Adam7 passes of 1, 2 and 4-bit
 * pictures. Browser-safe.
 */

import { PictureError } from './errors.js';

/** Pillow's _MODES: depth * 10 + colour type to its mode and the bits of one pixel. */
export const MODES = {
  10: ['1', 1], 20: ['L', 2], 40: ['L', 4], 80: ['L', 8], 160: ['I;16', 16], 82: ['RGB', 24],
  162: ['RGB', 48], 13: ['P', 1], 23: ['P', 2], 43: ['P', 4], 83: ['P', 8], 84: ['LA', 16],
  164: ['RGBA', 32], 86: ['RGBA', 32], 166: ['RGBA', 64],
};

/** Samples a pixel holds once unpacked by Pillow's raw mode (16-bit LA unpacks to RGBA). */
export const SAMPLES = { 1: 1, L: 1, P: 1, 'I;16': 1, LA: 2, RGB: 3, RGBA: 4 };

/** Adam7's passes: first column, first row, column step, row step. */
const ADAM7 = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2],
  [0, 1, 1, 2]];

/**
 * PNG's five filters undone: row[0, n) from the filtered bytes raw[at + 1, at + 1 + n) (filter
 * raw[at]), prev the row before in the same pass (zeros for a pass's first row). The inflated
 * data itself stays as it is: it is zlib's window and what the Adler-32 covers.
 */
export function unfilter(raw, at, n, row, prev, bpp) {
  const src = at + 1;
  switch (raw[at]) {
    case 0:
      row.set(raw.subarray(src, src + n));
      break;
    case 1:
      for (let i = 0; i < n; i++) row[i] = raw[src + i] + (i >= bpp ? row[i - bpp] : 0);
      break;
    case 2:
      for (let i = 0; i < n; i++) row[i] = raw[src + i] + prev[i];
      break;
    case 3:
      for (let i = 0; i < n; i++) row[i] = raw[src + i] + (((i >= bpp ? row[i - bpp] : 0) + prev[i]) >> 1);
      break;
    default:
      for (let i = 0; i < n; i++) {
        const a = i >= bpp ? row[i - bpp] : 0;
        const b = prev[i];
        const c = i >= bpp ? prev[i - bpp] : 0;
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        row[i] = raw[src + i] + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
      }
  }
}

/**
 * The rows of the image data in stream order (Adam7's passes when interlaced), as Pillow's
 * decoder sizes them: each row's start in the inflated data, its pass and first pixel.
 */
export function rowPlan(width, height, bits, interlaced) {
  const passes = interlaced ? ADAM7 : [[0, 0, 1, 1]];
  const rows = [];
  let at = 0;
  for (let p = 0; p < passes.length; p++) {
    const [x0, y0, dx, dy] = passes[p];
    const pw = width > x0 ? Math.ceil((width - x0) / dx) : 0;
    if (pw === 0) continue;
    const len = 1 + Math.ceil((pw * bits) / 8);
    for (let y = y0, first = true; y < height; y += dy, first = false) {
      rows.push({ at, len, y, x0, dx, pw, first });
      at += len;
    }
  }
  return { rows, total: at };
}

/** Unpacks one unfiltered row (raw[0..]) into px (the picture's samples, SAMPLES[mode] a pixel). */
export function unpackRow(raw, row, key, px, width, ox, oy) {
  const depth = Math.floor(key / 10);
  const colour = key % 10;
  const s = 0;
  const n = SAMPLES[MODES[key][0]];
  let o = ((oy + row.y) * width + ox + row.x0) * n;
  const step = row.dx * n;
  if (depth < 8) {
    const mask = (1 << depth) - 1;
    const scale = colour === 3 ? 1 : depth === 1 ? 255 : 255 / mask; // "1": 0 or 255; L;2, L;4
    for (let i = 0; i < row.pw; i++, o += step) {
      const bit = i * depth;
      px[o] = ((raw[s + (bit >> 3)] >> (8 - depth - (bit & 7))) & mask) * scale;
    }
    return;
  }
  const wide = depth === 16;
  const bpp = ((MODES[key][1]) >> 3);
  for (let i = 0, at = s; i < row.pw; i++, o += step, at += bpp) {
    if (colour === 0 || colour === 3) {
      px[o] = wide ? (raw[at] << 8) | raw[at + 1] : raw[at];
    } else if (colour === 4) { // LA; 16-bit LA unpacks to RGBA (Pillow's LA;16B)
      if (wide) {
        px[o] = px[o + 1] = px[o + 2] = raw[at];
        px[o + 3] = raw[at + 2];
      } else {
        px[o] = raw[at];
        px[o + 1] = raw[at + 1];
      }
    } else { // RGB, RGBA: the high byte of 16-bit samples
      for (let c = 0, k = at; c < n; c++, k += wide ? 2 : 1) px[o + c] = raw[k];
    }
  }
}

const luma = (r, g, b) => (19595 * r + 38470 * g + 7471 * b + 32768) >> 16;
const overWhite = (v, a) => Math.floor((v * a + 255 * (255 - a) + 127) / 255);

/** The faithful route's emit: the colour as it is, alpha ignored. */
function opaque(out, rgb) {
  if (!rgb) return (i, r, g, b, a, grey) => { out[i] = grey; };
  return (i, r, g, b) => {
    out[3 * i] = r;
    out[3 * i + 1] = g;
    out[3 * i + 2] = b;
  };
}

/**
 * python.data.colour.to_grey / to_rgb of the unpacked picture, or with faithful Pillow's
 * convert("RGB") / convert("L"): every alpha taken as 255, tRNS ignored, I;16 clipped.
 */
export function colourOf(png, px, color, name, faithful = false) {
  const mode = png.imageMode;
  const count = png.imageWidth * png.imageHeight;
  const rgb = color === 'rgb';
  const out = new Uint8Array(count * (rgb ? 3 : 1));
  const t = !faithful && png.transparency !== null && png.transparency.mode === mode ? png.transparency : null;
  const emit = faithful ? opaque(out, rgb) : rgb
    ? (i, r, g, b, a) => {
      out[3 * i] = a === 255 ? r : overWhite(r, a);
      out[3 * i + 1] = a === 255 ? g : overWhite(g, a);
      out[3 * i + 2] = a === 255 ? b : overWhite(b, a);
    }
    : (i, r, g, b, a, grey) => { out[i] = a === 255 ? grey : overWhite(grey, a); };
  if (mode === 'P' && faithful && png.palette === null && png.transparency !== null
    && png.transparency.mode === 'P') {
    // Pillow's convert of a palette picture with transparency and no palette: an assertion
    throw new PictureError(name, 'unreadable picture (a palette picture with transparency and'
      + ' no PLTE, which Pillow cannot convert)');
  }
  if (mode === 'P') {
    const entries = new Uint8Array(256 * 4); // beyond the PLTE: black; alpha 255 beyond tRNS
    const plte = png.palette ?? new Uint8Array(0);
    for (let i = 0; i < 256; i++) {
      if (3 * i + 2 < plte.length) entries.set(plte.subarray(3 * i, 3 * i + 3), 4 * i);
      entries[4 * i + 3] = 255;
    }
    if (t !== null && t.alphas !== undefined) {
      if (t.alphas.length > 256) throw new PictureError(name, 'unreadable picture (palette index out of range)');
      t.alphas.forEach((a, i) => { entries[4 * i + 3] = a; });
    } else if (t !== null) {
      if (t.index >= 256) throw new PictureError(name, 'unreadable picture (palette index out of range)');
      entries[4 * t.index + 3] = 0;
    }
    const grey = new Uint8Array(256);
    for (let i = 0; i < 256; i++) grey[i] = luma(entries[4 * i], entries[4 * i + 1], entries[4 * i + 2]);
    for (let i = 0; i < count; i++) {
      const e = 4 * px[i];
      emit(i, entries[e], entries[e + 1], entries[e + 2], entries[e + 3], grey[px[i]]);
    }
  } else if (mode === '1' || mode === 'L' || mode === 'I;16') {
    const key = t === null ? -1 : t.key[0] & 0xff; // "1" keeps no transparency (_with_alpha)
    for (let i = 0; i < count; i++) {
      let v = px[i];
      let a = 255;
      if (mode === 'I;16') {
        if (t !== null) { // to RGBA first: Pillow's I16_RGB clips to 255
          v = v > 255 ? 255 : v;
          a = v === key ? 0 : 255;
        } else if (faithful) { // Pillow's I16_L and I16_RGB
          v = v > 255 ? 255 : v;
        } else {
          v = Math.floor((v * 255 + 32767) / 65535);
        }
      } else if (mode === 'L' && v === key) {
        a = 0;
      }
      emit(i, v, v, v, a, v);
    }
  } else if (mode === 'LA') {
    for (let i = 0; i < count; i++) emit(i, px[2 * i], px[2 * i], px[2 * i], px[2 * i + 1], px[2 * i]);
  } else {
    const n = SAMPLES[mode];
    const key = t === null ? null : t.key.map((k) => k & 0xff);
    for (let i = 0; i < count; i++) {
      const [r, g, b] = [px[n * i], px[n * i + 1], px[n * i + 2]];
      let a = n === 4 ? px[n * i + 3] : 255;
      if (key !== null && r === key[0] && g === key[1] && b === key[2]) a = 0;
      emit(i, r, g, b, a, luma(r, g, b));
    }
  }
  return out;
}
