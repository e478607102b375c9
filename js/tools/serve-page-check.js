#!/usr/bin/env node
/**
 * node tools/serve-page-check.js URL SCREENSHOT.png PICTURE...: the page of a running
 * `modelparity-java serve` (Java) driven as a person would use it, in headless Chromium
 * (Debian's, by MODELPARITY_CHROMIUM or on PATH): pick the pictures, wait for the answers, take a
 * screenshot. Prints one JSON object: for each picture its name, the label the page shows (or
 * its error) and whether the prepared input was drawn.
 */
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';

function browserPath() {
  if (process.env.MODELPARITY_CHROMIUM) return process.env.MODELPARITY_CHROMIUM;
  return execFileSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], { encoding: 'utf8' }).trim();
}

const [url, screenshot, ...pictures] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: browserPath(), args: ['--no-sandbox', '--disable-gpu'] });
try {
  const page = await browser.newPage({ viewport: { width: 1000, height: 700 }, deviceScaleFactor: 1 });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  const model = await page.textContent('#model');
  for (const picture of pictures) {
    await page.setInputFiles('#picture', picture);
  }
  await page.waitForFunction((n) => document.querySelectorAll('.result[data-state]').length === n,
    pictures.length, { timeout: 60_000 });
  const shown = await page.$$eval('.result', (nodes) => nodes.map((n) => {
    const canvas = n.querySelector('canvas');
    return {
      name: n.querySelector('.name').textContent,
      state: n.dataset.state,
      label: n.querySelector('.label').textContent,
      inputDrawn: canvas.width > 1 && canvas.height > 1,
      inputSize: [canvas.width, canvas.height],
    };
  }).reverse());
  await page.screenshot({ path: screenshot, fullPage: true });
  process.stdout.write(`${JSON.stringify({ model, shown, errors })}\n`);
} finally {
  await browser.close();
}
