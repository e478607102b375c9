package io.github.modelparity;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file that cannot be read as a picture: missing, empty, truncated, not a picture,
 * or too many pixels. The message starts with the file's path, as Python's
 * PictureError does.
 */
public class PictureException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String path;
    private final String reason;

    /**
     * @param path the picture's path (or the name its bytes were given under)
     * @param reason why it was refused, without the path
     */
    public PictureException(Path path, String reason) {
        this(path, reason, null);
    }

    /**
     * @param path the picture's path (or the name its bytes were given under)
     * @param reason why it was refused, without the path
     * @param cause the decoder's own error, or null
     */
    public PictureException(Path path, String reason, Throwable cause) {
        super(path + ": " + reason, cause);
        this.path = String.valueOf(path);
        this.reason = reason;
    }

    /** @return the picture's path as given */
    public String path() {
        return path;
    }

    /** @return why it was refused, without the path */
    public String reason() {
        return reason;
    }
}
