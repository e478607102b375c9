package io.github.selfiedeploy.classify;

import java.util.Objects;

/**
 * One picture's result: its path (null for an in-memory image), the label chosen by the
 * manifest's threshold, and the probability of the positive class (labels[1]).
 *
 * @param path the picture's path or name as given, or null for an in-memory image
 * @param label labels[1] when probability is at least the manifest's threshold, else labels[0]
 * @param probability probability of the positive class, labels[1]
 */
public record Classification(String path, String label, float probability) {
    /**
     * @throws NullPointerException if label is null
     */
    public Classification {
        Objects.requireNonNull(label, "label");
    }
}
