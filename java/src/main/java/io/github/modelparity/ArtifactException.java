package io.github.modelparity;

/**
 * A missing, altered or unreadable artifacts folder, manifest or model file. The
 * message names the file; the command line prints it and exits with status 2.
 */
public class ArtifactException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message one line that starts with the file it is about
     */
    public ArtifactException(String message) {
        super(message);
    }

    /**
     * @param message one line that starts with the file it is about
     * @param cause the runtime's or the reader's own error
     */
    public ArtifactException(String message, Throwable cause) {
        super(message, cause);
    }
}
