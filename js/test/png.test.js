// The PNG reader (src/core/png.js) on PNGs built here: pixels computed from each kind's
// definition (python/data/colour.py's rules), and the refusals Pillow makes.
// Run: cd js && node --test test/png.test.js

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deflateSync } from 'node:zlib';
import { decode as fastDecode, encode as fastEncode } from 'fast-png';
import { PictureError } from '../src/core/errors.js';
import { decodePng, isPng, pngOrientation } from '../src/core/png.js';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const MAX = 50_000_000;

function crc32(bytes) {
  let c = -1;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ -1) >>> 0;
}

function u32(v) {
  return [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
}

function chunk(type, data = []) {
  const body = [...type].map((c) => c.charCodeAt(0)).concat([...data]);
  return [...u32(data.length), ...body, ...u32(crc32(body))];
}

function ihdr(width, height, depth, colour, interlace = 0) {
  return chunk('IHDR', [...u32(width), ...u32(height), depth, colour, 0, 0, interlace]);
}

/** A PNG of the given chunks between IHDR and IEND. */
function png(header, ...chunks) {
  return Uint8Array.from([...SIGNATURE, ...header, ...chunks.flat(), ...chunk('IEND')]);
}

const zlib = (bytes) => [...deflateSync(Uint8Array.from(bytes))];
/** Rows of bytes, each behind filter 0. */
const unfiltered = (rows) => rows.flatMap((r) => [0, ...r]);
const luma = (r, g, b) => (19595 * r + 38470 * g + 7471 * b + 32768) >> 16;
const overWhite = (v, a) => Math.floor((v * a + 255 * (255 - a) + 127) / 255);

function decoded(bytes, color = 'grey', faithful = false) {
  return decodePng(bytes, 'test.png', { color, maxPixels: MAX, faithful });
}

function refusal(bytes) {
  try {
    decoded(bytes);
  } catch (e) {
    assert.ok(e instanceof PictureError, String(e));
    assert.equal(e.picture, 'test.png');
    assert.equal(e.message, `test.png: ${e.reason}`);
    return e.reason;
  }
  return assert.fail('decoded, where Pillow refuses');
}

/** An 8 x 8 grey picture, row y holding 8y .. 8y + 7 (times 3). */
const GREY = Array.from({ length: 8 }, (_, y) => Array.from({ length: 8 }, (_, x) => 3 * (8 * y + x)));
const GREY_PNG = png(ihdr(8, 8, 8, 0), chunk('IDAT', zlib(unfiltered(GREY))));

test('isPng looks at the signature only', () => {
  assert.equal(isPng(GREY_PNG), true);
  assert.equal(isPng(GREY_PNG.subarray(0, 7)), false);
  assert.equal(isPng(new TextEncoder().encode('GIF89a and more')), false);
});

test('8-bit grey comes back as stored, and repeated in three channels for RGB', () => {
  const grey = decoded(GREY_PNG);
  assert.deepEqual([grey.width, grey.height, grey.channels], [8, 8, 1]);
  assert.deepEqual([...grey.data], GREY.flat());
  const rgb = decoded(GREY_PNG, 'rgb');
  assert.equal(rgb.channels, 3);
  assert.deepEqual([...rgb.data], GREY.flat().flatMap((v) => [v, v, v]));
});

test('every filter type is undone (rows written with Sub, Up, Average and Paeth)', () => {
  const rows = [[10, 20, 30, 40], [15, 5, 200, 100], [0, 255, 128, 7], [9, 9, 9, 9], [1, 2, 3, 4]];
  const filtered = [];
  rows.forEach((row, y) => {
    const f = y % 5;
    const prev = y ? rows[y - 1] : [0, 0, 0, 0];
    filtered.push(f, ...row.map((v, x) => {
      const a = x ? row[x - 1] : 0;
      const b = prev[x];
      const c = x ? prev[x - 1] : 0;
      const p = a + b - c;
      const pred = [0, a, b, (a + b) >> 1,
        Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a
          : Math.abs(p - b) <= Math.abs(p - c) ? b : c][f];
      return (v - pred) & 255;
    }));
  });
  assert.deepEqual([...decoded(png(ihdr(4, 5, 8, 0), chunk('IDAT', zlib(filtered)))).data], rows.flat());
});

test('RGB to grey by the luma formula; RGBA composited over white, grey after luma', () => {
  const px = [[255, 0, 0], [0, 255, 0], [0, 0, 255], [12, 200, 99]];
  const rgb = png(ihdr(4, 1, 8, 2), chunk('IDAT', zlib(unfiltered([px.flat()]))));
  assert.deepEqual([...decoded(rgb).data], px.map(([r, g, b]) => luma(r, g, b)));
  assert.deepEqual([...decoded(rgb, 'rgb').data], px.flat());
  const alpha = [255, 0, 128, 31];
  const rgba = png(ihdr(4, 1, 8, 6), chunk('IDAT', zlib(unfiltered([px.flatMap((p, i) => [...p, alpha[i]])]))));
  assert.deepEqual([...decoded(rgba).data], px.map(([r, g, b], i) => overWhite(luma(r, g, b), alpha[i])));
  assert.deepEqual([...decoded(rgba, 'rgb').data], px.flatMap((p, i) => p.map((v) => overWhite(v, alpha[i]))));
  assert.equal(decoded(rgba).data[1], 255); // alpha 0 is white, whatever the colour
});

test('fast-png agrees on a well-formed RGBA picture (an independent decoder)', () => {
  const width = 23;
  const height = 17;
  const data = new Uint8Array(width * height * 4).map((_, i) => (i * 37 + (i >> 5) * 11) & 255);
  const file = fastEncode({ width, height, data, channels: 4, depth: 8 });
  const theirs = fastDecode(file).data;
  const ours = decoded(file, 'rgb').data;
  for (let i = 0; i < width * height; i++) {
    for (let c = 0; c < 3; c++) assert.equal(ours[3 * i + c], overWhite(theirs[4 * i + c], theirs[4 * i + 3]));
  }
});

test('1, 2 and 4-bit grey scale to 0..255; Adam7 gives the same pixels as plain rows', () => {
  const values = Array.from({ length: 9 * 5 }, (_, i) => (i * 7 + (i >> 2)) % 4);
  const pack = (vs, depth) => {
    const out = [];
    for (let i = 0; i < vs.length; i += 8 / depth) {
      let byte = 0;
      for (let k = 0; k < 8 / depth; k++) byte = (byte << depth) | (vs[i + k] ?? 0);
      out.push(byte);
    }
    return out;
  };
  const rows = Array.from({ length: 5 }, (_, y) => values.slice(9 * y, 9 * y + 9));
  const plain = png(ihdr(9, 5, 2, 0), chunk('IDAT', zlib(unfiltered(rows.map((r) => pack(r, 2))))));
  assert.deepEqual([...decoded(plain).data], values.map((v) => v * 85));
  const passes = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]];
  const stream = [];
  for (const [x0, y0, dx, dy] of passes) {
    for (let y = y0; y < 5; y += dy) {
      const part = rows[y].filter((_, x) => x >= x0 && (x - x0) % dx === 0);
      if (part.length) stream.push(0, ...pack(part, 2));
    }
  }
  const adam7 = png(ihdr(9, 5, 2, 0, 1), chunk('IDAT', zlib(stream)));
  assert.deepEqual([...decoded(adam7).data], values.map((v) => v * 85));
  const bits = png(ihdr(9, 1, 1, 0), chunk('IDAT', zlib([0, 0b10110010, 0b10000000])));
  assert.deepEqual([...decoded(bits).data], [255, 0, 255, 255, 0, 0, 255, 0, 255]);
  const nibbles = png(ihdr(3, 1, 4, 0), chunk('IDAT', zlib([0, 0x0f, 0x70])));
  assert.deepEqual([...decoded(nibbles).data], [0, 255, 7 * 17]);
});

