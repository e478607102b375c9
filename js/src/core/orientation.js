/**
 * The EXIF Orientation tag applied as PIL.ImageOps.exif_transpose applies it (the manifest's
 * rules.orientation), and read with exifr, a maintained EXIF reader for JPEG, PNG and the rest.
 */
import exifr from 'exifr';

/**
 * The file's EXIF Orientation, 1 (upright) when it has none or it cannot be read.
 * @param {Uint8Array} bytes
 * @returns {Promise<number>}
 */
export async function readOrientation(bytes) {
  try {
    const o = await exifr.orientation(bytes);
    return Number.isInteger(o) && o >= 1 && o <= 8 ? o : 1;
  } catch {
    return 1; // no EXIF, or EXIF Pillow would not read either: upright
  }
}

/**
 * The source pixel of output pixel (x, y) for orientation o of a w x h stored picture.
 * 2 mirror, 3 rotate 180, 4 flip, 5 transpose, 6 rotate 90 clockwise (Pillow's ROTATE_270),
 * 7 transverse, 8 rotate 90 counter-clockwise (Pillow's ROTATE_90).
 */
function source(o, x, y, w, h) {
  switch (o) {
    case 2: return [w - 1 - x, y];
    case 3: return [w - 1 - x, h - 1 - y];
    case 4: return [x, h - 1 - y];
    case 5: return [y, x];
    case 6: return [y, h - 1 - x];
    case 7: return [w - 1 - y, h - 1 - x];
    case 8: return [w - 1 - y, x];
    default: return [x, y];
  }
}

/**
 * The pixels as they show upright; the full size they stand for turns with them.
 * @param {import('./prepare.js').Pixels} p
 * @param {number} o the EXIF Orientation (anything but 2 to 8: upright)
 * @returns {import('./prepare.js').Pixels}
 */
export function orient(p, o) {
  if (!(o >= 2 && o <= 8)) return p;
  const swap = o >= 5;
  const ow = swap ? p.height : p.width;
  const oh = swap ? p.width : p.height;
  const c = p.channels;
  const out = new Uint8Array(p.data.length);
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      const [sx, sy] = source(o, x, y, p.width, p.height);
      const from = (sy * p.width + sx) * c;
      const to = (y * ow + x) * c;
      for (let k = 0; k < c; k++) out[to + k] = p.data[from + k];
    }
  }
  const turned = { width: ow, height: oh, channels: c, data: out };
  if (p.fullWidth !== undefined) {
    turned.fullWidth = swap ? p.fullHeight : p.fullWidth;
    turned.fullHeight = swap ? p.fullWidth : p.fullHeight;
  }
  return turned;
}
