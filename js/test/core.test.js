// The platform-neutral core: the output rule, the line format, the recipe and manifest checks,
// Python's resize arithmetic. Each expectation is computed from its definition here.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ArtifactError } from '../src/core/errors.js';
import { outputLine, sixDecimals } from '../src/core/format.js';
import { artifactPath, checkDigest, parseManifest } from '../src/core/manifest.js';
import { orient } from '../src/core/orientation.js';
import { classification } from '../src/core/outputs.js';
import { toInput } from '../src/core/prepare.js';
import { boxReduce, coefficients, resize } from '../src/core/resample.js';
import { coefficients8, resize8, verticalFirst } from '../src/core/resample8.js';
import { simdAvailable } from '../src/core/resample8simd.js';
import { draftSide, readRecipe, resizeTo } from '../src/core/recipe.js';
import { draftScale } from '../src/core/jpeg/index.js';
import { convert } from '../src/core/colour.js';

const PRE = {
  color: 'grey', do_resize: true, size: { height: 40, width: 40, shortest_edge: null }, resample: 2,
  do_center_crop: false, crop_size: null, do_rescale: true, rescale_factor: 1 / 255,
  do_normalize: false, image_mean: [], image_std: [], version: 3, max_pixels: 50_000_000,
  reduce_to: 2, jpeg_dc_scale: 8,
};

function manifest(changes = {}) {
  return {
    schema_version: 3, input: { height: 40, width: 40, channels: 1, dtype: 'float32', name: 'picture' },
    output: { classes: 1 }, labels: ['not_face', 'face'], threshold: 0.25, preprocessing: PRE,
    signature: { onnx_input: 'picture', onnx_output: 'probability' },
    artifacts: { onnx: { path: 'model.onnx', sha256: 'ab'.repeat(32) } },
    ...changes,
  };
}

test('six decimals round a tie to even, as Python does', () => {
  assert.equal(sixDecimals(0.0078125), '0.007812'); // 1/128: toFixed(6) would say 0.007813
  assert.equal(sixDecimals(0.0234375), '0.023438'); // 3/128: the tie rounds up to even
  assert.equal(sixDecimals(1 / 3), '0.333333');
  assert.equal(sixDecimals(Number.NaN), 'nan');
  assert.equal(sixDecimals(-0.0078125), '-0.007812');
});

test('one sigmoid unit: the threshold labels it, the shown probability is the positive one', () => {
  const m = parseManifest(JSON.stringify(manifest()), 'manifest.json');
  const out = new Float32Array([0.2, 0.25, Number.NaN]);
  assert.equal(classification(m, 'a', out, 0).label, 'not_face');
  const at = classification(m, 'b', out, 1);
  assert.equal(at.label, 'face'); // p >= threshold
  assert.equal(at.probability, Math.fround(0.25));
  assert.deepEqual(at.probabilities.map((p) => p.probability), [1 - Math.fround(0.25), Math.fround(0.25)]);
  assert.equal(classification(m, 'c', out, 2).label, 'not_face'); // NaN >= t is false
  assert.equal(outputLine('b.png', at, 2), 'b.png\tface\t0.250000\tnot_face:0.750000\tface:0.250000');
});

test('softmax: first of equals, first NaN, top K stable with NaN last', () => {
  const labels = ['a', 'b', 'c', 'd'];
  const m = parseManifest(JSON.stringify(manifest({ output: { classes: 4 }, labels, threshold: null })), 'm');
  const out = new Float32Array([0.1, 0.4, 0.4, 0.1, 0.2, Number.NaN, 0.5, Number.NaN]);
  const first = classification(m, 'x', out, 0);
  assert.equal(first.label, 'b');
  assert.deepEqual(first.top(4).map((p) => p.label), ['b', 'c', 'a', 'd']);
  const second = classification(m, 'y', out, 1);
  assert.equal(second.label, 'b'); // numpy's argmax: the first NaN
  assert.deepEqual(second.top(4).map((p) => p.label), ['c', 'a', 'b', 'd']);
  assert.deepEqual(JSON.parse(JSON.stringify(second.toJSON(1))).top, [{ label: 'c', probability: Math.fround(0.5) }]);
  assert.equal(second.toJSON().probabilities.b, null);
});

