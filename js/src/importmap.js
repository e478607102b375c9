/**
 * Where a page served from the package finds the browser entry's bare imports: the one import
 * map every page gets (serve.js writes it into each HTML page it serves), so the package runs
 * in a browser as it is, with no bundling step.
 */
export const IMPORT_MAP = Object.freeze({
  imports: {
    'onnxruntime-web': '/node_modules/onnxruntime-web/dist/ort.wasm.min.mjs',
  },
});

/** Where onnxruntime-web's WebAssembly files are served. */
export const WASM_PATHS = '/node_modules/onnxruntime-web/dist/';

/** The folders of the package a page may load, beside the served artifacts and WASM_PATHS. */
export const SERVED = Object.freeze(['/src/', '/demo/', '/tools/']);
