/**
 * Internal: JPEG, read as libjpeg-turbo under Pillow reads it: the refusal rules (in
 * {@code JpegDc}'s Javadoc, each with its test in JpegRulesTest) and the 1/8-scale luma from DC
 * coefficients for large photos. May use: the picture package's types, the API package's
 * PictureException.
 */
package io.github.selfiedeploy.classify.picture.jpeg;
