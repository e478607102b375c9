/**
 * Internal: a picture to the model's input as the manifest's preprocessing says, exactly as
 * Python computes it: the decoders (picture, picture.jpeg, picture.png), the box step,
 * Pillow's bilinear resize and the rescale. May use: the picture packages, the manifest, the
 * API package's PictureException.
 */
package io.github.selfiedeploy.classify.preprocess;
