#!/usr/bin/env node
/**
 * npx modelparity-node --artifacts DIR PICTURE...: the command line python -m python.predict and
 * the Java modelparity-java are, in Node: one line a picture, path<TAB>label<TAB>probability,
 * in the order given; pictures named alike (folders, @LIST, -); the same exit statuses (0 all
 * classified, 1 some picture unreadable, 2 bad usage or a missing or altered artifact).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ArtifactError, PictureError, classifyFiles, openClassifier, outputLine } from '../src/node.js';
import { ListError, SUFFIXES, expandPictures } from '../src/pictureArguments.js';

/**
 * The most bytes of command line this process classifies under itself. onnxruntime-node's
 * native library reads /proc/self/cmdline as a session starts and walks it recursively on
 * the main thread's stack, some hundreds of bytes of stack a byte: 33 KB of paths overflowed
 * an 8 MB stack (a SIGSEGV, nothing printed), 13 KB did not. Past this, the pictures go to a
 * second Node process through its standard input, with a short command line.
 */
const ARGV_BYTES = 4096;
/** Set in that second process: its standard input holds the pictures, already expanded. */
const RELAYED = 'MODELPARITY_CLASSIFY_RELAYED';

const PROG = 'modelparity-node';
const USAGE = `usage: ${PROG} [--artifacts DIR] [--format onnx|onnx_int8] [--top K] [--json] PICTURE...

Classify pictures with artifacts written by python -m python.export.
Output: path<TAB>label<TAB>probability (six decimals: of the positive class for a
one-unit model, of the label for a softmax), then with --top K the K most probable
label:probability pairs; one line a picture, in the order given.

PICTURE: a picture file; a folder stands for its pictures, recursively, sorted by path
(${SUFFIXES.map((x) => x.slice(1)).join(', ')}, any case; hidden names skipped); @LIST for the
lines of the file LIST, - for those of standard input, one picture or folder a line.

options:
  --artifacts DIR  folder written by python -m python.export (default: artifacts)
  --format F       artifact to run: onnx or onnx_int8 (default: onnx)
  --top K          also print the K most probable labels with their probabilities
  --json           one JSON object a line: {"path", "label", "probability",
                   "probabilities": {label: probability, ...}} (and "top" with --top)
  -h, --help       show this help and exit

exit status:
  0  all classified
  1  some picture could not be read (named on stderr, the others classified)
  2  bad usage, or missing or altered artifacts`;

function usageError(message) {
  process.stderr.write(`${USAGE.split('\n')[0]}\n${PROG}: error: ${message}\n`);
  return 2;
}

async function main(argv) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv, allowPositionals: true, strict: true,
      options: {
        artifacts: { type: 'string', default: 'artifacts' },
        format: { type: 'string', default: 'onnx' },
        top: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    return usageError(err.message.split('\n')[0]);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!['onnx', 'onnx_int8'].includes(values.format)) {
    return usageError(`argument --format: invalid choice: '${values.format}' (choose from 'onnx', 'onnx_int8')`);
  }
  let top = 0;
  if (values.top !== undefined) {
    top = /^\s*[+-]?\d+\s*$/.test(values.top) ? Number.parseInt(values.top, 10) : 0;
    if (!(top >= 1)) return usageError(`argument --top: '${values.top}' is not a whole number of at least 1`);
  }
  if (positionals.length === 0) return usageError('the following arguments are required: PICTURE');
  let named;
  try {
    named = process.env[RELAYED] === '1'
      ? { pictures: new TextDecoder().decode(readStdin()).split('\n').filter((p) => p !== ''), problems: [] }
      : expandPictures(positionals);
  } catch (err) {
    if (!(err instanceof ListError)) throw err;
    process.stderr.write(`${PROG}: error: ${err.message}\n`);
    return 2;
  }
  for (const problem of named.problems) process.stderr.write(`${PROG}: error: ${problem}\n`);
  if (process.env[RELAYED] !== '1' && Buffer.byteLength(process.argv.join(' ')) > ARGV_BYTES) {
    const options = ['--artifacts', values.artifacts, '--format', values.format,
      ...(values.top === undefined ? [] : ['--top', values.top]), ...(values.json ? ['--json'] : [])];
    const status = await relay(options, named.pictures);
    return status === 0 && named.problems.length > 0 ? 1 : status;
  }
  let classifier;
  try {
    classifier = await openClassifier(values.artifacts, { format: values.format });
  } catch (err) {
    if (err instanceof ArtifactError) {
      process.stderr.write(`${PROG}: error: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const k = Math.min(top, classifier.manifest.labels.length);
  let failed = 0;
  try {
    let lines = [];
    for await (const answer of classifyFiles(classifier, named.pictures)) {
      if (answer instanceof PictureError) {
        process.stderr.write(`${PROG}: error: ${answer.message}\n`);
        failed += 1;
      } else {
        lines.push(values.json ? JSON.stringify(answer.toJSON(k)) : outputLine(answer.picture, answer, k));
      }
      if (lines.length >= 64) {
        process.stdout.write(`${lines.join('\n')}\n`);
        lines = [];
      }
    }
    if (lines.length) process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await classifier.close();
  }
  return failed + named.problems.length > 0 ? 1 : 0;
}

function readStdin() {
  return readFileSync(0);
}

/**
 * Classify the pictures in a second Node process whose command line is short: its options,
 * and the pictures one a line on its standard input. Its output is this command's.
 * @param {string[]} options the command line before the pictures
 * @param {string[]} pictures
 * @returns {Promise<number>} its exit status
 */
function relay(options, pictures) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [process.argv[1], ...options, '-'], {
      stdio: ['pipe', 'inherit', 'inherit'], env: { ...process.env, [RELAYED]: '1' },
    });
    child.on('error', (err) => {
      process.stderr.write(`${PROG}: error: cannot start node (${err.message})\n`);
      resolve(2);
    });
    child.on('close', (code, signal) => resolve(signal ? 2 : code));
    child.stdin.on('error', () => {}); // it stopped early: its status says why
    child.stdin.end(pictures.map((p) => `${p}\n`).join(''));
  });
}

main(process.argv.slice(2)).then((status) => {
  process.exitCode = status;
}, (err) => {
  process.stderr.write(`${PROG}: error: ${String(err?.message ?? err).split('\n')[0]}\n`);
  process.exitCode = 2;
});
