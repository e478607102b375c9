/**
 * Internal: JPEG, read as libjpeg-turbo under Pillow reads it: the refusal rules (in
 * {@code JpegDc}'s Javadoc, each with its test in JpegRulesTest) and large photos at 1/8, 1/4
 * or 1/2 scale, in grey or RGB, through libjpeg-turbo's reduced IDCTs. May use: the picture package's types, the API package's
 * PictureException.
 */
package io.github.modelparity.picture.jpeg;
