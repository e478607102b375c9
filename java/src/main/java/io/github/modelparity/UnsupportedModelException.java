package io.github.modelparity;

/**
 * A manifest that asks for something this library does not implement yet (three channels,
 * several classes, a normalisation, a centre crop...): refused in one line that names the
 * manifest's field, never approximated. The command line exits with status 2, as for any
 * {@link ArtifactException}.
 */
public class UnsupportedModelException extends ArtifactException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message the manifest file, the field and what this library supports instead
     */
    public UnsupportedModelException(String message) {
        super(message);
    }
}
