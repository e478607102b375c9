package io.github.selfiedeploy.classify.picture;

import io.github.selfiedeploy.classify.PictureException;
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
     * Reads a file of this format.
     *
     * @param bytes the file's bytes
     * @param path names the picture in errors
     * @param options the manifest's limits and shortcuts
     * @param orientation the file's EXIF orientation (1..8; anything else: upright)
     * @return the upright grey picture, or the checked bytes that ImageIO is to decode
     * @throws PictureException if the file breaks this format's rules, or has too many pixels
     */
    Decoded decode(byte[] bytes, Path path, DecodeOptions options, int orientation) throws PictureException;

    /**
     * A format decoder's answer: the picture, or bytes for ImageIO; never both.
     *
     * @param picture the upright grey picture, or null
     * @param forImageIo the bytes ImageIO decodes (possibly rebuilt from the chunks the rules
     *                   kept), or null
     */
    record Decoded(GreyImage picture, byte[] forImageIo) {
        /**
         * @throws IllegalArgumentException unless exactly one is given
         */
        public Decoded {
            if ((picture == null) == (forImageIo == null)) {
                throw new IllegalArgumentException("a picture or bytes for ImageIO, not both or neither");
            }
        }

        /**
         * @param picture the decoded, upright picture
         * @return the answer "decoded"
         */
        public static Decoded of(GreyImage picture) {
            return new Decoded(picture, null);
        }

        /**
         * @param bytes what ImageIO is to decode
         * @return the answer "ImageIO decodes these bytes"
         */
        public static Decoded byImageIo(byte[] bytes) {
            return new Decoded(null, bytes);
        }
    }
}
