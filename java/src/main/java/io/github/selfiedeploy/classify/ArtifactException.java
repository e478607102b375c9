package io.github.selfiedeploy.classify;

/**
 * A missing, altered or unreadable artifacts folder, manifest or model file. The
 * message names the file; the command line prints it and exits with status 2.
 */
public class ArtifactException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ArtifactException(String message) {
        super(message);
    }

    public ArtifactException(String message, Throwable cause) {
        super(message, cause);
    }
}
