/**
 * A model's answer to labels and probabilities: python.model.outputs' rule, which the Java
 * library's Outputs follows too.
 *
 * One sigmoid unit is the probability of the positive class (labels[1]), labelled by the
 * manifest's threshold; its class probabilities are [1 - p, p] in float64. A softmax over k
 * units is labelled by its most probable class, the first of equals (and the first NaN, as
 * numpy's argmax); top K is numpy's stable sort of -p, NaN last.
 */

/**
 * @typedef {{label: string, probability: number}} LabelProbability
 */

/** One picture's classification. */
export class Classification {
  /**
   * @param {string} picture the picture's name
   * @param {string} label the label the model gives it
   * @param {number} probability the positive class's probability (one unit) or the label's
   * @param {LabelProbability[]} probabilities every label's probability, in the model's order
   */
  constructor(picture, label, probability, probabilities) {
    this.picture = picture;
    this.label = label;
    this.probability = probability;
    this.probabilities = probabilities;
  }

  /**
   * The k most probable labels, most probable first, equals in label order, NaN last.
   * @param {number} k how many (at most the number of labels)
   * @returns {LabelProbability[]}
   */
  top(k) {
    const order = this.probabilities.map((p, i) => i);
    const key = (i) => this.probabilities[i].probability;
    order.sort((a, b) => {
      const pa = key(a);
      const pb = key(b);
      if (Number.isNaN(pa) || Number.isNaN(pb)) {
        return Number.isNaN(pa) === Number.isNaN(pb) ? a - b : (Number.isNaN(pa) ? 1 : -1);
      }
      return pb - pa || a - b;
    });
    return order.slice(0, Math.max(0, k)).map((i) => this.probabilities[i]);
  }

  /**
   * The Java CLI's --json object: path, label, probability, probabilities {label: p} (and
   * top with k > 0); a probability that is not finite is null, as JSON has no NaN.
   * @param {number} [k] how many of the most probable labels to list under "top"
   * @returns {object}
   */
  toJSON(k = 0) {
    const finite = (p) => (Number.isFinite(p) ? p : null);
    const out = {
      path: this.picture,
      label: this.label,
      probability: finite(this.probability),
      probabilities: Object.fromEntries(this.probabilities.map((p) => [p.label, finite(p.probability)])),
    };
    if (k > 0) out.top = this.top(k).map((p) => ({ label: p.label, probability: finite(p.probability) }));
    return out;
  }
}

/**
 * Picture i's classification from the model's [n, units] output.
 * @param {{labels: string[], classes: number, threshold: number|null}} manifest
 * @param {string} picture the picture's name
 * @param {Float32Array} output the model's whole output, row-major [n, units]
 * @param {number} i the picture's row
 * @returns {Classification}
 */
export function classification(manifest, picture, output, i) {
  const units = manifest.classes;
  const row = output.subarray(i * units, (i + 1) * units);
  if (units === 1) {
    const p = row[0];
    const probabilities = [
      { label: manifest.labels[0], probability: 1.0 - p },
      { label: manifest.labels[1], probability: p },
    ];
    // NaN >= threshold is false, as in numpy: the negative label
    return new Classification(picture, manifest.labels[p >= manifest.threshold ? 1 : 0], p,
      probabilities);
  }
  let best = 0;
  for (let j = 1; j < units && !Number.isNaN(row[best]); j++) {
    if (Number.isNaN(row[j]) || row[j] > row[best]) best = j;
  }
  const probabilities = Array.from(row, (p, j) => ({ label: manifest.labels[j], probability: p }));
  return new Classification(picture, manifest.labels[best], row[best], probabilities);
}
