/**
 * The classifier both entry points share: a manifest, an ONNX Runtime session and a picture
 * decoder, each given by the platform (node.js, browser.js). It keeps preparing pictures
 * (picture.js) apart from running the model, as the Java library's Classifier does.
 */
import { ArtifactError, PictureError } from './errors.js';
import { MANIFEST_FILE, artifactPath, checkDigest, parseManifest } from './manifest.js';
import { classification } from './outputs.js';
import { prepareInput } from './picture.js';

/** Pictures per model call: python.predict's and the Java Classifier's batch. */
export const BATCH = 64;
/** Pictures prepared at once: enough to keep a platform decoder's threads busy, few enough
 * that a batch of phone photos is not all in memory decoded at the same time. */
const PREPARING = 2;

/**
 * @typedef {object} Platform what an entry point provides
 * @property {(name: string) => Promise<Uint8Array>} read reads a file of the artifacts folder
 * @property {string} where the folder's path or URL, for errors
 * @property {object} ort the onnxruntime module (onnxruntime-node or onnxruntime-web)
 * @property {object} [sessionOptions] ONNX Runtime session options
 * @property {import('./picture.js').DecodeWhole} decodeWhole
 */

export class Classifier {
  /** @private */
  constructor(manifest, session, platform, format, modelWhere) {
    /** @type {import('./manifest.js').Manifest} */
    this.manifest = manifest;
    this.session = session;
    this.platform = platform;
    /** Which artifact runs: 'onnx' or 'onnx_int8'. */
    this.format = format;
    /** The model file's path or URL. */
    this.model = modelWhere;
  }

  /**
   * Read the manifest, check the model's sha256 and start an ONNX Runtime session.
   * @param {Platform} platform
   * @param {{format?: string}} [options] format 'onnx' (default) or 'onnx_int8'
   * @returns {Promise<Classifier>}
   * @throws {ArtifactError} for a missing or invalid manifest, or a missing or altered model
   */
  static async open(platform, { format = 'onnx' } = {}) {
    const join = (name) => `${platform.where.replace(/\/+$/, '')}/${name}`;
    const manifestWhere = join(MANIFEST_FILE);
    const text = new TextDecoder().decode(await readOr(platform, MANIFEST_FILE, manifestWhere,
      'no manifest; run python -m python.export first'));
    const manifest = parseManifest(text, manifestWhere);
    const relative = artifactPath(manifest, format, manifestWhere);
    const modelWhere = join(relative);
    const bytes = await readOr(platform, relative, modelWhere, `artifact '${format}' is missing`);
    await checkDigest(bytes, manifest, format, modelWhere);
    let session;
    try {
      session = await platform.ort.InferenceSession.create(bytes, platform.sessionOptions ?? {});
    } catch (err) {
      throw new ArtifactError(modelWhere, `ONNX Runtime cannot load it (${firstLine(err)})`);
    }
    if (!session.inputNames.includes(manifest.inputName) || !session.outputNames.includes(manifest.outputName)) {
      throw new ArtifactError(modelWhere, `the model's input and output are ${session.inputNames} and ${session.outputNames}, the manifest says ${manifest.inputName} and ${manifest.outputName}`);
    }
    return new Classifier(manifest, session, platform, format, modelWhere);
  }

  /**
   * One picture's model input, prepared as Python prepares it.
   * @param {Uint8Array} bytes the picture file's bytes
   * @param {string} name the picture's name, for errors
   * @returns {Promise<Float32Array>} height * width * channels floats
   * @throws {PictureError}
   */
  async prepare(bytes, name) {
    return prepareInput(bytes, name, this.manifest.recipe, this.platform.decodeWhole);
  }

  /**
   * Run the model on prepared inputs.
   * @param {Float32Array} inputs n pictures' inputs, one after another
   * @param {number} n how many pictures
   * @returns {Promise<Float32Array>} the model's output, row-major [n, units]
   */
  async run(inputs, n) {
    const m = this.manifest;
    const tensor = new this.platform.ort.Tensor('float32', inputs, [n, m.height, m.width, m.channels]);
    const out = await this.session.run({ [m.inputName]: tensor });
    const values = out[m.outputName].data;
    if (values.length !== n * m.classes) {
      throw new ArtifactError(this.model, `the model answered ${values.length} values for ${n} pictures, the manifest says ${m.classes} a picture`);
    }
    return values;
  }

  /**
   * Classify prepared inputs.
   * @param {Float32Array} inputs
   * @param {string[]} names the pictures' names, one per input
   * @returns {Promise<import('./outputs.js').Classification[]>}
   */
  async classifyInputs(inputs, names) {
    const out = await this.run(inputs, names.length);
    return names.map((name, i) => classification(this.manifest, name, out, i));
  }

  /**
   * Classify pictures, BATCH at a time. A picture that cannot be read gives its PictureError in
   * its place; the others are classified.
   * @param {{name: string, bytes: Uint8Array}[]} pictures
   * @returns {Promise<(import('./outputs.js').Classification|PictureError)[]>}
   */
  async classify(pictures) {
    const answers = [];
    const size = this.manifest.height * this.manifest.width * this.manifest.channels;
    for (let start = 0; start < pictures.length; start += BATCH) {
      const batch = pictures.slice(start, start + BATCH);
      const prepared = await mapLimited(batch, PREPARING, (p) => this.prepare(p.bytes, p.name).catch((err) => {
        if (err instanceof PictureError) return err;
        throw err;
      }));
      const good = prepared.map((p, i) => [p, i]).filter(([p]) => !(p instanceof PictureError));
      const inputs = new Float32Array(good.length * size);
      good.forEach(([p], j) => inputs.set(p, j * size));
      const results = good.length ? await this.classifyInputs(inputs, good.map(([, i]) => batch[i].name)) : [];
      const byIndex = new Map(good.map(([, i], j) => [i, results[j]]));
      batch.forEach((p, i) => answers.push(byIndex.get(i) ?? prepared[i]));
    }
    return answers;
  }

  /** Release the ONNX Runtime session. */
  async close() {
    await this.session.release?.();
  }
}

/** fn over items, at most limit at a time, answers in order. */
async function mapLimited(items, limit, fn) {
  const out = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

async function readOr(platform, name, where, missing) {
  try {
    return await platform.read(name);
  } catch (err) {
    if (err instanceof ArtifactError) throw err;
    throw new ArtifactError(where, err?.code === 'ENOENT' || err?.status === 404 ? missing : `cannot read it (${firstLine(err)})`);
  }
}

function firstLine(err) {
  return String(err?.message ?? err).split('\n')[0];
}
