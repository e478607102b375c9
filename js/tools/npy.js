/**
 * NumPy's .npy format, float32 C-order only: what the parity suite hands its workers. Written
 * by hand (a header and raw little-endian floats) rather than pulling in a package for it.
 */

/**
 * @param {ArrayBuffer|Uint8Array} bytes an .npy file
 * @returns {{shape: number[], data: Float32Array}}
 */
export function readNpy(bytes) {
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const view = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
  if (u8[0] !== 0x93 || String.fromCharCode(...u8.subarray(1, 6)) !== 'NUMPY') throw new Error('not an .npy file');
  const major = u8[6];
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  const header = new TextDecoder().decode(u8.subarray(start, start + headerLength));
  if (!/'descr':\s*'<f4'/.test(header) || /'fortran_order':\s*True/.test(header)) {
    throw new Error(`only little-endian float32 C-order .npy is read here: ${header.trim()}`);
  }
  const shape = header.match(/'shape':\s*\(([^)]*)\)/)[1].split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const offset = start + headerLength;
  const copy = u8.slice(offset, offset + shape.reduce((a, b) => a * b, 1) * 4);
  return { shape, data: new Float32Array(copy.buffer) };
}

/**
 * @param {Float32Array} data
 * @param {number[]} shape
 * @returns {Uint8Array} the .npy file
 */
export function writeNpy(data, shape) {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set([0x93, ...new TextEncoder().encode('NUMPY'), 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}
