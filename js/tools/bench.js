#!/usr/bin/env node
/**
 * The JavaScript half of python -m python.bench.js: node tools/bench.js node|web, driven by JSON
 * lines on stdin, answering JSON lines on stdout, so Python can alternate rounds between its
 * own ONNX Runtime, onnxruntime-node and onnxruntime-web (headless Chromium) in one run. Node's
 * and the browser's run in processes of their own: a browser's pipe waking this event loop
 * would land on Node's timings.
 *
 * Commands: {"cmd": "open", "model": PATH, "artifacts": DIR, "shape": [H, W, C], "chromium": PATH,
 * "threads": N} loads the model; {"cmd": "round", "singles": S, "batches": B} times one round;
 * web only: {"cmd": "first_visit"} loads the demo page (demo/, with the artifacts folder of "open")
 * in a fresh browser context, nothing cached: the time from navigation until its model is
 * ready, and the bytes it downloaded by kind; node only: {"cmd": "files", "format": F, "files": [...]}
 * classifies picture files with the package in Node (read, decode, prepare, run 64 at a
 * time) and answers the milliseconds a picture; {"cmd": "close"} ends.
 */
import { readFile } from 'node:fs/promises';
import readline from 'node:readline';
import { timeRound } from './timing.js';

let node = null;
let web = null;
let browser = null;
let served = null;
let modelPath = null;
let opened = null;

const KIND = process.argv[2];

async function open(cmd) {
  opened = cmd;
  modelPath = cmd.model;
  if (KIND === 'node') {
    await openNode(cmd);
    return { ok: true };
  }
  await openWeb(cmd);
  return { ok: true };
}

async function openNode(cmd) {
  const ort = await import('onnxruntime-node');
  const session = await ort.InferenceSession.create(await readFile(cmd.model),
    { intraOpNumThreads: cmd.threads, interOpNumThreads: 1 });
  const input = session.inputNames[0];
  const run = (x, n) => session.run({ [input]: new ort.Tensor('float32', x, [n, ...cmd.shape]) });
  await run(new Float32Array(cmd.shape.reduce((a, b) => a * b, 1)), 1);
  node = run;
}

async function openWeb(cmd) {
  const { chromium } = await import('playwright-core');
  const { startServer } = await import('../src/serve.js');
  const extra = (req, res) => {
    if (req.url !== '/model.onnx') return false;
    readFile(modelPath).then((data) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(data);
    });
    return true;
  };
  served = await startServer({ artifacts: cmd.artifacts, extra });
  browser = await chromium.launch({ executablePath: cmd.chromium, args: ['--no-sandbox', '--disable-gpu'] });
  web = await newPage(await browser.newContext());
}

function pageUrl() {
  const q = new URLSearchParams({ model: '/model.onnx', shape: JSON.stringify(opened.shape), threads: String(opened.threads) });
  return `${served.url}/tools/bench.html?${q}`;
}

async function newPage(context) {
  const page = await context.newPage();
  await page.goto(pageUrl());
  await page.waitForFunction(() => window.benchReady !== undefined);
  await page.evaluate(() => window.benchReady);
  return page;
}

async function round(cmd) {
  const plan = { singles: cmd.singles, batches: cmd.batches };
  return KIND === 'node' ? timeRound(node, opened.shape, plan) : web.evaluate((p) => window.benchRound(p), plan);
}

async function firstVisit() {
  const context = await browser.newContext(); // a fresh profile: nothing cached
  const bytes = {};
  const page = await context.newPage();
  page.on('requestfinished', async (request) => {
    const sizes = await request.sizes();
    const name = new URL(request.url()).pathname;
    const kind = name.endsWith('.wasm') ? 'wasm' : name.endsWith('.onnx') ? 'model'
      : /\.m?js$/.test(name) ? 'javascript' : 'page';
    bytes[kind] = (bytes[kind] ?? 0) + sizes.responseBodySize + sizes.responseHeadersSize;
  });
  await page.goto(`${served.url}/demo/`);
  await page.waitForSelector('body[data-ready]', { timeout: 60_000 });
  const readyMs = await page.evaluate(() => window.modelparityReadyMs ?? null);
  await context.close();
  return { ready_ms: readyMs, bytes };
}

let filesClassifier = null;

async function files(cmd) {
  const { openClassifier, classifyFiles } = await import('../src/node.js');
  filesClassifier ??= await openClassifier(opened.artifacts, { format: cmd.format, sessionOptions: { intraOpNumThreads: opened.threads } });
  const started = performance.now();
  let n = 0;
  for await (const answer of classifyFiles(filesClassifier, cmd.files)) {
    if (answer instanceof Error) throw answer;
    n += 1;
  }
  return { ms_per_picture: (performance.now() - started) / n, pictures: n };
}

const handlers = { open, round, first_visit: firstVisit, files };
const lines = readline.createInterface({ input: process.stdin });
for await (const line of lines) {
  const cmd = JSON.parse(line);
  if (cmd.cmd === 'close') break;
  try {
    process.stdout.write(`${JSON.stringify(await handlers[cmd.cmd](cmd))}\n`);
  } catch (err) {
    process.stdout.write(`${JSON.stringify({ error: String(err?.message ?? err).split('\n')[0] })}\n`);
  }
}
await browser?.close();
await served?.close();
