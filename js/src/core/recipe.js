/**
 * The manifest's preprocessing recipe (versions 3 and 4, Hugging Face's preprocessor_config.json
 * words): read once, checked, and the sizes it implies. python.data.preprocessing.Preprocessing
 * is the definition; the Java library's Recipe reads the same fields.
 *
 * Version 4's reducing_gap and draft choose the route: reducing_gap null is the faithful one
 * (the whole picture, Pillow's convert and 8-bit resize, as Hugging Face's image processors),
 * 2.0 the fast one (box step, float resize, alpha over white, and with draft a large JPEG
 * decoded at 1/8, 1/4 or 1/2: draft_scales). Version 3, which has neither field, is the fast
 * route with draft.
 */
import { ArtifactError } from './errors.js';

/** Pillow's resample numbers this package implements (python.data.resample.FILTERS). */
export const FILTERS = Object.freeze({ 2: 'bilinear', 3: 'bicubic' });
/** The recipe versions this package implements. */
export const VERSIONS = Object.freeze([3, 4]);
/** The only reducing_gap implemented (the fast route's box step); null: the faithful route. */
export const REDUCING_GAP = 2.0;
/** The scales (denominators) a large JPEG may be decoded at: draft_scales is some of them, largest first. */
export const DRAFT_SCALES = Object.freeze([8, 4, 2]);

/**
 * @typedef {{height: number|null, width: number|null, shortestEdge: number|null}} Size
 * @typedef {object} Recipe
 * @property {'grey'|'rgb'} color
 * @property {number} channels 1 or 3
 * @property {boolean} doResize
 * @property {Size} size
 * @property {number} resample 2 bilinear or 3 bicubic
 * @property {boolean} doCenterCrop
 * @property {Size|null} cropSize
 * @property {boolean} doRescale
 * @property {number} rescaleFactor
 * @property {boolean} doNormalize
 * @property {number[]} imageMean
 * @property {number[]} imageStd
 * @property {boolean} faithful the faithful route (reducing_gap null): Pillow's convert and 8-bit resize
 * @property {boolean} draft the fast route may decode a large JPEG reduced (always false when faithful)
 * @property {number} maxPixels pictures with more pixels are refused
 * @property {number} reduceTo
 * @property {number} jpegDcScale
 * @property {readonly number[]} draftScales the scales a large JPEG may be decoded at, largest
 *   first (draft_scales; absent: [jpeg_dc_scale], what manifests before it knew)
 */

/**
 * The recipe in a manifest's "preprocessing", refused in one line naming the field unless this
 * package implements it exactly.
 * @param {object} pre the manifest's preprocessing object
 * @param {string} where the manifest's name, for errors
 * @returns {Recipe}
 * @throws {ArtifactError} for a field that is missing, wrong, or not implemented here
 */
