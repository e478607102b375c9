/**
 * The parity worker's jobs, the same in Node and in a browser page: run a model on a tensor
 * (the onnxruntime_* runtimes), or classify and prepare picture files with the package (the
 * *_files runtimes). What differs is given: the onnxruntime module, how a file is read, and
 * how the package opens an artifacts folder.
 */
import { prepareInput } from '../src/core/picture.js';
import { readRecipe } from '../src/core/recipe.js';
import { readNpy } from './npy.js';

/**
 * @param {object} job {artifact, path, input, npy | files, out}, or {recipe, files,
 *   out}: prepare the files under a manifest's preprocessing, no model needed
 * @param {object} env {ort, read(path) -> Uint8Array, open(format) -> Classifier,
 *   decodeWhole, inputName, outputName, sessionOptions}
 * @returns {Promise<{values: Float32Array, shape: number[], labels?: string[], errors?: (string|null)[]}>}
 */
export async function runJob(job, env) {
  if (job.recipe) return prepareAll(job.files, readRecipe(job.recipe, 'the recipe'), env);
  if (job.input !== 'files') {
    const { shape, data } = readNpy(await env.read(job.npy));
    const session = await env.ort.InferenceSession.create(await env.read(job.path), { ...env.sessionOptions });
    try {
      const out = await session.run({ [env.inputName]: new env.ort.Tensor('float32', data, shape) });
      const values = out[env.outputName].data;
      return { values, shape: [shape[0], values.length / shape[0]] };
    } finally {
      await session.release?.();
    }
  }
  const classifier = await env.open(job.artifact);
  try {
    const m = classifier.manifest;
    const size = m.height * m.width * m.channels;
    const inputs = new Float32Array(job.files.length * size).fill(Number.NaN);
    const errors = [];
    for (let i = 0; i < job.files.length; i++) {
      try {
        inputs.set(await classifier.prepare(await env.read(job.files[i]), job.files[i]), i * size);
        errors.push(null);
      } catch (err) {
        errors.push(String(err?.message ?? err).split('\n')[0]);
      }
    }
    const failed = errors.findIndex((e) => e !== null);
    if (failed >= 0) throw new Error(errors[failed]);
    const values = new Float32Array(job.files.length * m.classes);
    const labels = [];
    for (let start = 0; start < job.files.length; start += 64) {
      const names = job.files.slice(start, start + 64);
      const answers = await classifier.classifyInputs(inputs.subarray(start * size, (start + names.length) * size), names);
      answers.forEach((c, j) => {
        labels.push(c.label);
        const row = c.probabilities.map((p) => p.probability);
        // one sigmoid unit: the model's own output is p, the second of [1 - p, p]
        values.set(m.classes === 1 ? [row[1]] : row, (start + j) * m.classes);
      });
    }
    return { values, shape: [job.files.length, m.classes], labels };
  } finally {
    await classifier.close();
  }
}

/** Each file's model input under a recipe, NaN where it was refused (its reason in errors). */
async function prepareAll(files, recipe, env) {
  const [h, w] = [recipe.cropSize ?? recipe.size].map((s) => [s.height, s.width])[0];
  const size = h * w * recipe.channels;
  const values = new Float32Array(files.length * size).fill(Number.NaN);
  const errors = [];
  for (let i = 0; i < files.length; i++) {
    try {
      values.set(await prepareInput(await env.read(files[i]), files[i], recipe, env.decodeWhole), i * size);
      errors.push(null);
    } catch (err) {
      errors.push(String(err?.reason ?? err?.message ?? err).split('\n')[0]);
    }
  }
  return { values, shape: [files.length, h, w, recipe.channels], errors };
}
