#!/usr/bin/env node
/**
 * The pixels js/src/core/png.js decodes from PNG files, for tests/test_js_png.py to compare
 * with Python's decode_pixels.
 *
 *   node js/tools/png-pixels.js OUTDIR --color grey|rgb [--max-pixels N] FILE...
 *
 * Writes each decoded file's pixels (rows top to bottom, channels interleaved, before EXIF
 * orientation) as OUTDIR/<index>.raw, and OUTDIR/result.json: one entry per file, in order,
 * either {file, raw, width, height, channels, orientation} or {file, refusal} (the
 * PictureError's reason). Exit status 0 unless the tool itself fails (a crash is status 1
 * with a stack trace: a PictureError is a result, any other error is a bug).
 */

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PictureError } from '../src/core/errors.js';
import { decodePng, pngOrientation } from '../src/core/png.js';

const MAX_PIXELS = 50_000_000; // python.data.preprocessing.MAX_PIXELS

function main(argv) {
  const files = [];
  let out = null;
  let color = null;
  let maxPixels = MAX_PIXELS;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--color') color = argv[++i];
    else if (argv[i] === '--max-pixels') maxPixels = Number(argv[++i]);
    else if (out === null) out = argv[i];
    else files.push(argv[i]);
  }
  if (out === null || (color !== 'grey' && color !== 'rgb') || !(maxPixels >= 0)) {
    process.stderr.write('usage: node js/tools/png-pixels.js OUTDIR --color grey|rgb [--max-pixels N] FILE...\n');
    return 2;
  }
  mkdirSync(out, { recursive: true });
  const results = files.map((file, index) => {
    const bytes = new Uint8Array(readFileSync(file));
    try {
      const { width, height, channels, data } = decodePng(bytes, file, { color, maxPixels });
      const raw = `${index}.raw`;
      writeFileSync(join(out, raw), data);
      return { file, raw, width, height, channels, orientation: pngOrientation(bytes) };
    } catch (e) {
      if (!(e instanceof PictureError)) throw e;
      return { file, refusal: e.reason };
    }
  });
  writeFileSync(join(out, 'result.json'), JSON.stringify(results, null, 1));
  return 0;
}

process.exitCode = main(process.argv.slice(2));
