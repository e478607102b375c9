/**
 * A loopback HTTP server for the package's pages: the demo (demo/), the parity worker's page
 * (tools/), the package's own modules and the browser bundles they import (importmap.js), and
 * an artifacts folder under /artifacts/. Static files by sirv, a small maintained static file
 * handler; HTML pages get the import map written in.
 */
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import sirv from 'sirv';
import { IMPORT_MAP, SERVED, WASM_PATHS } from './importmap.js';

/** The package's folder (js/). */
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** onnxruntime-web's dist/ folder wherever npm put it (beside the package when installed). */
const ORT_WEB = path.dirname(createRequire(import.meta.url).resolve('onnxruntime-web')); // .../dist/ort.min.js

/**
 * Start the server.
 * @param {object} options
 * @param {string} [options.artifacts] an artifacts folder to serve under /artifacts/
 * @param {string} [options.host] default 127.0.0.1: loopback only unless told otherwise
 * @param {number} [options.port] default 0: any free port
 * @param {(req: http.IncomingMessage, res: http.ServerResponse) => boolean} [options.extra]
 *   a handler tried first; it returns true when it answered
 * @returns {Promise<{server: http.Server, url: string, close: () => Promise<void>}>}
 */
export async function startServer({ artifacts, host = '127.0.0.1', port = 0, extra } = {}) {
  const files = sirv(PACKAGE_ROOT, { dev: true, dotfiles: false });
  const ortWeb = sirv(ORT_WEB, { dev: true, dotfiles: false });
  const folder = artifacts ? sirv(path.resolve(artifacts), { dev: true, dotfiles: false }) : null;
  const script = `<script type="importmap">${JSON.stringify(IMPORT_MAP)}</script>`;
  const server = http.createServer(async (req, res) => {
    try {
      if (extra?.(req, res)) return;
      const url = new URL(req.url, 'http://localhost');
      let pathname = decodeURIComponent(url.pathname);
      if (pathname === '/') {
        res.writeHead(302, { location: '/demo/' });
        res.end();
        return;
      }
      if (pathname.startsWith('/artifacts/') && folder) {
        req.url = req.url.slice('/artifacts'.length);
        folder(req, res, () => notFound(res));
        return;
      }
      if (pathname.startsWith(WASM_PATHS)) {
        req.url = req.url.slice(WASM_PATHS.length - 1);
        ortWeb(req, res, () => notFound(res));
        return;
      }
      if (!SERVED.some((p) => pathname.startsWith(p))) {
        notFound(res);
        return;
      }
      if (pathname.endsWith('/')) pathname += 'index.html';
      if (pathname.endsWith('.html')) {
        const file = path.join(PACKAGE_ROOT, path.normalize(pathname));
        if (!file.startsWith(PACKAGE_ROOT + path.sep)) return notFound(res);
        const html = (await readFile(file, 'utf8')).replace('<!-- importmap -->', script);
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        res.end(html);
        return;
      }
      files(req, res, () => notFound(res));
    } catch (err) {
      if (err?.code === 'ENOENT') return notFound(res);
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(err?.message ?? err));
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const address = server.address();
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    server,
    url: `http://${shown}:${address.port}`,
    close: () => new Promise((resolve) => {
      server.closeAllConnections?.();
      server.close(() => resolve());
    }),
  };
}

function notFound(res) {
  res.writeHead(404, { 'content-type': 'text/plain' });
  res.end('not found');
}
