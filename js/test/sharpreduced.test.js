/**
 * Node's route for large JPEGs: a plain one (JpegDc.plain()) decoded reduced by sharp
 * (node.js decodeReducedWithSharp), held to the JPEG reader's pixels on JPEGs made here with
 * sharp (odd sizes, 4:2:0 and 4:4:4, progressive, restart markers, grey), and a file that is not
 * plain left to the reader. Needs no Python: `cd js && node --test`.
 * (tests/test_js_sharp_reduced.py holds the route to Pillow's pixels.)
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { PictureError } from '../src/core/errors.js';
import { decodeJpeg } from '../src/core/jpeg/index.js';
import { decodeReducedWithSharp } from '../src/node.js';

/** A w x h JPEG of `channels` (1 or 3) with sharp's encoder options. */
async function jpeg(w, h, channels, options) {
  const raw = Buffer.alloc(w * h * channels);
  let s = 7;
  for (let i = 0; i < raw.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    const x = (i / channels) % w;
    raw[i] = Math.round(128 + 90 * Math.sin(x / 17 + i / (w * channels * 13) + (i % channels)) + (s >>> 28));
  }
  return new Uint8Array(await sharp(raw, { raw: { width: w, height: h, channels } }).jpeg(options).toBuffer());
}

/** Both routes of one file at one scale: sharp's pixels (null where it is not plain) and the reader's. */
async function both(bytes, scale, channels = 3) {
  const options = { channels, draftSide: 1, draftScales: [scale] };
  const reduced = decodeJpeg(bytes, 'x.jpg', { ...options, platformReduces: true });
  const reader = decodeJpeg(bytes, 'x.jpg', options);
  if (reduced.kind !== 'reduced') return { sharp: null, reader };
  assert.deepEqual([reduced.width, reduced.height, reduced.channels], [reader.width, reader.height, reader.channels]);
  return { sharp: await decodeReducedWithSharp(bytes, reduced), reader };
}

test('sharp decodes plain JPEGs reduced to the reader\'s pixels, odd sizes included', async () => {
  const cases = [
    [301, 203, 3, { quality: 92, chromaSubsampling: '4:2:0' }],
    [333, 250, 3, { quality: 97, chromaSubsampling: '4:4:4' }],
    [257, 199, 3, { quality: 90, chromaSubsampling: '4:2:0', progressive: true }],
    [320, 240, 3, { quality: 85, chromaSubsampling: '4:4:4', progressive: true }],
    [299, 211, 1, { quality: 90 }],
  ];
  let compared = 0;
  for (const [w, h, channels, options] of cases) {
    const bytes = await jpeg(w, h, channels, options);
    for (const scale of [8, 4, 2]) {
      const { sharp: ours, reader } = await both(bytes, scale);
      assert.ok(ours !== null, `${w}x${h} ${JSON.stringify(options)} at 1/${scale}: plain, decoded by sharp`);
      assert.deepEqual(ours, reader.data, `${w}x${h} ${JSON.stringify(options)} at 1/${scale}`);
      compared++;
    }
  }
  assert.equal(compared, 15);
});

test('a JPEG whose restart markers are out of turn, or cut in its scan, is not plain', async () => {
  const bytes = await jpeg(320, 240, 3, { quality: 90 });
  // no restart interval: an RST in the data is not one the scan asks for
  const sos = bytes.findIndex((b, i) => b === 0xFF && bytes[i + 1] === 0xDA);
  const damaged = bytes.slice();
  const at = sos + 400;
  damaged.set([0xFF, 0xD3], at);
  assert.equal((await both(damaged, 4)).sharp, null);
  const cut = bytes.slice(0, sos + 2000);
  // not handed to sharp: the reader decodes it, and refuses it as truncated, as Pillow does
  assert.throws(() => decodeJpeg(cut, 'x.jpg', { channels: 3, draftSide: 1, draftScales: [4], platformReduces: true }),
    (err) => err instanceof PictureError && /truncated/.test(err.message));
});
