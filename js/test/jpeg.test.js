/**
 * The JPEG reader (src/core/jpeg) on JPEGs made here with sharp, against a slow reference
 * written in this file from the rules' own definitions (python/data/rules.py): a bit-by-bit
 * Huffman decoder of baseline JPEGs, T[((DC * Q0 + 4) >> 3) & 1023] for a block's sample at
 * 1x1, jidctred.c's jpeg_idct_2x2 and jpeg_idct_4x4 and jidctint.c's jpeg_idct_islow in plain
 * arithmetic (as their C text computes them: the same integers as libjpeg-turbo's SIMD code on
 * undamaged files) for the larger IDCT sizes, and the rules' YCbCr to RGB formula. Plus the
 * refusals a damaged file must meet. Needs no Python: `cd js && node --test`.
 * (tests/test_js_jpeg.py holds the same reader to Pillow's pixels.)
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { PictureError } from '../src/core/errors.js';
import { decodeJpeg, draftScale, isJpeg, readJpegHeader } from '../src/core/jpeg/index.js';

// ---- pictures

/** A w x h picture of `channels` samples a pixel: smooth gradients, texture and a few edges. */
function picture(w, h, channels, seed = 1) {
  const raw = Buffer.alloc(w * h * channels);
  let s = seed;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < channels; c++) {
        s = (s * 1103515245 + 12345) >>> 0;
        const wave = 128 + 100 * Math.sin((x * (c + 1)) / 23 + y / 31 + c);
        const edge = (x >> 5) % 2 === (y >> 4) % 2 ? 40 : -40;
        raw[(y * w + x) * channels + c] = Math.max(0, Math.min(255, Math.round(wave + edge + (s >>> 28) - 8)));
      }
    }
  }
  return raw;
}

/** A JPEG of that picture, as sharp (libvips, mozjpeg's libjpeg) writes it. */
async function jpeg(w, h, channels, options) {
  let image = sharp(picture(w, h, channels), { raw: { width: w, height: h, channels } });
  if (channels === 1) {
    image = image.toColourspace('b-w'); // one component, not three
  }
  return new Uint8Array(await image.jpeg({ quality: 90, ...options }).toBuffer());
}

/** bytes' marker segments before the first scan's data: [marker, offset of its FF]. */
function segments(bytes) {
  const out = [];
  for (let p = 2; p < bytes.length;) {
    const m = bytes[p + 1];
    out.push([m, p]);
    if (m === 0xDA) {
      break;
    }
    p += 2 + ((bytes[p + 2] << 8) | bytes[p + 3]);
  }
  return out;
}

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

// ---- the slow reference

/** Zigzag index to natural position, made by walking the diagonals (not copied from a table). */
const ZIGZAG = (() => {
  const order = [];
  for (let d = 0; d < 15; d++) {
    const cells = [];
    for (let r = 0; r < 8; r++) {
      if (d - r >= 0 && d - r < 8) {
        cells.push(r * 8 + (d - r));
      }
    }
    order.push(...(d % 2 === 0 ? cells.reverse() : cells)); // even diagonals run upwards
  }
  return order;
})();

/**
 * A baseline, single-scan, restart-free JPEG's quantised coefficients, decoded the slow way:
 * every Huffman code matched bit by bit against a map of its canonical codes.
 * @returns {{width, height, comps: {h, v, q: number[], blocks: number[][], stride: number}[]}}
 *   each component's blocks (natural order) on its MCU-padded grid, q its table (natural order)
 */
