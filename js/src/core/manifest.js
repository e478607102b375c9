/**
 * manifest.json, read and checked: the model's input, labels, output, recipe and artifacts.
 * python.artifacts.manifest is the definition (docs/manifest.schema.json its schema); this
 * reads what running an ONNX artifact needs and refuses, in one line naming the field, a
 * manifest it could not run exactly.
 */
import { ArtifactError } from './errors.js';
import { outputSize, readRecipe } from './recipe.js';

export const MANIFEST_FILE = 'manifest.json';
/** The ONNX artifacts this package runs, by manifest key. */
export const FORMATS = Object.freeze(['onnx', 'onnx_int8']);
/**
 * The manifest versions this package reads, oldest and newest: python.artifacts.manifest's
 * READS, the same rule and words in the three readers (tests/versiongate.py writes the cases
 * all three are held to).
 */
export const READS = Object.freeze({ schema_version: [3, 3], 'preprocessing version': [3, 4] });

/**
 * Why a parsed manifest's versions keep this package from reading it, or null: a newer one
 * was written by a newer exporter (update the library), an older one is not read (export
 * again).
 * @param {any} json the parsed manifest
 * @returns {string|null}
 */
export function versionProblem(json) {
  const pre = json?.preprocessing;
  if (json === null || typeof json !== 'object' || Array.isArray(json) || pre === null
      || typeof pre !== 'object' || Array.isArray(pre)) {
    return 'not a manifest (no schema_version and preprocessing): export again';
  }
  const found = { schema_version: json.schema_version, 'preprocessing version': pre.version };
  for (const [name, value] of Object.entries(found)) {
    const [oldest, newest] = READS[name];
    const reads = oldest === newest ? `${oldest}` : `${oldest} to ${newest}`;
    if (!Number.isInteger(value)) return `${name} ${JSON.stringify(value ?? null)} is not a whole number: export again`;
    if (value > newest) return `written by a newer exporter (${name} ${value}, this library reads ${reads}): update the library`;
    if (value < oldest) return `${name} ${value} is older than this library reads (${reads}): export again`;
  }
  return null;
}

/**
 * @typedef {object} Manifest
 * @property {number} height
 * @property {number} width
 * @property {number} channels
 * @property {string[]} labels
 * @property {number} classes output units: 1 (sigmoid, two labels) or the number of labels
 * @property {number|null} threshold the one-unit model's decision threshold
 * @property {import('./recipe.js').Recipe} recipe
 * @property {string} inputName the ONNX input's name
 * @property {string} outputName the ONNX output's name
 * @property {Object<string, {path: string, sha256: string}>} artifacts
 */

/**
 * Parse and check a manifest.
 * @param {string} text manifest.json's text
 * @param {string} where its path or URL, for errors
 * @returns {Manifest}
 * @throws {ArtifactError}
 */
