/**
 * The errors the package throws, each one line a person can act on.
 *
 * A picture that cannot be read is a PictureError naming the picture; a manifest or model that
 * cannot be used is an ArtifactError naming the file. Both say what is wrong, never a stack.
 */

/** A picture that cannot be read or prepared: "<picture>: <reason>". */
export class PictureError extends Error {
  /**
   * @param {string} picture the picture's path, URL or file name, as the caller gave it
   * @param {string} reason why it cannot be read
   */
  constructor(picture, reason) {
    super(`${picture}: ${reason}`);
    this.name = 'PictureError';
    this.picture = picture;
    this.reason = reason;
  }
}

/** An artifacts folder, manifest or model that cannot be used: "<file>: <reason>". */
export class ArtifactError extends Error {
  /**
   * @param {string} file the file or folder at fault
   * @param {string} reason what is wrong with it
   */
  constructor(file, reason) {
    super(`${file}: ${reason}`);
    this.name = 'ArtifactError';
    this.file = file;
    this.reason = reason;
  }
}