function reference(bytes) {
  const tables = {};
  const quant = {};
  let frame = null;
  let p = 2;
  let scan = null;
  while (scan === null) {
    assert.equal(bytes[p], 0xFF, 'reference: a marker');
    const m = bytes[p + 1];
    const len = (bytes[p + 2] << 8) | bytes[p + 3];
    const seg = bytes.subarray(p + 4, p + 2 + len);
    if (m === 0xDB) {
      for (let i = 0; i < seg.length;) {
        const wide = seg[i] >> 4;
        const t = new Array(64);
        const id = seg[i++] & 15;
        for (let k = 0; k < 64; k++, i += wide ? 2 : 1) {
          t[ZIGZAG[k]] = wide ? (seg[i] << 8) | seg[i + 1] : seg[i];
        }
        quant[id] = t;
      }
    } else if (m === 0xC0) {
      frame = { height: (seg[1] << 8) | seg[2], width: (seg[3] << 8) | seg[4], comps: [] };
      for (let c = 0; c < seg[5]; c++) {
        const [id, hv, tq] = seg.subarray(6 + 3 * c, 9 + 3 * c);
        frame.comps.push({ id, h: hv >> 4, v: hv & 15, tq });
      }
    } else if (m === 0xC4) {
      for (let i = 0; i < seg.length;) {
        const key = seg[i] >> 4 ? `ac${seg[i] & 15}` : `dc${seg[i] & 15}`;
        const counts = seg.subarray(i + 1, i + 17);
        let s = i + 17;
        const codes = new Map();
        for (let l = 1, code = 0; l <= 16; l++, code <<= 1) {
          for (let n = 0; n < counts[l - 1]; n++, code++) {
            codes.set(`${l}:${code}`, seg[s++]);
          }
        }
        tables[key] = codes;
        i = s;
      }
    } else if (m === 0xDA) {
      scan = [];
      for (let i = 0; i < seg[0]; i++) {
        scan.push({ comp: frame.comps.findIndex((c) => c.id === seg[1 + 2 * i]), dc: seg[2 + 2 * i] >> 4, ac: seg[2 + 2 * i] & 15 });
      }
    }
    p += 2 + len;
  }
  // The entropy-coded data, stuffed zeros removed, up to the next marker.
  const data = [];
  for (; !(bytes[p] === 0xFF && bytes[p + 1] !== 0); p++) {
    data.push(bytes[p]);
    if (bytes[p] === 0xFF) {
      p++;
    }
  }
  let bit = 0;
  const next = () => {
    const v = bit >> 3 < data.length ? (data[bit >> 3] >> (7 - (bit & 7))) & 1 : 1;
    bit++;
    return v;
  };
  const receive = (n) => {
    let v = 0;
    for (let i = 0; i < n; i++) {
      v = v * 2 + next();
    }
    return v < 2 ** (n - 1) ? v - 2 ** n + 1 : v; // EXTEND
  };
  const symbol = (codes) => {
    for (let l = 1, code = 0; l <= 16; l++) {
      code = code * 2 + next();
      if (codes.has(`${l}:${code}`)) {
        return codes.get(`${l}:${code}`);
      }
    }
    throw new Error('reference: no such code');
  };
  const hmax = Math.max(...frame.comps.map((c) => c.h));
  const vmax = Math.max(...frame.comps.map((c) => c.v));
  const mcusX = Math.ceil(frame.width / (8 * hmax));
  const mcusY = Math.ceil(frame.height / (8 * vmax));
  const comps = frame.comps.map((c) => ({ h: c.h, v: c.v, q: quant[c.tq], stride: mcusX * c.h, blocks: [] }));
  const pred = scan.map(() => 0);
  for (let my = 0; my < mcusY; my++) {
    for (let mx = 0; mx < mcusX; mx++) {
      scan.forEach((s, i) => {
        const c = comps[s.comp];
        for (let v = 0; v < c.v; v++) {
          for (let h = 0; h < c.h; h++) {
            const block = new Array(64).fill(0);
            const size = symbol(tables[`dc${s.dc}`]);
            pred[i] += size === 0 ? 0 : receive(size);
            block[0] = pred[i];
            for (let k = 1; k < 64;) {
              const rs = symbol(tables[`ac${s.ac}`]);
              if ((rs & 15) === 0) {
                if (rs >> 4 !== 15) {
                  break;
                }
                k += 16;
                continue;
              }
              k += rs >> 4;
              block[ZIGZAG[k]] = receive(rs & 15);
              k++;
            }
            c.blocks[(my * c.v + v) * c.stride + mx * c.h + h] = block;
          }
        }
      });
    }
  }
  return { width: frame.width, height: frame.height, comps };
}

