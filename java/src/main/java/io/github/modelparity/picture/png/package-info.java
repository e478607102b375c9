/**
 * Internal: PNG, its chunks read as Pillow reads them (the rules in {@code PngChunks}'s
 * Javadoc, tested by DamagedPngTest), and 8-bit grey and RGB PNGs decoded row by row. May use:
 * the picture package's types, the API package's PictureException.
 */
package io.github.modelparity.picture.png;