test('16-bit grey is scaled with rounding; 16-bit RGB keeps the high byte', () => {
  const v = [0, 128, 257, 32896, 65535];
  const file = png(ihdr(5, 1, 16, 0), chunk('IDAT', zlib(unfiltered([v.flatMap((x) => [x >> 8, x & 255])]))));
  assert.deepEqual([...decoded(file).data], v.map((x) => Math.floor((x * 255 + 32767) / 65535)));
  assert.deepEqual([...decoded(file).data], [0, 0, 1, 128, 255]);
  const rgb = png(ihdr(1, 1, 16, 2), chunk('IDAT', zlib([0, 0x12, 0xff, 0x56, 0x00, 0x9a, 0x80])));
  assert.deepEqual([...decoded(rgb, 'rgb').data], [0x12, 0x56, 0x9a]);
});

test('palette lookup with tRNS alphas; entries the PLTE lacks are black', () => {
  const plte = chunk('PLTE', [255, 0, 0, 0, 0, 255]);
  const trns = chunk('tRNS', [255, 64, 0]);
  const file = png(ihdr(4, 1, 8, 3), plte, trns, chunk('IDAT', zlib([0, 0, 1, 2, 3])));
  assert.deepEqual([...decoded(file, 'rgb').data], [
    255, 0, 0, overWhite(0, 64), overWhite(0, 64), overWhite(255, 64), 255, 255, 255, 0, 0, 0]);
  assert.deepEqual([...decoded(file).data], [luma(255, 0, 0), overWhite(luma(0, 0, 255), 64), 255, 0]);
});