export function parseManifest(text, where) {
  let json;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ArtifactError(where, `not a valid manifest (${err.message})`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new ArtifactError(where, 'not a valid manifest (not a JSON object)');
  }
  const problem = versionProblem(json);
  if (problem !== null) throw new ArtifactError(where, problem);
  const object = (node, key) => {
    const v = node[key];
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new ArtifactError(where, `'${key}' missing or not an object`);
    return v;
  };
  const whole = (node, key) => {
    if (!Number.isInteger(node[key])) throw new ArtifactError(where, `'${key}' missing or not a whole number`);
    return node[key];
  };
  const input = object(json, 'input');
  const height = whole(input, 'height');
  const width = whole(input, 'width');
  const channels = whole(input, 'channels');
  if (input.dtype !== undefined && input.dtype !== 'float32') {
    throw new ArtifactError(where, `input dtype ${input.dtype} is not supported (float32 only)`);
  }
  if (height < 1 || width < 1) throw new ArtifactError(where, `input ${height}x${width} is not a size`);
  if (channels !== 1 && channels !== 3) {
    throw new ArtifactError(where, `input.channels ${channels} is not supported by this modelparity (1 grey or 3 RGB)`);
  }
  const recipe = readRecipe(object(json, 'preprocessing'), where);
  if (recipe.channels !== channels) {
    throw new ArtifactError(where, `preprocessing.color makes ${recipe.channels} channels, input.channels is ${channels}`);
  }
  const made = outputSize(recipe);
  if (!made || made[0] !== height || made[1] !== width) {
    throw new ArtifactError(where, `preprocessing makes ${made ? `${made[1]} x ${made[0]}` : 'pictures of any size'} pictures (size, or crop_size after a crop), the input is ${width} x ${height}`);
  }
  const labels = json.labels;
  if (!Array.isArray(labels) || labels.length < 2) throw new ArtifactError(where, 'labels must be a list of at least two names');
  if (!labels.every((l) => typeof l === 'string')) throw new ArtifactError(where, 'labels must be names');
  const classes = json.output?.classes ?? 1;
  if (!Number.isInteger(classes) || (classes === 1 ? labels.length !== 2 : classes !== labels.length)) {
    throw new ArtifactError(where, `output.classes ${classes} does not fit ${labels.length} labels (one sigmoid unit takes two labels, a softmax one label a unit)`);
  }
  const threshold = json.threshold;
  if (classes === 1 && typeof threshold !== 'number') {
    throw new ArtifactError(where, 'threshold missing or not a number (a one-unit model needs one)');
  }
  const signature = json.signature ?? {};
  const artifacts = {};
  for (const [name, a] of Object.entries(object(json, 'artifacts'))) {
    if (a === null || typeof a !== 'object' || typeof a.path !== 'string' || typeof a.sha256 !== 'string') {
      throw new ArtifactError(where, `artifact ${name} needs a path and a sha256`);
    }
    artifacts[name] = { path: a.path, sha256: a.sha256.toLowerCase() };
  }
  return Object.freeze({
    height, width, channels, labels, classes, threshold: classes === 1 ? threshold : null, recipe,
    inputName: signature.onnx_input ?? input.name ?? 'picture',
    outputName: signature.onnx_output ?? (classes === 1 ? 'probability' : 'probabilities'),
    artifacts,
  });
}

/**
 * The artifact's path inside the artifacts folder, refused unless the manifest lists it and
 * its path stays inside the folder (no absolute path, no '..'), as Python and Java refuse it.
 * @param {Manifest} manifest
 * @param {string} format 'onnx' or 'onnx_int8'
 * @param {string} where the manifest's path or URL
 * @returns {string} the relative path, '/'-separated
 * @throws {ArtifactError}
 */
export function artifactPath(manifest, format, where) {
  if (!FORMATS.includes(format)) {
    throw new ArtifactError(where, `format '${format}' is not one this package runs (${FORMATS.join(', ')})`);
  }
  const a = manifest.artifacts[format];
  if (!a) {
    throw new ArtifactError(where, `no artifact '${format}' (has ${Object.keys(manifest.artifacts).join(', ')})`);
  }
  const parts = a.path.split(/[\\/]/);
  if (/^([a-zA-Z]:)?[\\/]/.test(a.path) || /^[a-z][a-z0-9+.-]*:/i.test(a.path) || parts.includes('..')) {
    throw new ArtifactError(where, `artifact '${format}' path '${a.path}' leaves the artifacts folder`);
  }
  return parts.filter((p) => p && p !== '.').join('/');
}

/**
 * Refuse model bytes whose sha256 is not the manifest's: a model altered or swapped since the
 * export, whose answers nothing has checked.
 * @param {Uint8Array} bytes the model file's bytes
 * @param {Manifest} manifest
 * @param {string} format
 * @param {string} where the model's path or URL
 * @returns {Promise<void>}
 * @throws {ArtifactError}
 */
export async function checkDigest(bytes, manifest, format, where) {
  const digest = new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', bytes));
  const hex = Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
  const expected = manifest.artifacts[format].sha256;
  if (hex !== expected) {
    throw new ArtifactError(where, `artifact '${format}' was altered (sha256 ${hex.slice(0, 12)}..., manifest says ${expected.slice(0, 12)}...)`);
  }
}
