// The Node entry point exports what its type declarations declare.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import * as node from '../src/node.js';

test('every declared export exists in the Node entry point', () => {
  const declared = readFileSync(new URL('../types/index.d.ts', import.meta.url), 'utf8');
  const names = [...declared.matchAll(/^export (?:class|function|const) (\w+)/gm)].map((m) => m[1]);
  const browserOnly = new Set(['classifyPictures']);
  for (const name of names.filter((n) => !browserOnly.has(n))) assert.ok(name in node, name);
  assert.ok(names.length >= 9);
});
