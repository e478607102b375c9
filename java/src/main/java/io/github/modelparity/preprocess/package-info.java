/**
 * Internal: a picture to the model's input as the manifest's preprocessing says, exactly as
 * Python computes it, on either route: the decoders (picture, picture.jpeg, picture.png), the
 * fast route's box step and float resize, the faithful route's 8-bit resize as Pillow's
 * (PillowResize), the crop, the rescale and the normalisation. May use: the picture packages, the manifest, the
 * API package's PictureException.
 */
package io.github.modelparity.preprocess;
