package io.github.modelparity.picture;

import io.github.modelparity.PictureException;
import java.nio.file.Path;

/**
 * One picture format's reader of our own (JPEG, PNG), behind which {@link PictureDecoder}
 * runs ImageIO for every file the reader hands on. A reader checks the file as the rules
 * written beside it say (where Pillow and libjpeg-turbo refuse a damaged file, it refuses it
 * too) and decodes what it can decode exactly; it never calls back into the general decoder.
 */
public interface FormatDecoder {
    /**
     * @param bytes a picture file's bytes, at least one
     * @return whether they start as this format's files do
     */
    boolean reads(byte[] bytes);

    /**
     * The bytes the metadata reader (metadata-extractor: EXIF orientation, Adobe marker) is to
     * read, where this format's reader knows better than it which parts Pillow reads.
     *
     * @param bytes a file of this format
     * @return those bytes, or a part of them
     */
    default byte[] forMetadata(byte[] bytes) {
        return bytes;
    }

    /**
     * Reads a file of this format.
     *
     * @param bytes the file's bytes
     * @param path names the picture in errors
     * @param options the manifest's limits and shortcuts
     * @param orientation the file's EXIF orientation (1..8; anything else: upright)
     * @return the upright picture (grey; with options.channels() 3, RGB where the reader
     *         decodes colour itself), or the checked bytes that ImageIO is to decode
     * @throws PictureException if the file breaks this format's rules, or has too many pixels
     */
    Decoded decode(byte[] bytes, Path path, DecodeOptions options, int orientation) throws PictureException;

    /**
     * A format decoder's answer: a grey picture, an RGB one, or bytes for ImageIO; exactly one.
     *
     * @param picture the upright grey picture, or null
     * @param rgb the upright RGB picture, or null
     * @param forImageIo the bytes ImageIO decodes (possibly rebuilt from the chunks the rules
     *                   kept), or null
     */
    record Decoded(GreyImage picture, Pixels rgb, byte[] forImageIo) {
        /**
         * @throws IllegalArgumentException unless exactly one is given
         */
        public Decoded {
            int given = (picture == null ? 0 : 1) + (rgb == null ? 0 : 1) + (forImageIo == null ? 0 : 1);
            if (given != 1) {
                throw new IllegalArgumentException("a grey picture, an RGB one or bytes for ImageIO: exactly one");
            }
        }

        /**
         * @param picture the decoded, upright grey picture
         * @return the answer "decoded"
         */
        public static Decoded of(GreyImage picture) {
            return new Decoded(picture, null, null);
        }

        /**
         * @param rgb the decoded, upright RGB picture
         * @return the answer "decoded"
         */
        public static Decoded of(Pixels rgb) {
            return new Decoded(null, rgb, null);
        }

        /**
         * @param bytes what ImageIO is to decode
         * @return the answer "ImageIO decodes these bytes"
         */
        public static Decoded byImageIo(byte[] bytes) {
            return new Decoded(null, null, bytes);
        }
    }
}