/** The rules' T: v + 128 below 128, 255 below 512, 0 below 896, v - 896 above (v = x & 1023). */
function T(x) {
  const v = x & 1023;
  return v < 128 ? v + 128 : v < 512 ? 255 : v < 896 ? 0 : v - 896;
}

/** The rules' 1/8 sample of a block: T[((DC * Q0 + 4) >> 3) & 1023]. */
function dcSample(block, q) {
  return T(Math.floor((block[0] * q[0] + 4) / 8));
}

/** DESCALE as a floor division: (x + 2^(n-1)) >> n without 32-bit limits. */
function descale(x, n) {
  return Math.floor((x + 2 ** (n - 1)) / 2 ** n);
}

/** jidctred.c's jpeg_idct_2x2 as its C text computes it: 2 x 2 samples, row by row. */
function idct2x2(block, q) {
  const ws = new Array(16).fill(0);
  for (const col of [0, 1, 3, 5, 7]) {
    const z = (row) => block[row * 8 + col] * q[row * 8 + col];
    const tmp10 = z(0) * 2 ** 15;
    const tmp0 = z(7) * -5906 + z(5) * 6967 + z(3) * -10426 + z(1) * 29692;
    ws[col] = descale(tmp10 + tmp0, 13);
    ws[8 + col] = descale(tmp10 - tmp0, 13);
  }
  const out = [];
  for (const r of [0, 8]) {
    const tmp10 = ws[r] * 2 ** 15;
    const tmp0 = ws[r + 7] * -5906 + ws[r + 5] * 6967 + ws[r + 3] * -10426 + ws[r + 1] * 29692;
    out.push(T(descale(tmp10 + tmp0, 20)), T(descale(tmp10 - tmp0, 20)));
  }
  return out; // top row, then bottom row
}

/** One column or row of jidctred.c's jpeg_idct_4x4: x(i) is its i-th input; four outputs. */
function idct4(x, shift) {
  const tmp0 = x(0) * 2 ** 14;
  const tmp2 = x(2) * 15137 - x(6) * 6270;
  const [tmp10, tmp12] = [tmp0 + tmp2, tmp0 - tmp2];
  const odd0 = x(7) * -1730 + x(5) * 11893 + x(3) * -17799 + x(1) * 8697;
  const odd2 = x(7) * -4176 + x(5) * -4926 + x(3) * 7373 + x(1) * 20995;
  return [tmp10 + odd2, tmp12 + odd0, tmp12 - odd0, tmp10 - odd2].map((v) => descale(v, shift));
}

/** jidctred.c's jpeg_idct_4x4 as its C text computes it: 4 x 4 samples, row by row. */
function idct4x4(block, q) {
  const ws = Array.from({ length: 4 }, () => new Array(8).fill(0));
  for (const col of [0, 1, 2, 3, 5, 6, 7]) { // column 4 is not read
    idct4((row) => block[row * 8 + col] * q[row * 8 + col], 12).forEach((v, r) => { ws[r][col] = v; });
  }
  return ws.flatMap((row) => idct4((i) => row[i], 19).map(T));
}

/** One column or row of jidctint.c's jpeg_idct_islow: x(i) is its i-th input; eight outputs. */
function idct8(x, shift) {
  const z1 = (x(2) + x(6)) * 4433;
  const tmp2 = z1 + x(6) * -15137;
  const tmp3 = z1 + x(2) * 6270;
  const tmp0 = (x(0) + x(4)) * 8192;
  const tmp1 = (x(0) - x(4)) * 8192;
  const [tmp10, tmp13, tmp11, tmp12] = [tmp0 + tmp3, tmp0 - tmp3, tmp1 + tmp2, tmp1 - tmp2];
  const [t0, t1, t2, t3] = [x(7), x(5), x(3), x(1)];
  const z5 = (t0 + t2 + t1 + t3) * 9633;
  const [a1, a2] = [(t0 + t3) * -7373, (t1 + t2) * -20995];
  const a3 = (t0 + t2) * -16069 + z5;
  const a4 = (t1 + t3) * -3196 + z5;
  const o0 = t0 * 2446 + a1 + a3;
  const o1 = t1 * 16819 + a2 + a4;
  const o2 = t2 * 25172 + a2 + a3;
  const o3 = t3 * 12299 + a1 + a4;
  return [tmp10 + o3, tmp11 + o2, tmp12 + o1, tmp13 + o0, tmp13 - o0, tmp12 - o1, tmp11 - o2,
    tmp10 - o3].map((v) => descale(v, shift));
}

