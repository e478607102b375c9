/**
 * The pictures the Node command line names, read as python.predict (python/predict/inputs.py)
 * and the Java CLI (PictureArguments.java) read theirs, so the three print the same paths in
 * the same order: a file is itself, as typed; a folder is its pictures, recursively, sorted by
 * path (the whole path, compared as UTF-8 bytes, which is Python's code-point order), hidden
 * names skipped, links followed and a link back up walked once; `@LIST` is the lines of the
 * file LIST and `-` those of standard input, one picture or folder a line (universal newlines,
 * empty lines skipped, bad UTF-8 as U+FFFD).
 *
 * Written by hand: no npm package walks a tree with these rules (Python's os.walk order,
 * loops skipped by device and inode), and a glob library would sort and skip otherwise.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * A folder's pictures: the formats python.predict and the Java library take from a folder
 * (python.predict.inputs.SUFFIXES; a test holds the two lists equal).
 */
export const SUFFIXES = Object.freeze(['.bmp', '.gif', '.jpeg', '.jpg', '.png', '.tif', '.tiff', '.webp']);
const SPELLED = SUFFIXES.map((s) => s.slice(1)).join(', ');
/** Python's strerror words for the codes a walk meets, so the lines read alike. */
const STRERROR = { EACCES: 'Permission denied', ENOENT: 'No such file or directory', ENOTDIR: 'Not a directory', ELOOP: 'Too many levels of symbolic links' };

/** A list of pictures (@LIST, or - for standard input) that cannot be read. */
export class ListError extends Error {}

/**
 * Whether a file of this name is taken from a folder: a picture suffix, not hidden.
 * @param {string} name a file name, without its folder
 * @returns {boolean}
 */
export function isPictureName(name) {
  const suffix = path.extname(name);
  return !name.startsWith('.') && suffix !== '' && name.length > suffix.length && SUFFIXES.includes(suffix.toLowerCase());
}

/**
 * The pictures the arguments name, in order, and one line for each folder that gave none or
 * could not be read.
 * @param {string[]} args the command line's picture arguments
 * @param {() => Uint8Array} [readStdin] standard input's bytes (for `-`)
 * @returns {{pictures: string[], problems: string[]}}
 * @throws {ListError} a list that cannot be read, naming it
 */
export function expandPictures(args, readStdin = () => readFileSync(0)) {
  const found = { pictures: [], problems: [] };
  for (const arg of args) {
    let lines;
    if (arg === '-') {
      lines = linesOf(readBytes(readStdin, 'standard input'));
    } else if (arg.startsWith('@') && arg.length > 1) {
      const name = arg.slice(1);
      lines = linesOf(readBytes(() => readFileSync(name), name));
    } else {
      lines = [arg];
    }
    for (const line of lines) add(line, found);
  }
  return found;
}

function readBytes(read, name) {
  try {
    return read();
  } catch (err) {
    const why = err?.code === 'ENOENT' ? 'no such file' : (STRERROR[err?.code] ?? String(err?.code ?? err));
    throw new ListError(`${name}: cannot read the list of pictures (${why})`);
  }
}

function linesOf(bytes) {
  const text = new TextDecoder('utf-8').decode(bytes);
  return text.split(/\r\n|\r|\n/).filter((line) => line !== '');
}

function isFolder(p) {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function add(typed, found) {
  if (!isFolder(typed)) {
    found.pictures.push(typed);
    return;
  }
  const pictures = [];
  walk(typed, [], pictures, found.problems);
  if (pictures.length === 0) found.problems.push(`${typed}: no pictures in this folder (${SPELLED})`);
  const bytes = new Map(pictures.map((p) => [p, Buffer.from(p, 'utf8')]));
  pictures.sort((a, b) => Buffer.compare(bytes.get(a), bytes.get(b)));
  found.pictures.push(...pictures);
}

/** Python's os.path.join: no normalising, so './pics' stays './pics' as typed. */
function join(folder, name) {
  return folder.endsWith('/') ? folder + name : `${folder}/${name}`;
}

/** os.walk(followlinks=True) top-down: a folder that is one of those above it is skipped. */
function walk(folder, above, pictures, problems) {
  let id;
  let entries;
  try {
    const st = statSync(folder);
    id = `${st.dev}:${st.ino}`;
    if (above.includes(id)) return; // a link back up: walked once already
    entries = readdirSync(folder, { withFileTypes: true });
  } catch (err) {
    problems.push(`${folder}: cannot read (${STRERROR[err?.code] ?? err?.code ?? err})`);
    return;
  }
  const folders = [];
  for (const entry of entries) {
    const full = join(folder, entry.name);
    let st = null;
    try {
      st = statSync(full); // links followed
    } catch {
      // a broken link: neither a folder nor a picture, as in os.walk
    }
    if (st?.isDirectory()) {
      if (!entry.name.startsWith('.')) folders.push(full);
    } else if (st?.isFile() && isPictureName(entry.name)) {
      pictures.push(full);
    }
  }
  for (const sub of folders) walk(sub, [...above, id], pictures, problems);
}