test('a tRNS colour key makes that grey or RGB colour white, before or after the image', () => {
  const grey = png(ihdr(3, 1, 8, 0), chunk('tRNS', [0, 100]), chunk('IDAT', zlib([0, 99, 100, 101])));
  assert.deepEqual([...decoded(grey).data], [99, 255, 101]);
  const after = Uint8Array.from([...SIGNATURE, ...ihdr(3, 1, 8, 0), ...chunk('IDAT', zlib([0, 99, 100, 101])),
    ...chunk('tRNS', [0, 101]), ...chunk('IEND')]);
  assert.deepEqual([...decoded(after).data], [99, 100, 255]);
  const rgb = png(ihdr(2, 1, 8, 2), chunk('tRNS', [0, 1, 0, 2, 0, 3]), chunk('IDAT', zlib([0, 1, 2, 3, 1, 2, 4])));
  assert.deepEqual([...decoded(rgb, 'rgb').data], [255, 255, 255, 1, 2, 4]);
});

test("faithful: Pillow's convert drops alpha, tRNS and colour keys, and clips 16-bit grey", () => {
  const px = [[255, 0, 0], [0, 255, 0], [0, 0, 255], [12, 200, 99]];
  const alpha = [255, 0, 128, 31];
  const rgba = png(ihdr(4, 1, 8, 6), chunk('IDAT', zlib(unfiltered([px.flatMap((p, i) => [...p, alpha[i]])]))));
  assert.deepEqual([...decoded(rgba, 'rgb', true).data], px.flat());
  assert.deepEqual([...decoded(rgba, 'grey', true).data], px.map(([r, g, b]) => luma(r, g, b)));
  const la = png(ihdr(2, 1, 8, 4), chunk('IDAT', zlib([0, 40, 0, 90, 128])));
  assert.deepEqual([...decoded(la, 'grey', true).data], [40, 90]);
  assert.deepEqual([...decoded(la, 'rgb', true).data], [40, 40, 40, 90, 90, 90]);
  const plte = chunk('PLTE', [255, 0, 0, 0, 0, 255]);
  const palette = png(ihdr(3, 1, 8, 3), plte, chunk('tRNS', [255, 64, 0]), chunk('IDAT', zlib([0, 0, 1, 2])));
  assert.deepEqual([...decoded(palette, 'rgb', true).data], [255, 0, 0, 0, 0, 255, 0, 0, 0]);
  const keyed = png(ihdr(3, 1, 8, 0), chunk('tRNS', [0, 100]), chunk('IDAT', zlib([0, 99, 100, 101])));
  assert.deepEqual([...decoded(keyed, 'grey', true).data], [99, 100, 101]);
  const v = [0, 128, 255, 256, 32896, 65535];
  const wide = png(ihdr(6, 1, 16, 0), chunk('IDAT', zlib(unfiltered([v.flatMap((x) => [x >> 8, x & 255])]))));
  assert.deepEqual([...decoded(wide, 'grey', true).data], [0, 128, 255, 255, 255, 255]);
  assert.deepEqual([...decoded(wide, 'rgb', true).data], [0, 128, 255, 255, 255, 255].flatMap((x) => [x, x, x]));
});

test('image data whose zlib stream ends at a row boundary: the rows left are zero', () => {
  const file = png(ihdr(8, 8, 8, 0), chunk('IDAT', zlib(unfiltered(GREY.slice(0, 3)))));
  assert.deepEqual([...decoded(file).data], [...GREY.slice(0, 3).flat(), ...new Array(40).fill(0)]);
  const midRow = png(ihdr(8, 8, 8, 0), chunk('IDAT', zlib(unfiltered(GREY.slice(0, 3)).concat([0, 1, 2]))));
  assert.equal(refusal(midRow), 'truncated picture');
});

