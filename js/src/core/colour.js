/**
 * A decoder's 8-bit pixels (grey, grey + alpha, RGB or RGBA) to the recipe's grey or RGB:
 * on the fast route alpha over white, python.data.colour's integer arithmetic (the manifest's
 * rules.color); on the faithful route as Pillow's Image.convert, which drops alpha.
 */

/** ITU-R 601-2 luma in integers, as Pillow's RGB to L converter. */
export function luma(r, g, b) {
  return (19595 * r + 38470 * g + 7471 * b + 32768) >> 16;
}

/** Alpha over white in integers. */
export function overWhite(v, a) {
  return Math.floor((v * a + 255 * (255 - a) + 127) / 255);
}

/**
 * Convert interleaved 8-bit pixels of 1 to 4 channels to grey (1) or RGB (3).
 * @param {Uint8Array|Uint8ClampedArray} data
 * @param {number} width
 * @param {number} height
 * @param {number} channels 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA
 * @param {'grey'|'rgb'} color the recipe's colour
 * @param {boolean} [faithful] alpha dropped (Pillow's convert), not composited over white
 * @returns {import('./prepare.js').Pixels}
 */
export function convert(data, width, height, channels, color, faithful = false) {
  if (faithful && (channels === 2 || channels === 4)) {
    return convert(withoutAlpha(data, width * height, channels), width, height, channels - 1, color);
  }
  const n = width * height;
  const rgb = color === 'rgb';
  if (channels === (rgb ? 3 : 1)) { // already the recipe's colour: the decoder's pixels as they are
    const same = data instanceof Uint8Array ? data : new Uint8Array(data.buffer, data.byteOffset, data.length);
    return { width, height, channels, data: same };
  }
  const out = new Uint8Array(n * (rgb ? 3 : 1));
  if (!rgb) {
    for (let i = 0, at = 0; i < n; i++, at += channels) {
      let v = channels <= 2 ? data[at] : luma(data[at], data[at + 1], data[at + 2]);
      if (channels === 2 || channels === 4) v = overWhite(v, data[at + channels - 1]);
      out[i] = v;
    }
  } else if (channels <= 2) {
    for (let i = 0, at = 0, o = 0; i < n; i++, at += channels, o += 3) {
      const v = channels === 2 ? overWhite(data[at], data[at + 1]) : data[at];
      out[o] = v;
      out[o + 1] = v;
      out[o + 2] = v;
    }
  } else { // RGBA over white
    for (let i = 0, at = 0, o = 0; i < n; i++, at += 4, o += 3) {
      const a = data[at + 3];
      out[o] = overWhite(data[at], a);
      out[o + 1] = overWhite(data[at + 1], a);
      out[o + 2] = overWhite(data[at + 2], a);
    }
  }
  return { width, height, channels: rgb ? 3 : 1, data: out };
}

/** Interleaved pixels with their last (alpha) channel left out. */
function withoutAlpha(data, n, channels) {
  const kept = channels - 1;
  const out = new Uint8Array(n * kept);
  if (kept === 3) {
    for (let i = 0, at = 0, o = 0; i < n; i++, at += 4, o += 3) {
      out[o] = data[at];
      out[o + 1] = data[at + 1];
      out[o + 2] = data[at + 2];
    }
    return out;
  }
  for (let i = 0; i < n; i++) out[i] = data[i * 2];
  return out;
}

/**
 * Grey pixels repeated into RGB (a one-component JPEG decoded reduced for an RGB model).
 * @param {import('./prepare.js').Pixels} grey
 * @returns {import('./prepare.js').Pixels}
 */
export function greyToRgb(grey) {
  const rgb = convert(grey.data, grey.width, grey.height, 1, 'rgb');
  return { ...grey, channels: 3, data: rgb.data };
}
