package io.github.modelparity.spark;

import io.github.modelparity.ArtifactFormat;
import java.io.Serializable;
import java.util.Objects;

/**
 * Which model the executors load: the artifacts folder as the driver named it, the artifact,
 * and the sha256 the driver verified. Travels inside each task; an executor loads the model
 * once (see {@link ExecutorClassifiers}) and refuses a copy whose sha256 differs.
 *
 * @param artifacts the artifacts folder as given on the command line
 * @param format which artifact to run
 * @param sha256 the artifact's sha256 in the driver's manifest (lowercase hex)
 */
public record ModelRef(String artifacts, ArtifactFormat format, String sha256) implements Serializable {
    private static final long serialVersionUID = 1L;

    public ModelRef {
        Objects.requireNonNull(artifacts, "artifacts");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(sha256, "sha256");
    }
}
