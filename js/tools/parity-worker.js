#!/usr/bin/env node
/**
 * The JavaScript parity worker: node tools/parity-worker.js REQUEST.json.
 *
 * python.runtimes.js writes the request (python.runtimes.workers' format: the runtime, jobs of
 * one model and one input each, where to write the result). onnxruntime_node and node_files
 * run here; onnxruntime_web and web_files run in headless Chromium, driven by playwright-core,
 * on a page served from a loopback server that stops with this process.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runJob } from './jobs.js';
import { writeNpy } from './npy.js';

const BROWSER = new Set(['onnxruntime_web', 'web_files']);

async function main(requestFile) {
  const request = JSON.parse(await readFile(requestFile, 'utf8'));
  const results = BROWSER.has(request.runtime) ? await inBrowser(request) : await inNode(request);
  for (const r of results) {
    if (r.values) await writeFile(r.out, writeNpy(r.values, r.shape));
    delete r.values;
  }
  await writeFile(request.result, JSON.stringify({ jobs: results }));
}

function failure(err) {
  return String(err?.message ?? err).split('\n')[0].slice(0, 500);
}

async function inNode(request) {
  const ort = await import('onnxruntime-node');
  const { decodeWithSharp, openClassifier } = await import('../src/node.js');
  const env = {
    ort, decodeWhole: decodeWithSharp, inputName: request.input_name, outputName: request.output_name,
    read: async (file) => new Uint8Array(await readFile(file)),
    open: (format) => openClassifier(request.artifacts, { format }),
  };
  const results = [];
  for (const job of request.jobs) {
    try {
      const { values, shape, labels, errors } = await runJob(job, env);
      results.push({ out: job.out, error: null, values, shape, labels, errors });
    } catch (err) {
      results.push({ out: job.out, error: failure(err) });
    }
  }
  return results;
}

async function inBrowser(request) {
  const { chromium } = await import('playwright-core');
  const { startServer } = await import('../src/serve.js');
  // The files the page may read (models, inputs, pictures) by index, and the outputs it posts.
  const readable = [];
  const index = (file) => {
    const at = readable.indexOf(file);
    return at >= 0 ? at : readable.push(file) - 1;
  };
  const jobs = request.jobs.map((job) => ({
    ...job,
    path: job.path && `/fs/${index(job.path)}`,
    npy: job.npy && `/fs/${index(job.npy)}`,
    files: job.files?.map((f) => `/fs/${index(path.resolve(f))}#${f}`),
  }));
  const posted = new Map();
  const extra = (req, res) => {
    const fs = /^\/fs\/(\d+)$/.exec(req.url);
    if (fs && readable[Number(fs[1])] !== undefined) {
      readFile(readable[Number(fs[1])]).then((data) => {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.end(data);
      }, () => {
        res.writeHead(404);
        res.end();
      });
      return true;
    }
    const out = /^\/out\/(\d+)\/(\d+)$/.exec(req.url); // a job's floats come in parts, in order
    if (out && req.method === 'POST') {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const [n, part] = [Number(out[1]), Number(out[2])];
        if (part === 0) posted.set(n, []);
        posted.get(n)[part] = Buffer.concat(chunks);
        res.writeHead(204);
        res.end();
      });
      return true;
    }
    return false;
  };
  const served = await startServer({ artifacts: request.artifacts ?? undefined, extra });
  const browser = await chromium.launch({
    executablePath: request.chromium,
    // Chromium's sandbox needs user namespaces a container run as root does not have.
    args: ['--no-sandbox', '--disable-gpu'],
  });
  try {
    const page = await browser.newPage();
    const messages = [];
    page.on('console', (m) => { if (m.type() === 'error') messages.push(m.text()); });
    page.on('pageerror', (e) => messages.push(String(e)));
    await page.goto(`${served.url}/tools/worker.html`);
    await page.waitForFunction(() => window.parityReady === true || window.parityFailed, null, { timeout: 60_000 });
    const failedToLoad = await page.evaluate(() => window.parityFailed);
    if (failedToLoad) throw new Error(`the worker page did not load: ${failedToLoad} ${messages.join(' ')}`);
    const results = [];
    for (const [i, job] of jobs.entries()) {
      const answer = await page.evaluate(([j, n, names]) => window.runParityJob(j, n, names),
        [job, i, { input: request.input_name, output: request.output_name }]);
      if (answer.error) {
        results.push({ out: job.out, error: answer.error });
        continue;
      }
      const bytes = Buffer.concat(posted.get(i));
      const values = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
      results.push({ out: job.out, error: null, values, shape: answer.shape, labels: answer.labels, errors: answer.errors });
    }
    return results;
  } finally {
    await browser.close();
    await served.close();
  }
}

main(process.argv[2]).catch((err) => {
  process.stderr.write(`parity worker: ${err?.stack ?? err}\n`);
  process.exitCode = 1;
});