/** jidctint.c's jpeg_idct_islow as its C text computes it: 8 x 8 samples, row by row. */
function idctIslow(block, q) {
  const ws = Array.from({ length: 8 }, () => new Array(8).fill(0));
  for (let col = 0; col < 8; col++) {
    idct8((row) => block[row * 8 + col] * q[row * 8 + col], 11).forEach((v, r) => { ws[r][col] = v; });
  }
  return ws.flatMap((row) => idct8((i) => row[i], 18).map(T));
}

/** A block's n x n samples, row by row, through the IDCT of that size. */
function idctOf(block, q, n) {
  return n === 1 ? [dcSample(block, q)] : n === 2 ? idct2x2(block, q) : n === 4 ? idct4x4(block, q) : idctIslow(block, q);
}

/**
 * The reference's pixels at 1/scale: grey (the first component) or RGB by the rules' formula.
 * Each component through the IDCT of its scaled size: the luma's (and 4:4:4 chroma's) 8 / scale,
 * 4:2:0 chroma's twice that.
 */
function referencePixels(ref, channels, scale = 8) {
  const w = Math.ceil(ref.width / scale);
  const h = Math.ceil(ref.height / scale);
  const plane = (c) => {
    const comp = ref.comps[c];
    const full = comp.h === ref.comps[0].h && comp.v === ref.comps[0].v;
    const n = full ? 8 / scale : 16 / scale;
    const cache = new Map();
    const out = [];
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const b = Math.floor(y / n) * comp.stride + Math.floor(x / n);
        if (!cache.has(b)) {
          cache.set(b, idctOf(comp.blocks[b], comp.q, n));
        }
        out.push(cache.get(b)[(y % n) * n + (x % n)]);
      }
    }
    return out;
  };
  if (channels === 1) {
    return Uint8Array.from(plane(0));
  }
  const [Y, Cb, Cr] = [plane(0), plane(1), plane(2)];
  const clip = (v) => Math.max(0, Math.min(255, v));
  const out = new Uint8Array(w * h * 3);
  for (let i = 0; i < w * h; i++) {
    out[3 * i] = clip(Y[i] + Math.floor((91881 * (Cr[i] - 128) + 32768) / 65536));
    out[3 * i + 1] = clip(Y[i] + Math.floor((-22554 * (Cb[i] - 128) - 46802 * (Cr[i] - 128) + 32768) / 65536));
    out[3 * i + 2] = clip(Y[i] + Math.floor((116130 * (Cb[i] - 128) + 32768) / 65536));
  }
  return out;
}

function refusal(bytes, options = { channels: 1, draftSide: 1 }) {
  try {
    decodeJpeg(bytes, 'damaged.jpg', options);
  } catch (e) {
    assert.ok(e instanceof PictureError, `a PictureError, not ${e}`);
    assert.equal(e.message, `damaged.jpg: ${e.reason}`);
    return e.reason;
  }
  return null;
}

// ---- tests

test('isJpeg: SOI and more than two bytes', () => {
  assert.equal(isJpeg(Uint8Array.of(0xFF, 0xD8, 0xFF)), true);
  assert.equal(isJpeg(Uint8Array.of(0xFF, 0xD8)), false);
  assert.equal(isJpeg(new Uint8Array(0)), false);
  assert.equal(isJpeg(Uint8Array.of(0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A)), false);
});

