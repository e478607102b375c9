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
  const out = new Uint8Array(n * (color === 'rgb' ? 3 : 1));
  for (let i = 0; i < n; i++) {
    const at = i * channels;
    if (color === 'grey') {
      let v = channels <= 2 ? data[at] : luma(data[at], data[at + 1], data[at + 2]);
      if (channels === 2 || channels === 4) v = overWhite(v, data[at + channels - 1]);
      out[i] = v;
    } else if (channels <= 2) {
      const v = channels === 2 ? overWhite(data[at], data[at + 1]) : data[at];
      out[i * 3] = v;
      out[i * 3 + 1] = v;
      out[i * 3 + 2] = v;
    } else {
      for (let k = 0; k < 3; k++) {
        out[i * 3 + k] = channels === 4 ? overWhite(data[at + k], data[at + 3]) : data[at + k];
      }
    }
  }
  return { width, height, channels: color === 'rgb' ? 3 : 1, data: out };
}

/** Interleaved pixels with their last (alpha) channel left out. */
function withoutAlpha(data, n, channels) {
  const kept = channels - 1;
  const out = new Uint8Array(n * kept);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < kept; k++) out[i * kept + k] = data[i * channels + k];
  }
  return out;
}

/**
 * Grey pixels repeated into RGB (a one-component JPEG decoded at 1/8 for an RGB model).
 * @param {import('./prepare.js').Pixels} grey
 * @returns {import('./prepare.js').Pixels}
 */
export function greyToRgb(grey) {
  const rgb = convert(grey.data, grey.width, grey.height, 1, 'rgb');
  return { ...grey, channels: 3, data: rgb.data };
}
