/**
 * The command line's output line, as python.predict and the Java CLI print it.
 *
 * Written by hand because JavaScript's toFixed rounds a tie (a value exactly halfway at the
 * sixth decimal, such as 1/128 = 0.0078125) away from zero, where Python's format rounds it
 * to even: the three command lines must print the same bytes.
 */

/**
 * A probability with six decimals, as Python's f"{p:.6f}" writes it.
 * @param {number} value a float64
 * @returns {string}
 */
export function sixDecimals(value) {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  const seven = value.toFixed(7);
  // A tie at the sixth decimal has an exact decimal expansion of seven digits ending in 5:
  // toFixed(7) then is the value itself.
  if (seven.endsWith('5') && Number(seven) === value) {
    const negative = seven.startsWith('-');
    const digits = (negative ? seven.slice(1) : seven).replace('.', '').slice(0, -1);
    let n = BigInt(digits);
    if (n % 2n === 1n) n += 1n; // half to even
    const text = n.toString().padStart(7, '0');
    const out = `${text.slice(0, -6)}.${text.slice(-6)}`;
    return negative ? `-${out}` : out;
  }
  return value.toFixed(6);
}

/**
 * One output line: path, label, probability, then with top K the K label:probability pairs.
 * @param {string} picture the picture as the user named it
 * @param {import('./outputs.js').Classification} c its classification
 * @param {number} top how many label:probability pairs to add (0: none)
 * @returns {string}
 */
export function outputLine(picture, c, top = 0) {
  const pairs = top > 0 ? c.top(top).map((p) => `\t${p.label}:${sixDecimals(p.probability)}`) : [];
  return `${picture}\t${c.label}\t${sixDecimals(c.probability)}${pairs.join('')}`;
}