test('readJpegHeader: the frame, or null for garbage', async () => {
  const colour = await jpeg(333, 250, 3, { chromaSubsampling: '4:2:0' });
  assert.deepEqual(readJpegHeader(colour, 'c.jpg'), { width: 333, height: 250, decodable: true, components: 3, rgbDc: true });
  const grey = await jpeg(64, 48, 1, {});
  assert.deepEqual(readJpegHeader(grey, 'g.jpg'), { width: 64, height: 48, decodable: true, components: 1, rgbDc: false });
  assert.equal(readJpegHeader(Uint8Array.of(0xFF, 0xD8, 0xFF), 'x.jpg'), null);
  assert.equal(readJpegHeader(Uint8Array.of(0xFF, 0xD8, 1, 2, 3, 4, 5), 'x.jpg'), null);
  // 12-bit: not the reduced routes' (left to the platform's decoder)
  const twelve = colour.slice();
  twelve[segments(colour).find(([m]) => m === 0xC0)[1] + 4] = 12;
  assert.equal(readJpegHeader(twelve, 'x.jpg').decodable, false);
  assert.deepEqual(decodeJpeg(twelve, 'x.jpg', { channels: 3, draftSide: 1 }), { kind: 'whole' });
});

test('garbage and empty files are refused with a PictureError', () => {
  assert.equal(refusal(Uint8Array.of(0xFF, 0xD8, 0xFF)), 'truncated picture');
  assert.equal(refusal(Uint8Array.of(0xFF, 0xD8, 0, 0, 0, 0)), 'truncated picture');
  assert.match(refusal(Uint8Array.of(0xFF, 0xD8, 0xFF, 0xD9)), /no scan of the first component/);
  assert.match(refusal(Uint8Array.of(0xFF, 0xD8, 0xFF, 0xDA, 0, 8, 1, 1, 0, 0, 63, 0)), /a scan before a decodable frame header/);
});

for (const [name, channels, options] of [
  ['grey', 1, {}],
  ['grey progressive', 1, { progressive: true }],
  ['4:4:4', 3, { chromaSubsampling: '4:4:4' }],
  ['4:2:0', 3, { chromaSubsampling: '4:2:0' }],
  ['4:2:0 progressive', 3, { chromaSubsampling: '4:2:0', progressive: true }],
  ['4:4:4 progressive', 3, { chromaSubsampling: '4:4:4', progressive: true }],
]) {
  test(`1/8, 1/4 and 1/2 pixels of a ${name} JPEG equal the slow reference, every sample`, async () => {
    const w = 333; // not a multiple of 16: partial MCUs, the chroma's output cropped
    const h = 250;
    const file = await jpeg(w, h, channels, options);
    // The reference reads baseline only; the same picture at the same quality has the same
    // quantised coefficients progressive or not (no trellis quantisation by default).
    const ref = reference(options.progressive ? await jpeg(w, h, channels, { ...options, progressive: false }) : file);
    for (const scale of [8, 4, 2]) {
      for (const model of [1, 3]) { // the model's channels: a grey JPEG stays grey
        const got = decodeJpeg(file, `${name}.jpg`, { channels: model, draftSide: 31, draftScales: [scale] });
        const want = referencePixels(ref, channels === 1 ? 1 : model, scale);
        assert.equal(got.kind, 'draft');
        assert.deepEqual([got.scale, got.width, got.height, got.channels, got.fullWidth, got.fullHeight],
          [scale, Math.ceil(w / scale), Math.ceil(h / scale), channels === 1 ? 1 : model, w, h]);
        let differ = 0;
        for (let i = 0; i < want.length; i++) {
          differ += got.data[i] === want[i] ? 0 : 1;
        }
        assert.equal(differ, 0, `${differ} of ${want.length} samples differ (1/${scale}, model channels ${model})`);
        assert.equal(got.data.length, want.length);
      }
    }
  });
}

