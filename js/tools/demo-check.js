#!/usr/bin/env node
/**
 * node tools/demo-check.js ARTIFACTS SCREENSHOT.png PICTURE...: the demo page driven as a person
 * would use it, in headless Chromium (Debian's, by MODELPARITY_CHROMIUM or on PATH): pick the
 * pictures, wait for the answers, take a screenshot. Prints one JSON object: for each picture
 * its name, the label and probability the page shows, or that it showed an error.
 */
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { startServer } from '../src/serve.js';

function browserPath() {
  if (process.env.MODELPARITY_CHROMIUM) return process.env.MODELPARITY_CHROMIUM;
  return execFileSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], { encoding: 'utf8' }).trim();
}

const [artifacts, screenshot, ...pictures] = process.argv.slice(2);
const served = await startServer({ artifacts });
const browser = await chromium.launch({ executablePath: browserPath(), args: ['--no-sandbox', '--disable-gpu'] });
try {
  const page = await browser.newPage({ viewport: { width: 1000, height: 760 }, deviceScaleFactor: 1 });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const started = Date.now();
  await page.goto(`${served.url}/demo/`);
  await page.waitForSelector('body[data-ready]', { timeout: 60_000 });
  const ready = await page.evaluate(() => document.body.dataset.ready === 'true');
  const modelStatus = await page.textContent('#model-status');
  const loadMs = Date.now() - started;
  let shown = [];
  if (ready) {
    await page.setInputFiles('#pictures', pictures);
    await page.waitForFunction((n) => document.querySelectorAll('.result[data-done]').length === n, pictures.length, { timeout: 120_000 });
    shown = await page.$$eval('.result', (nodes) => nodes.map((n) => ({
      name: n.querySelector('.name').textContent,
      label: n.dataset.label ?? null,
      probability: n.dataset.probability ?? null,
      error: n.dataset.error ? n.querySelector('.label').textContent : null,
    })).reverse());
  }
  await page.screenshot({ path: screenshot, fullPage: true });
  process.stdout.write(`${JSON.stringify({ ready, modelStatus, loadMs, shown, errors })}\n`);
} finally {
  await browser.close();
  await served.close();
}
