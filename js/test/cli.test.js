// The command line's refusals: one line on stderr naming what is wrong, exit status 2, no stack.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../bin/modelparity-node.js');

function run(...args) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function oneLineError(r, pattern) {
  const lines = r.stderr.trim().split('\n');
  assert.match(lines.at(-1), pattern);
  assert.ok(lines.length <= 2, r.stderr);
  assert.doesNotMatch(r.stderr, /\n\s+at /); // no stack trace
}

test('usage errors exit 2 with one line', () => {
  oneLineError(run('--top', '0', 'a.png'), /modelparity-node: error: argument --top: '0' is not a whole number of at least 1/);
  oneLineError(run('--format', 'tflite', 'a.png'), /invalid choice: 'tflite'/);
  oneLineError(run('--artifacts', 'x'), /the following arguments are required: PICTURE/);
  oneLineError(run('--bogus', 'a.png'), /modelparity-node: error: .*--bogus/);
  for (const args of [['--top', '0', 'a.png'], ['--bogus']]) assert.equal(run(...args).status, 2);
});

test('a missing or broken artifacts folder exits 2 naming the file', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'modelparity-cli-'));
  const missing = run('--artifacts', dir, 'a.png');
  assert.equal(missing.status, 2);
  oneLineError(missing, new RegExp(`${dir}/manifest.json: no manifest; run python -m python.export first`));
  writeFileSync(path.join(dir, 'manifest.json'), '{"schema_version": 3, "preprocessing": {"version": 4}, "input": 3}');
  const broken = run('--artifacts', dir, 'a.png');
  assert.equal(broken.status, 2);
  oneLineError(broken, /manifest.json: 'input' missing or not an object/);
});

test('--help prints the usage and exits 0', () => {
  const r = run('--help');
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^usage: modelparity-node /);
  assert.match(r.stdout, /exit status:/);
});
