/**
 * Internal: picture file to upright 8-bit grey, as python.data.pictures.decode_grey. One
 * decoder interface ({@link io.github.modelparity.picture.FormatDecoder}) that the
 * format packages implement, the options a decode takes, the grey picture and the grey
 * formulas, and {@link io.github.modelparity.picture.PictureDecoder}, which tries the
 * format decoders it is given and decodes the rest through ImageIO. May use: the API
 * package's PictureException, ImageIO, TwelveMonkeys, metadata-extractor; never the format
 * packages (they are handed in).
 */
package io.github.modelparity.picture;
