// The demo page: an artifacts folder (served, or picked), pictures dropped or picked, and for
// each the label, every label's probability and the prepared input as the model sees it.
import { WASM_PATHS } from '../src/importmap.js';
import { PictureError, openClassifier, sixDecimals } from '../src/browser.js';

const $ = (id) => document.getElementById(id);
let classifier = null;
let source = '/artifacts/';

async function load() {
  const status = $('model-status');
  status.className = 'status';
  status.textContent = 'Loading the model…';
  try {
    await classifier?.close();
    classifier = null;
    const started = performance.now();
    classifier = await openClassifier(source, { format: $('format').value, wasmPaths: WASM_PATHS });
    const m = classifier.manifest;
    status.textContent = `${classifier.model}: ${m.width} x ${m.height} ${m.recipe.color}, labels ${m.labels.join(', ')}`
      + ` (sha256 checked, ready in ${Math.round(performance.now() - started)} ms)`;
    document.body.dataset.ready = 'true';
    window.modelparityReadyMs ??= performance.now(); // from navigation: what a first visit waits
  } catch (err) {
    status.className = 'status error';
    status.textContent = String(err.message ?? err);
    document.body.dataset.ready = 'false';
  }
}

/** The prepared input drawn back to 8 bits: each channel's model input range to 0..255. */
function drawInput(canvas, input, m) {
  const r = m.recipe;
  const factor = r.doRescale ? r.rescaleFactor : 1;
  const ranges = Array.from({ length: m.channels }, (_, c) => {
    let lo = 0;
    let hi = 255 * factor;
    if (r.doNormalize) [lo, hi] = [(lo - r.imageMean[c]) / r.imageStd[c], (hi - r.imageMean[c]) / r.imageStd[c]];
    return [lo, hi];
  });
  canvas.width = m.width;
  canvas.height = m.height;
  const context = canvas.getContext('2d');
  const image = context.createImageData(m.width, m.height);
  for (let i = 0; i < m.width * m.height; i++) {
    for (let k = 0; k < 3; k++) {
      const c = m.channels === 3 ? k : 0;
      const [lo, hi] = ranges[c];
      image.data[i * 4 + k] = Math.round(((input[i * m.channels + c] - lo) / (hi - lo)) * 255);
    }
    image.data[i * 4 + 3] = 255;
  }
  context.putImageData(image, 0, 0);
}

async function classify(files) {
  if (!classifier) return;
  const results = $('results');
  for (const file of files) {
    const node = $('result').content.firstElementChild.cloneNode(true);
    node.querySelector('.name').textContent = file.name;
    node.querySelector('img').src = URL.createObjectURL(file);
    results.prepend(node);
    const bytes = new Uint8Array(await file.arrayBuffer());
    try {
      const started = performance.now();
      const input = await classifier.prepare(bytes, file.name);
      const [c] = await classifier.classifyInputs(input, [file.name]);
      const ms = performance.now() - started;
      drawInput(node.querySelector('canvas'), input, classifier.manifest);
      node.querySelector('.label').textContent = c.label;
      node.dataset.label = c.label;
      node.dataset.probability = sixDecimals(c.probability);
      const bars = node.querySelector('.bars');
      for (const p of c.top(c.probabilities.length)) {
        const li = document.createElement('li');
        if (p.label === c.label) li.className = 'top';
        li.innerHTML = '<span class="l"></span><span class="bar"><span></span></span><span class="p"></span>';
        li.querySelector('.l').textContent = p.label;
        li.querySelector('.bar span').style.width = `${Math.max(0, Math.min(1, p.probability)) * 100}%`;
        li.querySelector('.p').textContent = sixDecimals(p.probability);
        bars.append(li);
      }
      const m = classifier.manifest;
      const rule = m.classes === 1
        ? `${m.labels[1]} when its probability is at least ${sixDecimals(m.threshold)} (the export's threshold); `
        : '';
      node.querySelector('.meta').textContent = `${rule}${classifier.format}, prepared and classified in ${ms.toFixed(1)} ms`;
    } catch (err) {
      node.querySelector('.label').textContent = err instanceof PictureError ? err.reason : String(err.message ?? err);
      node.querySelector('.label').classList.add('error');
      node.dataset.error = 'true';
    }
    node.dataset.done = 'true';
  }
}

$('format').addEventListener('change', load);
$('folder').addEventListener('change', (e) => {
  source = [...e.target.files];
  load();
});
$('pictures').addEventListener('change', (e) => classify([...e.target.files]));
const drop = $('drop');
drop.addEventListener('dragover', (e) => {
  e.preventDefault();
  drop.classList.add('over');
});
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  classify([...e.dataTransfer.files]);
});
load();