export function readRecipe(pre, where) {
  const fail = (key, why) => new ArtifactError(where, `preprocessing.${key} ${why}`);
  if (pre === null || typeof pre !== 'object') throw new ArtifactError(where, "'preprocessing' missing or not an object");
  if (!VERSIONS.includes(pre.version)) { // parseManifest's version gate said why first
    throw fail('version', `${JSON.stringify(pre.version)} is not a version this package reads (${VERSIONS.join(', ')})`);
  }
  const flag = (key) => {
    if (typeof pre[key] !== 'boolean') throw fail(key, 'missing or not true or false');
    return pre[key];
  };
  let faithful = false;
  let draft = true; // version 3: the fast route, with draft
  if (pre.version >= 4) {
    const gap = pre.reducing_gap;
    const routes = `(null: the faithful route, or ${REDUCING_GAP}: the fast route)`;
    if (gap === undefined) throw fail('reducing_gap', `missing ${routes}`);
    if (gap !== null && gap !== REDUCING_GAP) throw fail('reducing_gap', `${JSON.stringify(gap)} is not supported ${routes}`);
    faithful = gap === null;
    draft = flag('draft') && !faithful;
  }
  const whole = (v) => Number.isInteger(v) && v > 0;
  const size = (key) => {
    const s = pre[key];
    if (s === null || typeof s !== 'object') throw fail(key, 'missing or not an object');
    const out = { height: s.height ?? null, width: s.width ?? null, shortestEdge: s.shortest_edge ?? null };
    const fixed = whole(out.height) && whole(out.width) && out.shortestEdge === null;
    if (!fixed && !(whole(out.shortestEdge) && out.height === null && out.width === null)) {
      throw fail(key, 'needs height and width, or shortest_edge alone, as positive whole numbers');
    }
    return out;
  };
  const color = pre.color;
  if (color !== 'grey' && color !== 'rgb') throw fail('color', `'${color}' is not supported (grey or rgb)`);
  const channels = color === 'rgb' ? 3 : 1;
  const doResize = flag('do_resize');
  const resample = pre.resample;
  if (doResize && !(resample in FILTERS)) {
    throw fail('resample', `${JSON.stringify(resample)} is not supported (2 bilinear or 3 bicubic)`);
  }
  const doCenterCrop = flag('do_center_crop');
  const cropSize = doCenterCrop ? size('crop_size') : null;
  if (cropSize && cropSize.shortestEdge !== null) throw fail('crop_size', 'needs height and width');
  const doRescale = flag('do_rescale');
  const factor = pre.rescale_factor;
  if (doRescale && !(typeof factor === 'number' && Number.isFinite(factor) && factor > 0)) {
    throw fail('rescale_factor', 'missing or not a positive number');
  }
  const doNormalize = flag('do_normalize');
  const perChannel = (key) => {
    const v = pre[key];
    if (!Array.isArray(v) || v.length !== channels || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      throw fail(key, `needs ${channels} numbers`);
    }
    return v;
  };
  const imageMean = doNormalize ? perChannel('image_mean') : [];
  const imageStd = doNormalize ? perChannel('image_std') : [];
  if (imageStd.some((s) => s <= 0)) throw fail('image_std', 'must be positive');
  const number = (key, otherwise) => (typeof pre[key] === 'number' ? pre[key] : otherwise);
  const jpegDcScale = number('jpeg_dc_scale', 8);
  const draftScales = pre.draft_scales === undefined ? [jpegDcScale] : pre.draft_scales;
  if (!Array.isArray(draftScales) || draftScales.length === 0
    || draftScales.some((s, i) => !DRAFT_SCALES.includes(s) || (i > 0 && s >= draftScales[i - 1]))) {
    throw fail('draft_scales', `${JSON.stringify(draftScales)} is not some of [${DRAFT_SCALES.join(', ')}], largest first`);
  }
  return Object.freeze({
    color, channels, doResize, size: doResize ? size('size') : null, resample, doCenterCrop,
    cropSize, doRescale, rescaleFactor: doRescale ? factor : 1, doNormalize, imageMean, imageStd,
    faithful, draft, maxPixels: number('max_pixels', 50_000_000), reduceTo: number('reduce_to', 2),
    jpegDcScale, draftScales: Object.freeze([...draftScales]),
  });
}

/**
 * (height, width) of the model input the recipe makes, or null when it keeps the picture's size.
 * @param {Recipe} r
 * @returns {[number, number]|null}
 */
export function outputSize(r) {
  const last = r.doCenterCrop ? r.cropSize : (r.doResize ? r.size : null);
  return last && last.shortestEdge === null ? [last.height, last.width] : null;
}

/**
 * The side the box step and the reduced JPEG decoding keep reduceTo times of: the larger side
 * of a fixed size, or shortest_edge; 0 when nothing is resized.
 * @param {Recipe} r
 * @returns {number}
 */
export function reduceSide(r) {
  if (!r.doResize) return 0;
  return r.size.shortestEdge ?? Math.max(r.size.height, r.size.width);
}

/**
 * The side a JPEG decoded at 1/s keeps s times of (reduce_to * reduce_side): it is decoded at
 * the largest s of draftScales with min(W, H) >= s * draftSide (jpeg/index.js draftScale);
 * 0: never reduced (the faithful route, the fast one without draft, or no resize).
 * @param {Recipe} r
 * @returns {number}
 */
export function draftSide(r) {
  if (!r.draft) return 0;
  return r.reduceTo * reduceSide(r);
}

/**
 * (height, width) of the resize step for an upright width x height picture: the size, or the
 * shortest edge scaled to shortest_edge, the long side int(s * long / short) in float64.
 * @param {Recipe} r
 * @param {number} width
 * @param {number} height
 * @returns {[number, number]}
 */
export function resizeTo(r, width, height) {
  const s = r.size.shortestEdge;
  if (s === null) return [r.size.height, r.size.width];
  const [short, long] = width <= height ? [width, height] : [height, width];
  const newLong = Math.trunc((s * long) / short);
  return width <= height ? [newLong, s] : [s, newLong];
}