test('a manifest the package cannot run exactly is refused naming the field', () => {
  const bad = [
    [manifest({ labels: ['one'] }), /labels must be a list of at least two names/],
    [manifest({ output: { classes: 3 } }), /output.classes 3 does not fit 2 labels/],
    [manifest({ threshold: undefined }), /threshold missing/],
    [manifest({ preprocessing: { ...PRE, resample: 0 } }), /preprocessing.resample 0 is not supported/],
    [manifest({ preprocessing: { ...PRE, version: 2 } }), /preprocessing version 2 is older than this library reads \(3 to 4\): export again/],
    [manifest({ preprocessing: { ...PRE, version: 5 } }), /written by a newer exporter \(preprocessing version 5, this library reads 3 to 4\): update the library/],
    [manifest({ schema_version: 4 }), /written by a newer exporter \(schema_version 4, this library reads 3\): update the library/],
    [manifest({ schema_version: undefined }), /schema_version null is not a whole number: export again/],
    [manifest({ preprocessing: { ...PRE, color: 'rgb' } }), /makes 3 channels, input.channels is 1/],
    [manifest({ preprocessing: { ...PRE, size: { height: 32, width: 40 } } }), /makes 40 x 32 pictures/],
    [manifest({ input: { height: 40, width: 40, channels: 4 } }), /input.channels 4 is not supported/],
  ];
  for (const [m, message] of bad) {
    assert.throws(() => parseManifest(JSON.stringify(m), 'x/manifest.json'), (err) => err instanceof ArtifactError
      && message.test(err.message) && err.message.startsWith('x/manifest.json: '));
  }
  assert.throws(() => parseManifest('{not json', 'm.json'), /m.json: not a valid manifest/);
});

