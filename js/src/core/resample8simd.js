/**
 * resample8.js's two 8-bit passes in WebAssembly SIMD (128-bit integer lanes): the same sums of
 * pixel times Pillow's integer weight, plus 2^21, shifted right by 22 and clipped to 0..255.
 * Integer addition wraps alike in any order and the true sums fit in 32 bits (as in Pillow's
 * INT32), so summing four taps at a time in lanes gives Pillow's bytes exactly.
 *
 * The module is assembled here, byte by byte, from the few instructions it needs (no toolchain,
 * nothing fetched): it is small enough to read below. Where WebAssembly or its SIMD is missing
 * (an old browser), simd() is null and resample8.js loops in JavaScript. Browser-safe.
 *
 * Functions (all offsets in bytes into the module's memory):
 * - h1, h2, h3, h4 (src, out, n, hdr): one row of the pass along x for 1 to 4 channels; for
 *   each of n outputs a 16-byte header at hdr: [sample offset of its first tap in src, groups
 *   of 4 taps, offset of its weights (4 int32 a group, zero-padded)]; reads 16 bytes from the
 *   last group's start (the caller leaves room past the row).
 * - v (src, out, n, taps, wts, stride): one output row of the pass along y: n samples, each the
 *   sum over taps rows of src (stride bytes apart) by the int32 weights at wts; n is rounded
 *   up to 16 (the caller leaves room).
 */

const HALF = 1 << 21;
const SHIFT = 22;

// A few instruction encodings (the WebAssembly core and SIMD specifications).
const I32 = 0x7f;
const V128 = 0x7b;
const op = {
  block: 0x02, loop: 0x03, end: 0x0b, br_if: 0x0d, get: 0x20, set: 0x21, tee: 0x22,
  i32load: 0x28, i32store8: 0x3a, i32const: 0x41, eqz: 0x45, ne: 0x47, lt_s: 0x48, gt_s: 0x4a,
  add: 0x6a, sub: 0x6b, mul: 0x6c, shr_s: 0x75, select: 0x1b,
};
const simdOp = {
  load: 0x00, store: 0x0b, const: 0x0c, shuffle: 0x0d, splat32: 0x11, extract32: 0x1b,
  narrow16u: 0x66, narrow32s: 0x85, extendLow8u: 0x89, extendHigh8u: 0x8a, shr32s: 0xac,
  extendLow16u: 0xa9, extendHigh16u: 0xaa, add32: 0xae, mul32: 0xb5,
};