test('the image data may span IDAT chunks, whose CRCs are not checked', () => {
  const z = zlib(unfiltered(GREY));
  const split = png(ihdr(8, 8, 8, 0), chunk('IDAT', z.slice(0, 7)), chunk('IDAT', []), chunk('IDAT', z.slice(7)));
  assert.deepEqual([...decoded(split).data], GREY.flat());
  const badCrc = GREY_PNG.slice();
  badCrc[badCrc.length - 13] ^= 1; // the IDAT's CRC
  assert.deepEqual([...decoded(badCrc).data], GREY.flat());
});

test('refusals: truncated, a bad CRC before the image data, garbage, empty, a bomb', () => {
  assert.equal(refusal(GREY_PNG.subarray(0, GREY_PNG.length >> 1)), 'truncated picture');
  assert.equal(refusal(GREY_PNG.subarray(0, 20)), 'truncated picture');
  const badIhdr = GREY_PNG.slice();
  badIhdr[29] ^= 1; // IHDR's CRC
  assert.equal(refusal(badIhdr), 'not a picture Pillow can read (broken PNG: bad checksum in IHDR)');
  const garbage = GREY_PNG.slice();
  garbage.fill(0xff, 33);
  assert.equal(refusal(garbage), 'not a picture Pillow can read (broken PNG: no chunk where one should start)');
  garbage.fill(0x5a, 33); // a chunk 0x5a5a5a5a bytes long: it runs past the end
  assert.equal(refusal(garbage), 'truncated picture');
  assert.equal(refusal(new TextEncoder().encode('this is a text file, not a picture\n')),
    'not a picture Pillow can read');
  assert.equal(refusal(new Uint8Array(0)), 'empty file');
  const bomb = png(ihdr(100_000, 100_000, 8, 0), chunk('IDAT', zlib(new Array(1000).fill(0))));
  assert.equal(refusal(bomb), 'decompression bomb: 100000x100000 exceeds 50000000 pixels');
  const z = zlib(unfiltered(GREY));
  z[z.length - 1] ^= 1; // the Adler-32
  assert.equal(refusal(png(ihdr(8, 8, 8, 0), chunk('IDAT', z))), 'unreadable picture (incorrect data check)');
  const filter = unfiltered(GREY);
  filter[18] = 9;
  assert.equal(refusal(png(ihdr(8, 8, 8, 0), chunk('IDAT', zlib(filter)))), 'unreadable picture (PNG filter type 9)');
  assert.equal(refusal(png(ihdr(8, 8, 8, 0), chunk('IDAT', zlib(unfiltered(GREY))), chunk('gAMA', [1]))),
    'not a picture Pillow can read (broken PNG: gAMA chunk Pillow refuses)');
});

test('pngOrientation: eXIf before or after the image, XMP, or none', () => {
  const exif = (o) => chunk('eXIf', [0x4d, 0x4d, 0, 0x2a, ...u32(8), 0, 1, 0x01, 0x12, 0, 3, ...u32(1), 0, o, 0, 0, 0, 0, 0, 0]);
  const idat = chunk('IDAT', zlib(unfiltered(GREY)));
  assert.equal(pngOrientation(GREY_PNG), 1);
  assert.equal(pngOrientation(png(ihdr(8, 8, 8, 0), exif(6), idat)), 6);
  assert.equal(pngOrientation(png(ihdr(8, 8, 8, 0), idat, exif(8))), 8);
  const xmp = chunk('iTXt', [...new TextEncoder().encode('XML:com.adobe.xmp\0\0\0\0\0<x tiff:Orientation="3"/>')]);
  assert.equal(pngOrientation(png(ihdr(8, 8, 8, 0), xmp, idat)), 3);
  // decodePng returns the stored pixels, not turned; EXIF Pillow cannot read refuses the file
  assert.deepEqual([...decoded(png(ihdr(8, 8, 8, 0), exif(6), idat)).data], GREY.flat());
  assert.equal(refusal(png(ihdr(8, 8, 8, 0), chunk('eXIf', [...new TextEncoder().encode('garbage!')]), idat)),
    "unreadable picture (not a TIFF file (header b'garbage!' not valid))");
});