test('an artifact path that leaves the folder is refused, a changed model too', async () => {
  const escape = (p) => parseManifest(JSON.stringify(manifest({ artifacts: { onnx: { path: p, sha256: 'a'.repeat(64) } } })), 'm');
  for (const p of ['../model.onnx', '/etc/passwd', 'https://example.org/m.onnx', 'a/../../m.onnx']) {
    assert.throws(() => artifactPath(escape(p), 'onnx', 'm'), /leaves the artifacts folder/, p);
  }
  assert.equal(artifactPath(escape('./sub/model.onnx'), 'onnx', 'm'), 'sub/model.onnx');
  assert.throws(() => artifactPath(escape('m.onnx'), 'onnx_int8', 'm'), /no artifact 'onnx_int8' \(has onnx\)/);
  const bytes = new TextEncoder().encode('abc'); // sha256 ba7816bf...
  const m = parseManifest(JSON.stringify(manifest({ artifacts: { onnx: { path: 'm', sha256: 'BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD' } } })), 'm');
  await checkDigest(bytes, m, 'onnx', 'm');
  await assert.rejects(checkDigest(new TextEncoder().encode('abd'), m, 'onnx', 'dir/m'), /dir\/m: artifact 'onnx' was altered \(sha256 a52d159f262b/);
});

test("Pillow's bilinear coefficients: support widened by the scale, weights summing to one", () => {
  const { starts, weights, taps } = coefficients(10, 5, 2); // scale 2: support 2, four taps
  assert.equal(taps, 4);
  assert.deepEqual(Array.from(starts), [0, 1, 3, 5, 7]);
  // output 1: centre 3, taps x = 1..4 at (x - 3 + 0.5) / 2 -> 1 - |.|: 0.25, 0.75, 0.75, 0.25
  assert.deepEqual(Array.from(weights.subarray(4, 8)), [0.125, 0.375, 0.375, 0.125]);
  const constant = new Float32Array(10 * 3).fill(7.5);
  assert.deepEqual(Array.from(resize(constant, 10, 3, 1, 5, 2, 3)), new Array(10).fill(7.5));
});

test('the box step means each block of the centred crop in float32', () => {
  const pixels = Uint8Array.from({ length: 5 * 5 }, (_, i) => i); // 5 x 5, f = 2: crop from (0, 0)
  const { data, width, height } = boxReduce(pixels, 5, 5, 1, 2);
  assert.equal(width, 2);
  assert.equal(height, 2);
  assert.deepEqual(Array.from(data), [(0 + 1 + 5 + 6) / 4, (2 + 3 + 7 + 8) / 4, (10 + 11 + 15 + 16) / 4, (12 + 13 + 17 + 18) / 4]);
});

test('shortest edge, centre crop, rescale and normalise in float32, as Python', () => {
  const recipe = readRecipe({
    ...PRE, color: 'rgb', size: { height: null, width: null, shortest_edge: 4 }, do_center_crop: true,
    crop_size: { height: 4, width: 4 }, do_normalize: true, image_mean: [0.5, 0.5, 0.5], image_std: [0.25, 0.5, 2],
  }, 'm');
  assert.deepEqual(resizeTo(recipe, 9, 6), [4, 6]); // int(4 * 9 / 6)
  assert.equal(draftSide(recipe), 8);
  const data = new Uint8Array(6 * 4 * 3).fill(255);
  const input = toInput({ width: 6, height: 4, channels: 3, data }, recipe);
  assert.equal(input.length, 4 * 4 * 3);
  const v = Math.fround(255 * (1 / 255));
  assert.deepEqual(Array.from(input.subarray(0, 3)), [0.25, 0.5, 2].map((s) => Math.fround(Math.fround(v - 0.5) / s)));
  assert.throws(() => toInput({ width: 3, height: 3, channels: 3, data: new Uint8Array(27) },
    readRecipe({ ...PRE, color: 'rgb', do_resize: false, do_center_crop: true, crop_size: { height: 4, width: 4 } }, 'm')),
  /3x3 is smaller than the centre crop 4x4/);
});

test('draft_scales: absent it is [jpeg_dc_scale]; some of 8, 4, 2, largest first, or refused', () => {
  const v4 = { ...PRE, version: 4, reducing_gap: 2.0, draft: true };
  assert.deepEqual(readRecipe(v4, 'm').draftScales, [8]);
  assert.deepEqual(readRecipe({ ...v4, jpeg_dc_scale: 4 }, 'm').draftScales, [4]);
  for (const scales of [[8, 4, 2], [8, 2], [4], [2], [4, 2]]) {
    assert.deepEqual(readRecipe({ ...v4, draft_scales: scales }, 'm').draftScales, scales);
  }
  for (const bad of [[], [2, 4], [8, 8], [16], [1], [8, 3], ['8'], 8, null, { 0: 8 }, [true]]) {
    assert.throws(() => readRecipe({ ...v4, draft_scales: bad }, 'm'), (e) => e instanceof ArtifactError
      && e.message === `m: preprocessing.draft_scales ${JSON.stringify(bad)} is not some of [8, 4, 2], largest first`);
  }
  assert.throws(() => readRecipe({ ...v4, jpeg_dc_scale: 3 }, 'm'), /preprocessing.draft_scales \[3\] is not some of/);
  // The scale: the largest that keeps the side; 1 (whole) below the smallest, or without a side.
  const scales = [8, 4, 2];
  assert.equal(draftScale(4000, 3000, 80, scales), 8); // 3000 >= 640
  assert.equal(draftScale(4000, 639, 80, scales), 4);
  assert.equal(draftScale(320, 4000, 80, scales), 4);
  assert.equal(draftScale(319, 4000, 80, scales), 2);
  assert.equal(draftScale(160, 160, 80, scales), 2);
  assert.equal(draftScale(159, 4000, 80, scales), 1);
  assert.equal(draftScale(4000, 3000, 80, [8]), 8);
  assert.equal(draftScale(4000, 600, 80, [8]), 1);
  assert.equal(draftScale(4000, 600, 80, [4, 2]), 4);
  assert.equal(draftScale(4000, 3000, 0, scales), 1);
});

test('versions 3 and 4: reducing_gap and draft choose the route, anything else is refused', () => {
  const v3 = readRecipe(PRE, 'm');
  assert.deepEqual([v3.faithful, v3.draft, draftSide(v3), v3.draftScales], [false, true, 2 * 40, [8]]);
  const fast = readRecipe({ ...PRE, version: 4, reducing_gap: 2.0, draft: true }, 'm');
  assert.deepEqual([fast.faithful, fast.draft, draftSide(fast)], [false, true, 80]);
  const whole = readRecipe({ ...PRE, version: 4, reducing_gap: 2.0, draft: false }, 'm');
  assert.deepEqual([whole.faithful, draftSide(whole)], [false, 0]);
  const faithful = readRecipe({ ...PRE, version: 4, reducing_gap: null, draft: false }, 'm');
  assert.deepEqual([faithful.faithful, faithful.draft, draftSide(faithful)], [true, false, 0]);
  const refused = [
    [{ ...PRE, version: 5 }, /m: preprocessing.version 5 is not a version this package reads \(3, 4\)$/],
    [{ ...PRE, version: 4, reducing_gap: 3, draft: true }, /preprocessing.reducing_gap 3 is not supported/],
    [{ ...PRE, version: 4, draft: true }, /preprocessing.reducing_gap missing \(null: the faithful route, or 2: the fast route\)/],
    [{ ...PRE, version: 4, reducing_gap: null }, /preprocessing.draft missing or not true or false/],
  ];
  for (const [pre, message] of refused) assert.throws(() => readRecipe(pre, 'm'), message);
});

test("Pillow's 8-bit resample: coefficients times 2^22 rounded half away, sums shifted and clipped", () => {
  // 4 -> 2 bilinear: output 0 takes x = 0..2 at 3/7, 3/7, 1/7; output 1 x = 1..3 at 1/7, 3/7, 3/7
  const { starts, weights, taps } = coefficients8(4, 2, 2);
  assert.deepEqual([Array.from(starts), taps], [[0, 1], 3]);
  const [three, one] = [Math.trunc(0.5 + (3 / 7) * 2 ** 22), Math.trunc(0.5 + (1 / 7) * 2 ** 22)];
  assert.deepEqual(Array.from(weights), [three, three, one, one, three, three]);
  const row = Uint8Array.from([10, 20, 30, 40]);
  const sum0 = 2 ** 21 + (10 + 20) * three + 30 * one;
  const sum1 = 2 ** 21 + 20 * one + (30 + 40) * three;
  assert.deepEqual(Array.from(resize8(row, 4, 1, 1, 2, 1, 2)), [sum0 >> 22, sum1 >> 22]);
  assert.deepEqual(Array.from(resize8(row, 1, 4, 1, 1, 2, 2)), [sum0 >> 22, sum1 >> 22]); // a column alike
  // bicubic overshoots an edge: clipped to 0 and 255, never wrapped
  const edge = resize8(Uint8Array.from([0, 0, 255, 255]), 4, 1, 1, 9, 1, 3);
  assert.ok(edge instanceof Uint8Array && edge.includes(0) && edge.includes(255));
  // Pillow 13's pass order: vertical first when the height shrinks by more than twice the width
  assert.equal(verticalFirst(333, 999, 48, 32), true); // 967 > 2 * 285
  assert.equal(verticalFirst(100, 300, 50, 200), false); // 100 = 2 * 50
  assert.equal(verticalFirst(100, 301, 50, 200), true);
  assert.equal(verticalFirst(100, 300, 100, 20), false); // one pass only
  assert.equal(verticalFirst(50, 300, 60, 100), true); // the width grows
});

test('8-bit resize: WebAssembly SIMD and JavaScript give the same bytes, turned or not', () => {
  assert.equal(simdAvailable(), true); // Node 20 and Chromium run WebAssembly SIMD
  let seed = 7;
  const random = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
    return seed;
  };
  for (let t = 0; t < 160; t++) {
    const c = [1, 3, 2, 4][t % 4];
    const [w, h] = [1 + (random() % 90), 1 + (random() % 90)];
    const [width, height] = [1 + (random() % 70), t % 9 === 0 ? 1 + (random() % 4) : 1 + (random() % 70)];
    const orientation = 1 + ((t >> 2) % 8);
    const resample = 2 + (t % 2);
    const data = Uint8Array.from({ length: w * h * c }, () => (t % 3 === 0 ? (random() & 1) * 255 : random() & 255));
    // the reference: the picture turned whole, then resized in JavaScript
    const upright = orient({ width: w, height: h, channels: c, data }, orientation);
    const expected = Array.from(resize8(upright.data, upright.width, upright.height, c, width, height, resample, { simd: false }));
    for (const simd of [true, false]) {
      const got = resize8(data, w, h, c, width, height, resample, { simd, orientation });
      assert.deepEqual(Array.from(got), expected, `${w}x${h}x${c} to ${width}x${height}, orientation ${orientation}, simd ${simd}`);
    }
  }
});