test('the reduced route: the largest of draftScales that keeps draftSide, never at 0', async () => {
  const file = await jpeg(120, 80, 3, { chromaSubsampling: '4:2:0' });
  const at = (draftSide, draftScales) => {
    const got = decodeJpeg(file, 'a.jpg', { channels: 3, draftSide, draftScales });
    return got.kind === 'draft' ? [got.scale, got.width, got.height] : got.kind;
  };
  assert.deepEqual(at(10, undefined), [8, 15, 10]); // 80 >= 8 * 10; draftScales defaults to [8]
  assert.deepEqual(at(11, undefined), 'whole');
  assert.deepEqual(at(10, [8, 4, 2]), [8, 15, 10]);
  assert.deepEqual(at(11, [8, 4, 2]), [4, 30, 20]);
  assert.deepEqual(at(20, [8, 4, 2]), [4, 30, 20]);
  assert.deepEqual(at(21, [8, 4, 2]), [2, 60, 40]);
  assert.deepEqual(at(40, [8, 4, 2]), [2, 60, 40]);
  assert.deepEqual(at(41, [8, 4, 2]), 'whole');
  assert.deepEqual(at(11, [8, 2]), [2, 60, 40]);
  assert.deepEqual(at(0, [8, 4, 2]), 'whole');
  assert.equal(draftScale(120, 80, 21, [8, 4, 2]), 2);
  assert.throws(() => decodeJpeg(file, 'a.jpg', { channels: 2, draftSide: 0 }), RangeError);
  for (const bad of [[], [4, 8], [3], [8, 8], 'eight']) {
    assert.throws(() => decodeJpeg(file, 'a.jpg', { channels: 3, draftSide: 1, draftScales: bad }), RangeError);
  }
});

test('data that ends inside the scan is a truncated picture, at either size', async () => {
  const file = await jpeg(640, 480, 3, { chromaSubsampling: '4:2:0' });
  const sos = segments(file).at(-1)[1];
  const cut = file.subarray(0, sos + Math.floor((file.length - sos) / 2));
  for (const draftScales of [[8], [4], [2]]) {
    assert.equal(refusal(cut, { channels: 3, draftSide: 50, draftScales }), 'truncated picture');
  }
  assert.equal(refusal(cut, { channels: 1, draftSide: 0 }), 'truncated picture');
  assert.equal(refusal(file.subarray(0, sos - 10)), 'truncated picture');
  // without its EOI the last fill runs out of data before the last row: truncated too
  assert.equal(refusal(file.subarray(0, file.length - 2)), 'truncated picture');
});

test('the marker rules: reserved markers fatal, short APPn skipped, what follows the last row', async () => {
  const file = await jpeg(96, 64, 1, {});
  const good = decodeJpeg(file, 'g.jpg', { channels: 1, draftSide: 8 });
  const afterSoi = (...b) => concat(file.subarray(0, 2), Uint8Array.from(b), file.subarray(2));
  assert.equal(refusal(afterSoi(0xFF, 0xF0, 0, 4, 1, 2)),
    'unreadable picture (corrupt JPEG data: marker 0xf0 where libjpeg allows none)');
  assert.equal(refusal(afterSoi(0xFF, 0xD8)), 'unreadable picture (corrupt JPEG data: marker 0xd8 where libjpeg allows none)');
  for (const short of [[0xFF, 0xFE, 0, 0], [0xFF, 0xE1, 0, 1]]) {
    assert.deepEqual(decodeJpeg(afterSoi(...short), 'g.jpg', { channels: 1, draftSide: 8 }), good);
  }
  const body = file.subarray(0, file.length - 2); // without EOI
  const tail = (...b) => concat(body, Uint8Array.from(b));
  const ok = (bytes) => assert.deepEqual(decodeJpeg(bytes, 'g.jpg', { channels: 1, draftSide: 8 }), good);
  ok(concat(file, new TextEncoder().encode('garbage'.repeat(10)))); // after EOI: nothing read
  ok(tail(0xFF, 0xC4)); // a table cut short by the file's end: libjpeg merely suspends
  ok(tail(0xFF, 0xDA, 0, 8)); // so does a second scan's header
  ok(tail(0xFF, 0xDD, 0, 4, 0)); // and a restart interval of the right length
  assert.equal(refusal(tail(0xFF, 0xC0)), 'unreadable picture (corrupt JPEG data: two frame headers)');
  assert.equal(refusal(tail(0xFF, 0xDD, 0, 5)), 'unreadable picture (corrupt JPEG data: bad DRI length)');
  assert.equal(refusal(tail(0xFF, 0xDB, 0, 0x43, 0x05)), 'unreadable picture (corrupt JPEG data: bad quantisation table)');
  const sos = file.subarray(segments(file).at(-1)[1], segments(file).at(-1)[1] + 10);
  assert.equal(refusal(concat(body, sos)), 'unreadable picture (corrupt JPEG data: a second scan where EOI was expected)');
});

