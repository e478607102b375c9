#!/usr/bin/env node
/**
 * The JPEG reader's answers for files, for tests that hold it to Python (tests/test_js_jpeg.py).
 *
 *   node js/tools/jpeg-pixels.js OUTDIR FILE... --channels 1|3 --draft-side N
 *     [--draft-scales 8,4,2] [--max-pixels N]
 *
 * --draft-side is reduce_to * reduce_side (0: never reduced), --draft-scales the manifest's
 * draft_scales (default 8): a JPEG comes at the largest of them, s, with min(W, H) >= s * N.
 * For file i (0-based, in the order given) decodeJpeg's answer goes into OUTDIR/result.json, a
 * list of {file, kind, ...}: kind 'draft' (its pixels in OUTDIR/<i>.raw, interleaved 8-bit,
 * rows top to bottom, with scale, width, height, channels, fullWidth, fullHeight), 'whole' (left to the
 * platform's decoder), 'refused' (a PictureError; its reason), 'not-jpeg' (isJpeg is false) or
 * 'crash' (any other error, its stack; the exit status is then 2); for a JPEG also header,
 * readJpegHeader's answer (null where the walk failed). Node-only: reads and writes files.
 * With MODELPARITY_JPEG_PLATFORM=sharp in the environment, a plain JPEG on a reduced route is
 * decoded by sharp as the Node CLI decodes it (node.js decodeReducedWithSharp), the reader
 * decoding what sharp does not; each 'draft' answer says which in by: 'sharp' or 'reader'.
 */

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PictureError } from '../src/core/errors.js';
import { decodeJpeg, isJpeg, readJpegHeader } from '../src/core/jpeg/index.js';

const bySharp = process.env.MODELPARITY_JPEG_PLATFORM === 'sharp';
const { decodeReducedWithSharp } = bySharp ? await import('../src/node.js') : {};

const USAGE = 'usage: node js/tools/jpeg-pixels.js OUTDIR FILE... --channels 1|3 --draft-side N'
  + ' [--draft-scales 8,4,2] [--max-pixels N]';

function usage(why) {
  process.stderr.write(`jpeg-pixels: ${why}\n${USAGE}\n`);
  process.exit(64);
}

const options = { channels: NaN, draftSide: NaN, draftScales: [8] };
const positional = [];
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--draft-scales') {
    if (i + 1 >= args.length || !/^\d+(,\d+)*$/.test(args[i + 1])) {
      usage('--draft-scales wants numbers separated by commas');
    }
    options.draftScales = args[++i].split(',').map(Number);
    continue;
  }
  const flag = { '--channels': 'channels', '--draft-side': 'draftSide', '--max-pixels': 'maxPixels' }[args[i]];
  if (flag === undefined) {
    positional.push(args[i]);
    continue;
  }
  if (i + 1 >= args.length || !/^\d+$/.test(args[i + 1])) {
    usage(`${args[i]} wants a number`);
  }
  options[flag] = Number(args[++i]);
}
if (options.channels !== 1 && options.channels !== 3) {
  usage('--channels must be 1 or 3');
}
if (Number.isNaN(options.draftSide)) {
  usage('--draft-side is required');
}
if (positional.length < 1) {
  usage('no OUTDIR');
}
const [out, ...files] = positional;
mkdirSync(out, { recursive: true });

const results = [];
let crashed = false;
for (const [i, file] of files.entries()) {
  const bytes = new Uint8Array(readFileSync(file));
  const start = performance.now();
  let entry;
  if (!isJpeg(bytes)) {
    entry = { kind: 'not-jpeg' };
  } else {
    try {
      let r = decodeJpeg(bytes, file, { ...options, platformReduces: bySharp });
      let by = 'reader';
      if (r.kind === 'reduced') {
        const data = await decodeReducedWithSharp(bytes, r);
        r = data === null ? decodeJpeg(bytes, file, options) : { ...r, kind: 'draft', data };
        by = data === null ? by : 'sharp';
      }
      if (r.kind === 'draft') {
        writeFileSync(join(out, `${i}.raw`), r.data);
        entry = { kind: 'draft', scale: r.scale, width: r.width, height: r.height,
          channels: r.channels, fullWidth: r.fullWidth, fullHeight: r.fullHeight, by };
      } else {
        entry = { kind: r.kind };
      }
    } catch (e) {
      if (e instanceof PictureError) {
        entry = { kind: 'refused', reason: e.reason };
      } else {
        entry = { kind: 'crash', error: String(e && e.stack ? e.stack : e) };
        crashed = true;
      }
    }
  }
  entry.ms = Math.round((performance.now() - start) * 10) / 10; // decodeJpeg's time
  if (entry.kind !== 'not-jpeg') {
    entry.header = readJpegHeader(bytes, file);
  }
  results.push({ file, ...entry });
}
writeFileSync(join(out, 'result.json'), JSON.stringify(results, null, 1));
process.exit(crashed ? 2 : 0);