test('faithful route: 8-bit resize of the whole picture, then crop, rescale, normalise', () => {
  const recipe = readRecipe({ ...PRE, version: 4, reducing_gap: null, draft: false, color: 'grey',
    size: { height: 2, width: 2, shortest_edge: null } }, 'm');
  const data = Uint8Array.from({ length: 64 * 64 }, (_, i) => (i * 7) & 255); // no box step here
  const input = toInput({ width: 64, height: 64, channels: 1, data }, recipe);
  const resized = resize8(data, 64, 64, 1, 2, 2, 2);
  assert.deepEqual(Array.from(input), Array.from(resized, (v) => Math.fround(v * (1 / 255))));
  const rgba = Uint8Array.from([10, 20, 30, 0, 40, 50, 60, 128]);
  assert.deepEqual(Array.from(convert(rgba, 2, 1, 4, 'rgb', true).data), [10, 20, 30, 40, 50, 60]);
  assert.deepEqual(Array.from(convert(Uint8Array.from([7, 0]), 1, 1, 2, 'rgb', true).data), [7, 7, 7]);
  assert.deepEqual(Array.from(convert(Uint8Array.from([7, 0]), 1, 1, 2, 'grey').data), [255]); // fast: over white
});

test('orientation: each EXIF value moves pixels as Pillow transposes them', () => {
  const p = { width: 3, height: 2, channels: 1, data: Uint8Array.from([1, 2, 3, 4, 5, 6]), fullWidth: 30, fullHeight: 20 };
  const expect = {
    1: [1, 2, 3, 4, 5, 6], 2: [3, 2, 1, 6, 5, 4], 3: [6, 5, 4, 3, 2, 1], 4: [4, 5, 6, 1, 2, 3],
    5: [1, 4, 2, 5, 3, 6], 6: [4, 1, 5, 2, 6, 3], 7: [6, 3, 5, 2, 4, 1], 8: [3, 6, 2, 5, 1, 4],
  };
  for (const [o, pixels] of Object.entries(expect)) {
    const turned = orient(p, Number(o));
    assert.deepEqual(Array.from(turned.data), pixels, `orientation ${o}`);
    assert.equal(turned.width, Number(o) >= 5 ? 2 : 3);
    assert.equal(turned.fullWidth, Number(o) >= 5 ? 20 : 30);
  }
});
