/**
 * One timing round, the same in Node and in a page (python.runtimes.timing.side_by_side's
 * round): `singles` one-picture calls (their mean, ms: a page's clock ticks in 0.1 ms without
 * cross-origin isolation, too coarse to time one call) and `batches` calls of 64 (pictures a
 * second). Inputs are uniform noise in [0, 1), as Python's timing draws them.
 */
export const BATCH = 64;

function noise(n, seed) {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0; // a fixed sequence: the same work each run
    out[i] = s / 2 ** 32;
  }
  return out;
}

/**
 * @param {(x: Float32Array, n: number) => Promise<unknown>} run
 * @param {number[]} shape one picture's [H, W, C]
 * @param {{singles: number, batches: number}} plan
 * @returns {Promise<{latency_ms: number, throughput_per_s: number}>}
 */
export async function timeRound(run, shape, { singles, batches }) {
  const size = shape.reduce((a, b) => a * b, 1);
  const one = noise(size, 1);
  const batch = noise(size * BATCH, 2);
  const started = performance.now();
  for (let i = 0; i < singles; i++) await run(one, 1);
  const latency = (performance.now() - started) / singles;
  const t = performance.now();
  for (let i = 0; i < batches; i++) await run(batch, BATCH);
  return { latency_ms: latency, throughput_per_s: (batches * BATCH * 1000) / (performance.now() - t) };
}