function uleb(n) {
  const out = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function sleb(n) {
  const out = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

/** A SIMD instruction: the 0xfd prefix and its number. */
const s = (code, ...imm) => [0xfd, ...uleb(code), ...imm];
const get = (i) => [op.get, i];
const set = (i) => [op.set, i];
const tee = (i) => [op.tee, i];
const i32 = (v) => [op.i32const, ...sleb(v)];
const load32 = (offset) => [op.i32load, 2, ...uleb(offset)];
const zero128 = () => s(simdOp.const, ...new Array(16).fill(0));

/** Sum of an i32x4 local's lanes, plus HALF, shifted and clipped: one byte's value on the stack. */
function clipLanes(vec, tmp) {
  return [
    ...get(vec), ...s(simdOp.extract32, 0), ...get(vec), ...s(simdOp.extract32, 1), op.add,
    ...get(vec), ...s(simdOp.extract32, 2), op.add, ...get(vec), ...s(simdOp.extract32, 3), op.add,
    ...i32(HALF), op.add, ...i32(SHIFT), op.shr_s, ...set(tmp),
    // tmp < 0 ? 0 : tmp; then > 255 ? 255
    ...i32(0), ...get(tmp), ...get(tmp), ...i32(0), op.lt_s, op.select, ...tee(tmp),
    ...i32(255), op.gt_s, ...set(tmp + 1), // tmp+1: whether over 255
    ...i32(255), ...get(tmp), ...get(tmp + 1), op.select,
  ];
}

/** The pass along x for c channels: params src 0, out 1, n 2, hdr 3. */
function horizontalBody(c) {
  // locals: p 4, g 5, wp 6, t 7, over 8 (i32); px 9, wt 10, acc 11.. (v128)
  const [src, out, n, hdr, p, g, wp, t] = [0, 1, 2, 3, 4, 5, 6, 7];
  const px = 9;
  const wt = 10;
  const acc = (k) => 11 + k;
  const lanes = (k) => { // channel k of 4 pixels, each a zero-extended int32 lane
    const pick = [];
    for (let j = 0; j < 4; j++) pick.push(j * c + k, 16, 16, 16);
    return pick;
  };
  const code = [op.loop, 0x40];
  code.push(...get(src), ...get(hdr), ...load32(0), op.add, ...set(p));
  code.push(...get(hdr), ...load32(4), ...set(g));
  code.push(...get(hdr), ...load32(8), ...set(wp));
  for (let k = 0; k < c; k++) code.push(...zero128(), ...set(acc(k)));
  code.push(op.block, 0x40, ...get(g), op.eqz, op.br_if, 0, op.loop, 0x40);
  code.push(...get(p), ...s(simdOp.load, 0, 0), ...set(px));
  code.push(...get(wp), ...s(simdOp.load, 4, 0), ...set(wt));
  for (let k = 0; k < c; k++) {
    code.push(...get(acc(k)), ...get(px), ...zero128(), ...s(simdOp.shuffle, ...lanes(k)),
      ...get(wt), ...s(simdOp.mul32), ...s(simdOp.add32), ...set(acc(k)));
  }
  code.push(...get(p), ...i32(4 * c), op.add, ...set(p));
  code.push(...get(wp), ...i32(16), op.add, ...set(wp));
  code.push(...get(g), ...i32(1), op.sub, ...tee(g), op.br_if, 0, op.end, op.end);
  for (let k = 0; k < c; k++) {
    code.push(...get(out), ...clipLanes(acc(k), t), op.i32store8, 0, ...uleb(k));
  }
  code.push(...get(out), ...i32(c), op.add, ...set(out));
  code.push(...get(hdr), ...i32(16), op.add, ...set(hdr));
  code.push(...get(n), ...i32(1), op.sub, ...tee(n), op.br_if, 0, op.end);
  const locals = [[5, I32], [2 + c, V128]]; // p g wp t over; px wt acc...
  return { params: 4, locals, code };
}

/** The pass along y: params src 0, out 1, n 2, taps 3, wts 4, stride 5. */
function verticalBody() {
  // locals: i 6, at 7, k 8, wp 9 (i32); px 10, wt 11, a0..a3 12..15, lo 16, hi 17 (v128)
  const [src, out, n, taps, wts, stride, i, at, k, wp] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const [px, wt, a0, lo, hi] = [10, 11, 12, 16, 17];
  const half = s(simdOp.const, ...[HALF, HALF, HALF, HALF].flatMap((v) => [v & 255, (v >> 8) & 255, (v >> 16) & 255, v >>> 24]));
  const code = [...i32(0), ...set(i), op.loop, 0x40];
  for (let a = 0; a < 4; a++) code.push(...half, ...set(a0 + a));
  code.push(...get(src), ...get(i), op.add, ...set(at), ...get(wts), ...set(wp), ...get(taps), ...set(k));
  code.push(op.loop, 0x40);
  code.push(...get(at), ...s(simdOp.load, 0, 0), ...set(px));
  code.push(...get(wp), ...load32(0), ...s(simdOp.splat32), ...set(wt));
  code.push(...get(px), ...s(simdOp.extendLow8u), ...set(lo), ...get(px), ...s(simdOp.extendHigh8u), ...set(hi));
  const parts = [[lo, simdOp.extendLow16u], [lo, simdOp.extendHigh16u], [hi, simdOp.extendLow16u], [hi, simdOp.extendHigh16u]];
  parts.forEach(([from, ext], a) => {
    code.push(...get(a0 + a), ...get(from), ...s(ext), ...get(wt), ...s(simdOp.mul32), ...s(simdOp.add32), ...set(a0 + a));
  });
  code.push(...get(at), ...get(stride), op.add, ...set(at), ...get(wp), ...i32(4), op.add, ...set(wp));
  code.push(...get(k), ...i32(1), op.sub, ...tee(k), op.br_if, 0, op.end);
  // shift, then narrow with saturation: int32 to int16 (signed), int16 to uint8 (0..255)
  for (let a = 0; a < 4; a++) code.push(...get(a0 + a), ...i32(SHIFT), ...s(simdOp.shr32s), ...set(a0 + a));
  code.push(...get(out), ...get(i), op.add);
  code.push(...get(a0), ...get(a0 + 1), ...s(simdOp.narrow32s), ...get(a0 + 2), ...get(a0 + 3), ...s(simdOp.narrow32s));
  code.push(...s(simdOp.narrow16u), ...s(simdOp.store, 0, 0));
  code.push(...get(i), ...i32(16), op.add, ...tee(i), ...get(n), op.lt_s, op.br_if, 0, op.end);
  return { params: 6, locals: [[4, I32], [8, V128]], code };
}

function section(id, bytes) {
  return [id, ...uleb(bytes.length), ...bytes];
}

function vec(items) {
  return [...uleb(items.length), ...items.flat()];
}

const name = (text) => [...uleb(text.length), ...Array.from(text, (ch) => ch.charCodeAt(0))];

/** The module's bytes: memory imported as env.memory, five functions exported. */
export function moduleBytes() {
  const bodies = [['h1', horizontalBody(1)], ['h2', horizontalBody(2)], ['h3', horizontalBody(3)],
    ['h4', horizontalBody(4)], ['v', verticalBody()]];
  const types = [[0x60, ...vec(new Array(4).fill([I32])), 0], [0x60, ...vec(new Array(6).fill([I32])), 0]];
  const typeOf = (b) => (b.params === 4 ? 0 : 1);
  const code = bodies.map(([, b]) => {
    const body = [...vec(b.locals.map(([count, type]) => [...uleb(count), type])), ...b.code, op.end];
    return [...uleb(body.length), ...body];
  });
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x00, 0x01]])),
    ...section(3, vec(bodies.map(([, b]) => uleb(typeOf(b))))),
    ...section(7, vec(bodies.map(([n], i) => [...name(n), 0x00, ...uleb(i)]))),
    ...section(10, vec(code)),
  ]);
}

