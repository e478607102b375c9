// The conformance corpus (tests/conformance.py): every picture under every recipe becomes
// Python's model input (sha256 of its float32 little-endian bytes, and its shape) or is
// refused with Python's reason class; every manifest gets Python's version-gate line.
// The corpus is $MODELPARITY_CONFORMANCE when set (gradle's build/reference/conformance, say),
// else written here by `python -m tests.conformance` ($PYTHON, default python) into a
// temporary folder. Run: cd js && node --test test/conformance.test.js

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ArtifactError, PictureError } from '../src/core/errors.js';
import { parseManifest } from '../src/core/manifest.js';
import { prepareInput } from '../src/core/picture.js';
import { readRecipe } from '../src/core/recipe.js';
import { decodeWithSharp } from '../src/node.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function corpusFolder() {
  if (process.env.MODELPARITY_CONFORMANCE) return path.resolve(process.env.MODELPARITY_CONFORMANCE);
  const folder = path.join(mkdtempSync(path.join(tmpdir(), 'selfie-conformance-')), 'corpus');
  after(() => rmSync(path.dirname(folder), { recursive: true, force: true }));
  const python = process.env.PYTHON || 'python';
  const made = spawnSync(python, ['-m', 'tests.conformance', folder], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(made.status, 0, `${python} -m tests.conformance ${folder} failed (set MODELPARITY_CONFORMANCE to a`
    + ` corpus it wrote, or PYTHON to an interpreter with the toolkit): ${made.error ?? made.stderr.slice(-3000)}`);
  return folder;
}

const CORPUS = corpusFolder();
const INDEX = JSON.parse(readFileSync(path.join(CORPUS, 'conformance.json'), 'utf8'));

/**
 * A refusal's class by the corpus's rule (tests/conformance.py's reason_class): the first class
 * whose words it has, else damaged or not_a_picture by the file's signature.
 */
function reasonClass(reason, bytes) {
  const text = reason.toLowerCase();
  for (const c of INDEX.classes) if (c.words.some((w) => text.includes(w.toLowerCase()))) return c.class;
  const hex = (at, n) => Buffer.from(bytes.subarray(at, at + n)).toString('hex');
  const signed = INDEX.signatures.some((s) => s.every(({ offset, hex: h }) => hex(offset, h.length / 2) === h));
  return signed ? 'damaged' : 'not_a_picture';
}

const sha256 = (values) => createHash('sha256')
  .update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength)).digest('hex');

test('every picture under every recipe is Python\'s input or Python\'s refusal', async () => {
  assert.equal(new Uint8Array(new Float32Array([1]).buffer)[3], 0x3f, 'a little-endian platform');
  const recipes = Object.fromEntries(Object.entries(INDEX.recipes).map(([name, r]) => [name,
    { shape: r.shape, recipe: readRecipe(r.preprocessing, name) }]));
  const bytes = new Map();
  const counts = { input: 0, refused: 0, stated: 0 };
  const stated = {};
  const failures = [];
  for (const c of INDEX.cases) {
    const { shape, recipe } = recipes[c.recipe];
    if (!bytes.has(c.picture)) bytes.clear(); // the cases come picture by picture within a recipe
    if (!bytes.has(c.picture)) bytes.set(c.picture, new Uint8Array(readFileSync(path.join(CORPUS, c.picture))));
    const where = `${c.recipe} ${c.picture}`;
    let values;
    try {
      values = await prepareInput(bytes.get(c.picture), c.picture, recipe, decodeWithSharp);
    } catch (err) {
      if (!(err instanceof PictureError)) throw err;
      const ours = reasonClass(err.reason, bytes.get(c.picture));
      if (c.refusal === ours) {
        counts.refused++;
      } else if (!c.refusal && INDEX.stated.javascript.some((w) => err.reason.includes(w))) {
        counts.stated++;
        const word = INDEX.stated.javascript.find((w) => err.reason.includes(w));
        stated[word] = (stated[word] ?? 0) + 1;
      } else {
        failures.push(`${where}: refused (${ours}: ${err.reason}), Python `
          + (c.refusal ? `refuses it as ${c.refusal} (${c.reason})` : 'reads it'));
      }
      continue;
    }
    if (c.refusal) {
      failures.push(`${where}: read, Python refuses it as ${c.refusal} (${c.reason})`);
    } else if (values.length !== shape.reduce((a, b) => a * b) || String(c.shape) !== String(shape)) {
      failures.push(`${where}: ${values.length} values, Python's shape is ${c.shape}`);
    } else if (sha256(values) !== c.sha256) {
      failures.push(`${where}: the input differs from Python's (sha256 ${sha256(values)}, Python's ${c.sha256})`);
    } else {
      counts.input++;
    }
  }
  console.log(`conformance (JavaScript): ${INDEX.cases.length} cases of ${INDEX.pictures.length} pictures`
    + ` under ${Object.keys(recipes).length} recipes: ${counts.input} inputs equal,`
    + ` ${counts.refused} refused in Python's class, ${counts.stated} refused as stated ${JSON.stringify(stated)},`
    + ` ${failures.length} failing`);
  assert.deepEqual(failures.slice(0, 30), [], `${failures.length} cases differ from Python`);
  assert.equal(counts.input + counts.refused + counts.stated, INDEX.cases.length);
});

test('every manifest gets Python\'s version-gate line', () => {
  let read = 0;
  for (const { name, problem } of INDEX.manifests) {
    const file = path.join(CORPUS, 'manifests', name, 'manifest.json');
    try {
      parseManifest(readFileSync(file, 'utf8'), file);
      assert.equal(problem, null, `${name}: read, Python says ${problem}`);
      read++;
    } catch (err) {
      if (!(err instanceof ArtifactError) || problem === null) throw err;
      assert.equal(err.message, `${file}: ${problem}`, name);
    }
    console.log(`versiongate (JavaScript) ${name}: ${problem ?? 'read'}`);
  }
  assert.ok(read > 0 && read < INDEX.manifests.length, 'both read and refused manifests');
});