test('a progressive JPEG whose AC scans are missing is refused: libjpeg would block-smooth it', async () => {
  for (const [channels, route] of [[1, { channels: 1, draftSide: 8 }], [3, { channels: 3, draftSide: 8 }]]) {
    const file = await jpeg(128, 96, channels, { progressive: true, chromaSubsampling: '4:2:0' });
    // keep the headers and the first (DC) scan, then EOI
    const scans = [];
    for (let p = segments(file).at(-1)[1]; p < file.length - 2;) {
      let end = p + 2 + ((file[p + 2] << 8) | file[p + 3]);
      if (file[p + 1] === 0xDA) {
        while (!(file[end] === 0xFF && file[end + 1] !== 0 && (file[end + 1] < 0xD0 || file[end + 1] > 0xD7))) {
          end++;
        }
        scans.push([p, end]);
      }
      p = end;
    }
    assert.ok(scans.length > 2, `${scans.length} scans`);
    const dcOnly = concat(file.subarray(0, scans[0][1]), Uint8Array.of(0xFF, 0xD9));
    for (const draftScales of [[8], [4], [2]]) {
      assert.match(refusal(dcOnly, { ...route, draftScales }), /block smoothing/);
      assert.equal(decodeJpeg(file, 'p.jpg', { ...route, draftScales }).kind, 'draft'); // whole, it is decoded
    }
    // Without its last scan (an AC refinement), libjpeg smooths what 1/4 and 1/2 show.
    const lastOut = concat(file.subarray(0, scans.at(-2)[1]), Uint8Array.of(0xFF, 0xD9));
    for (const draftScales of [[4], [2]]) {
      assert.match(refusal(lastOut, { ...route, draftScales }), /block smoothing/);
    }
  }
});

test('too many pixels is a decompression bomb, refused before decoding', async () => {
  const file = await jpeg(64, 48, 3, {});
  assert.equal(refusal(file, { channels: 3, draftSide: 1, maxPixels: 3000 }),
    'decompression bomb: 64x48 exceeds 3000 pixels');
  assert.equal(decodeJpeg(file, 'b.jpg', { channels: 3, draftSide: 1, maxPixels: 3072 }).kind, 'draft');
});

test('damaged files give pixels or a PictureError, never another error', async () => {
  const files = [await jpeg(80, 72, 3, { chromaSubsampling: '4:2:0' }), await jpeg(80, 72, 1, { progressive: true })];
  let seed = 7;
  const rand = (n) => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return (seed >>> 8) % n;
  };
  const seen = { draft: 0, whole: 0, refused: 0 };
  for (let i = 0; i < 400; i++) {
    const b = files[i % 2].slice();
    for (let k = 0, n = 1 + rand(4); k < n; k++) {
      b[2 + rand(b.length - 2)] ^= 1 + rand(255);
    }
    const cut = rand(4) === 0 ? b.subarray(0, 2 + rand(b.length - 2)) : b;
    for (const channels of [1, 3]) {
      for (const draftScales of [[8], [4], [2]]) {
        try {
          seen[decodeJpeg(cut, 'f.jpg', { channels, draftSide: 1, draftScales }).kind]++;
        } catch (e) {
          assert.ok(e instanceof PictureError, `file ${i}: ${e && e.stack}`);
          seen.refused++;
        }
      }
    }
  }
  assert.ok(seen.draft > 0 && seen.refused > 0, JSON.stringify(seen));
});
