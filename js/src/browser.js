/**
 * The package's browser entry point: an artifacts folder by URL (or as picked files), ONNX
 * Runtime's WebAssembly build (onnxruntime-web, one thread: no cross-origin isolation needed,
 * and the fastest for models this size), and the browser's own decoder for the pictures it
 * decodes whole.
 *
 * Chromium decodes JPEG with libjpeg-turbo, as Pillow does; asked not to convert colour
 * spaces or premultiply alpha, it gives Pillow's pixels. A canvas stores premultiplied alpha,
 * so a transparent picture could come back off by one: PNG never goes this way (png.js reads
 * it), and any other transparent picture is refused rather than answered approximately.
 */
import * as ort from 'onnxruntime-web';
import { Classifier } from './core/classifier.js';
import { PictureError } from './core/errors.js';
import { withoutApp1 } from './core/orientation.js';

export { Classifier, BATCH } from './core/classifier.js';
export { ArtifactError, PictureError } from './core/errors.js';
export { Classification } from './core/outputs.js';
export { outputLine, sixDecimals } from './core/format.js';
export { ort };

/**
 * ONNX Runtime's session options here. Without graph optimisations: onnxruntime-web's fused
 * WebAssembly kernels round further from Python's (EfficientNet-B0 1.36e-5 from Keras, over
 * the parity bound of 1e-5, against 4.5e-6 unfused) and cost as much as they save (1.70
 * against 1.72 ms a batch of 8 for the selfie model, 54.6 against 55.6 ms for EfficientNet).
 */
export const SESSION_OPTIONS = Object.freeze({ graphOptimizationLevel: 'disabled' });

/** The options under which Chromium's decoder gives Pillow's pixels. */
export const BITMAP_OPTIONS = Object.freeze({
  colorSpaceConversion: 'none', premultiplyAlpha: 'none', imageOrientation: 'from-image',
});

/**
 * Decode a whole picture with the browser's decoder: a JPEG as stored (its APP1 segments left
 * out, so that Chromium does not turn it: picture.js turns it by the orientation Pillow
 * reads), anything else turned by the browser.
 * @type {import('./core/picture.js').DecodeWhole}
 */
export async function decodeWithBrowser(bytes, name, { maxPixels, jpeg }) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(new Blob([jpeg ? withoutApp1(bytes) : bytes]), BITMAP_OPTIONS);
  } catch {
    throw new PictureError(name, 'not a picture this browser can decode');
  }
  const { width, height } = bitmap;
  if (width * height > maxPixels) {
    bitmap.close();
    throw new PictureError(name, `decompression bomb: ${width}x${height} exceeds ${maxPixels} pixels`);
  }
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d', { willReadFrequently: true });
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  const { data } = context.getImageData(0, 0, width, height);
  for (let i = 3; i < data.length; i += 4) {
    if (data[i] !== 255) {
      throw new PictureError(name, 'a transparent picture the browser can only give premultiplied (off by one); save it as PNG');
    }
  }
  return { width, height, channels: 4, data, oriented: !jpeg };
}

/**
 * Where a Classifier reads the artifacts: a folder URL, or files a person picked (a FileList
 * or File[] from <input type=file webkitdirectory> or a drop), found by their names.
 * @param {string|URL|Iterable<File>} source
 * @returns {{where: string, read: (name: string) => Promise<Uint8Array>}}
 */
export function artifactSource(source) {
  if (typeof source === 'string' || source instanceof URL) {
    const base = new URL(String(source).replace(/\/?$/, '/'), globalThis.location?.href);
    return {
      where: base.href.replace(/\/$/, ''),
      async read(name) {
        const response = await fetch(new URL(name, base));
        if (!response.ok) throw Object.assign(new Error(`HTTP ${response.status}`), { status: response.status });
        return new Uint8Array(await response.arrayBuffer());
      },
    };
  }
  const files = [...source];
  const manifest = files.find((f) => f.name === 'manifest.json');
  // A picked folder's files carry their path under it; the manifest's folder is the root.
  const rel = (f) => (f.webkitRelativePath || f.name);
  const root = manifest ? rel(manifest).slice(0, -'manifest.json'.length) : '';
  const byName = new Map(files.map((f) => [rel(f).slice(root.length), f]));
  return {
    where: root.replace(/\/$/, '') || 'the picked folder',
    async read(name) {
      const file = byName.get(name);
      if (!file) throw Object.assign(new Error('not picked'), { status: 404 });
      return new Uint8Array(await file.arrayBuffer());
    },
  };
}

/**
 * Open the model in an artifacts folder: the manifest read and checked, the model's sha256
 * checked against it, an onnxruntime-web session started.
 * @param {string|URL|Iterable<File>} source the folder's URL, or its files
 * @param {{format?: 'onnx'|'onnx_int8', wasmPaths?: string, threads?: number,
 *   sessionOptions?: object}} [options] wasmPaths: where onnxruntime-web's .wasm files are
 *   served (its dist/ folder); sessionOptions: over SESSION_OPTIONS
 * @returns {Promise<Classifier>}
 * @throws {import('./core/errors.js').ArtifactError}
 */
export async function openClassifier(source, { format = 'onnx', wasmPaths, threads = 1, sessionOptions } = {}) {
  if (wasmPaths) ort.env.wasm.wasmPaths = wasmPaths;
  ort.env.wasm.numThreads = threads;
  return Classifier.open({
    ...artifactSource(source), ort, decodeWhole: decodeWithBrowser,
    sessionOptions: { ...SESSION_OPTIONS, ...sessionOptions },
  }, { format });
}

/**
 * Classify pictures (Files or Blobs with names), BATCH at a time; one that cannot be read
 * gives its PictureError in its place.
 * @param {Classifier} classifier
 * @param {(File|{name: string, bytes: Uint8Array})[]} pictures
 * @returns {Promise<(import('./core/outputs.js').Classification|PictureError)[]>}
 */
export async function classifyPictures(classifier, pictures) {
  const read = await Promise.all(pictures.map(async (p) => (p.bytes ? p
    : { name: p.name, bytes: new Uint8Array(await p.arrayBuffer()) })));
  return classifier.classify(read);
}
