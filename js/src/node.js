/**
 * The package's Node entry point: an artifacts folder on disk, ONNX Runtime's native CPU
 * library (onnxruntime-node), and sharp for the pictures the platform decodes whole.
 *
 * sharp is libvips over libjpeg-turbo's decoder (mozjpeg's build of it), the decoder Pillow
 * uses, so a whole JPEG comes back with Pillow's pixels; it is told to ignore embedded ICC
 * profiles, as Pillow does, and not to turn a JPEG (picture.js turns it by the orientation
 * Pillow reads).
 */
import { randomBytes } from 'node:crypto';
import { readFile, realpath, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { BATCH, Classifier } from './core/classifier.js';
import { ArtifactError, PictureError } from './core/errors.js';

export { Classifier, BATCH } from './core/classifier.js';
export { ArtifactError, PictureError } from './core/errors.js';
export { Classification } from './core/outputs.js';
export { outputLine, sixDecimals } from './core/format.js';

/**
 * Decode a whole picture with sharp: 8-bit, unpremultiplied; a JPEG as stored (turned by the
 * caller, as Pillow reads its orientation), anything else turned by sharp.
 * @type {import('./core/picture.js').DecodeWhole}
 */
export async function decodeWithSharp(bytes, name, { maxPixels, jpeg }) {
  let result;
  try {
    result = await sharp(bytes, {
      ignoreIcc: true, limitInputPixels: maxPixels, page: 0, pages: 1, autoOrient: !jpeg,
      // A JPEG's data was checked by the JPEG reader as Pillow checks it; libjpeg's warnings
      // (such as extraneous bytes) do not refuse it in Pillow either.
      failOn: jpeg ? 'none' : 'error',
    }).raw().toBuffer({ resolveWithObject: true });
  } catch (err) {
    const text = String(err?.message ?? err).split('\n')[0];
    if (/exceeds pixel limit/.test(text)) throw new PictureError(name, `decompression bomb: too many pixels (over ${maxPixels})`);
    if (/unsupported image format/.test(text)) throw new PictureError(name, 'not a picture this package can read (PNG, JPEG, GIF, WebP or TIFF)');
    throw new PictureError(name, `unreadable picture (${text})`);
  }
  const { data, info } = result;
  if (data.length !== info.width * info.height * info.channels) {
    throw new PictureError(name, `not an 8-bit picture (${info.depth ?? 'unknown depth'}), which this package reads only as PNG`);
  }
  return { width: info.width, height: info.height, channels: info.channels,
    data: new Uint8Array(data.buffer, data.byteOffset, data.length), oriented: !jpeg };
}

/** libjpeg-turbo's block smoothing, as Pillow's (measured on every such test picture). */
decodeWithSharp.smoothsAsPillow = true;

/** Temporary files this process has written: each name once, so libvips' cache never serves an old one. */
let temporaries = 0;

/**
 * A plain JPEG decoded at 1/scale by sharp, as libjpeg-turbo under Pillow's draft() decodes it:
 * libvips' JPEG loader with its shrink option (libjpeg's scale_denom), which sharp takes only
 * in a file name (libvips' `file.jpg[shrink=4]`), so the bytes go to a temporary file first.
 * libvips rounds the reduced size down where libjpeg (Pillow) rounds it up: the file's frame
 * header is given a width and height rounded up to multiples of the scale, which keeps every
 * MCU and block where it was (the scale divides the MCU's 8 or 16 pixels) and adds the
 * partial last column and row libjpeg gives (at reduced scale a 4:4:4 or 4:2:0 JPEG is not
 * upsampled: each output pixel is its own block's). Held equal to Pillow's draft() by
 * tests/test_js_sharp_reduced.py (tests.jpegdcrgb's pictures, grey ones, fuzzed ones).
 * @type {import('./core/picture.js').DecodeReduced}
 */
export async function decodeReducedWithSharp(bytes, { scale, width, height, channels, sofAt }) {
  const file = path.join(tmpdir(), `modelparity-${process.pid}-${++temporaries}-${randomBytes(6).toString('hex')}.jpg`);
  const [h, w] = [height * scale, width * scale]; // the frame header's, rounded up
  if (w > 0xFFFF || h > 0xFFFF) {
    return null;
  }
  let copy = bytes;
  if (((bytes[sofAt] << 8) | bytes[sofAt + 1]) !== h || ((bytes[sofAt + 2] << 8) | bytes[sofAt + 3]) !== w) {
    copy = bytes.slice();
    copy.set([h >> 8, h & 0xFF, w >> 8, w & 0xFF], sofAt);
  }
  let written = false;
  try {
    await writeFile(file, copy, { flag: 'wx', mode: 0o600 }); // a new file, or none
    written = true;
    let image = sharp(`${file}[shrink=${scale}]`, {
      ignoreIcc: true, autoOrient: false, failOn: 'none', limitInputPixels: false,
    });
    if (channels === 1) {
      image = image.toColourspace('b-w'); // as loaded: sharp's raw output is otherwise sRGB
    }
    const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
    if (info.width !== width || info.height !== height || info.channels !== channels
      || data.length !== width * height * channels) {
      return null;
    }
    return new Uint8Array(data.buffer, data.byteOffset, data.length);
  } catch {
    return null; // the reader decodes it, and refuses it where Pillow does
  } finally {
    if (written) await unlink(file).catch(() => {});
  }
}
decodeWithSharp.reduced = decodeReducedWithSharp;

/**
 * The platform a Classifier reads an artifacts folder on disk with.
 * @param {string} folder the artifacts folder
 * @param {object} [sessionOptions] ONNX Runtime session options
 * @returns {import('./core/classifier.js').Platform}
 */
export function folderPlatform(folder, sessionOptions = {}) {
  return {
    where: folder,
    ort,
    sessionOptions,
    decodeWhole: decodeWithSharp,
    async read(name) {
      const file = path.join(folder, name);
      const [root, real] = await Promise.all([realpath(folder), realpath(file)]);
      if (real !== root && !real.startsWith(root + path.sep)) {
        throw new ArtifactError(path.join(folder, 'manifest.json'), `artifact path '${name}' leaves the artifacts folder`);
      }
      return new Uint8Array(await readFile(real));
    },
  };
}

/**
 * Open the model in an artifacts folder: the manifest read and checked, the model's sha256
 * checked against it, an ONNX Runtime session started.
 * @param {string} folder the artifacts folder python -m python.export wrote
 * @param {{format?: 'onnx'|'onnx_int8', sessionOptions?: object}} [options]
 * @returns {Promise<Classifier>}
 * @throws {ArtifactError}
 */
export async function openClassifier(folder, { format = 'onnx', sessionOptions } = {}) {
  const defaults = { intraOpNumThreads: 1, interOpNumThreads: 1 };
  return Classifier.open(folderPlatform(folder, { ...defaults, ...sessionOptions }), { format });
}

/**
 * A picture file's bytes, or a PictureError naming it.
 * @param {string} file
 * @returns {Promise<Uint8Array>}
 * @throws {PictureError}
 */
export async function readPicture(file) {
  try {
    if ((await stat(file)).isDirectory()) throw new PictureError(file, 'is a folder, not a picture');
    return new Uint8Array(await readFile(file));
  } catch (err) {
    if (err instanceof PictureError) throw err;
    if (err?.code === 'ENOENT') throw new PictureError(file, 'no such file');
    throw new PictureError(file, `cannot read it (${err?.code ?? err})`);
  }
}

/**
 * Classify picture files, BATCH at a time, each batch read only when the one before is
 * answered, so memory stays flat however many photos there are. A file that cannot be read
 * gives its PictureError in its place.
 * @param {Classifier} classifier
 * @param {string[]} files
 * @returns {AsyncGenerator<import('./core/outputs.js').Classification|PictureError>}
 */
export async function* classifyFiles(classifier, files) {
  for (let start = 0; start < files.length; start += BATCH) {
    const pictures = await Promise.all(files.slice(start, start + BATCH).map(async (name) => {
      try {
        return { name, bytes: await readPicture(name) };
      } catch (err) {
        return { name, error: err };
      }
    }));
    const readable = pictures.filter((p) => !p.error);
    const answers = await classifier.classify(readable);
    const byPicture = new Map(readable.map((p, i) => [p, answers[i]]));
    for (const p of pictures) yield p.error ?? byPicture.get(p);
  }
}