let compiled; // undefined: not tried; null: no WebAssembly SIMD here

/** The compiled module, or null where WebAssembly SIMD is missing. */
function wasmModule() {
  if (compiled === undefined) {
    compiled = null;
    try {
      const bytes = moduleBytes();
      if (typeof WebAssembly === 'object' && WebAssembly.validate(bytes)) compiled = new WebAssembly.Module(bytes);
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

const PAGE = 65536;
/** Room past a row for the last group's 16-byte read, and for v's rounding up to 16. */
const SLACK = 64;

const align16 = (n) => Math.ceil(n / 16) * 16;

/** A fresh instance whose memory holds at least bytes. */
function instance(bytes) {
  const memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / PAGE) });
  const inst = new WebAssembly.Instance(wasmModule(), { env: { memory } });
  return { fn: inst.exports, mem: new Uint8Array(memory.buffer), memory };
}

/**
 * Whether the SIMD passes can run here.
 * @returns {boolean}
 */
export function simdAvailable() {
  return wasmModule() !== null;
}

/**
 * The pass along x in SIMD, a row at a time through the module's memory.
 * @param {Uint8Array} src [h, w, c]
 * @param {{first: Int32Array, count: Int32Array, offsets: Int32Array, weights: Int32Array}} t taps8's
 * @returns {Uint8Array} [h, nOut, c]
 */
export function horizontalSimd(src, w, h, c, nOut, t) {
  const groups = new Int32Array(nOut);
  let total = 0;
  for (let x = 0; x < nOut; x++) {
    groups[x] = Math.ceil(t.count[x] / 4);
    total += groups[x] * 4;
  }
  const rowIn = w * c;
  const rowOut = nOut * c;
  const hdr = 0;
  const wts = align16(hdr + 16 * nOut);
  const row = align16(wts + 4 * total);
  const outAt = align16(row + rowIn + SLACK);
  const { fn, mem, memory } = instance(outAt + rowOut + SLACK);
  const head = new Int32Array(memory.buffer, hdr, 4 * nOut);
  const weights = new Int32Array(memory.buffer, wts, total);
  for (let x = 0, at = 0; x < nOut; x++) {
    head[4 * x] = t.first[x] * c;
    head[4 * x + 1] = groups[x];
    head[4 * x + 2] = wts + 4 * at;
    weights.set(t.weights.subarray(t.offsets[x], t.offsets[x] + t.count[x]), at);
    at += groups[x] * 4;
  }
  const pass = fn[`h${c}`];
  const out = new Uint8Array(rowOut * h);
  for (let y = 0; y < h; y++) {
    mem.set(src.subarray(y * rowIn, (y + 1) * rowIn), row);
    pass(row, outAt, nOut, hdr);
    out.set(mem.subarray(outAt, outAt + rowOut), y * rowOut);
  }
  return out;
}

/**
 * The pass along y in SIMD: per output row, the input rows it weighs copied into the module's
 * memory, then summed 16 samples at a time.
 * @param {Uint8Array} src [h, w, c]
 * @returns {Uint8Array} [nOut, w, c]
 */
export function verticalSimd(src, w, h, c, nOut, t) {
  const n = w * c;
  const stride = align16(n + SLACK);
  let most = 1;
  for (let y = 0; y < nOut; y++) most = Math.max(most, t.count[y]);
  const wts = 0;
  const rows = align16(4 * most);
  const outAt = rows + stride * most;
  const { fn, mem, memory } = instance(outAt + stride);
  const weights = new Int32Array(memory.buffer, wts, most);
  const out = new Uint8Array(n * nOut);
  for (let y = 0; y < nOut; y++) {
    const k = t.count[y];
    const o = y * n;
    if (k === 0) { // no weight: Pillow's sum is 2^21 alone
      out.fill(0, o, o + n);
      continue;
    }
    weights.set(t.weights.subarray(t.offsets[y], t.offsets[y] + k));
    for (let j = 0; j < k; j++) {
      const from = (t.first[y] + j) * n;
      mem.set(src.subarray(from, from + n), rows + j * stride);
    }
    fn.v(rows, outAt, n, k, wts, stride);
    out.set(mem.subarray(outAt, outAt + n), o);
  }
  return out;
}
