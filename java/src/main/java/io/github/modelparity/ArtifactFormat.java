package io.github.modelparity;

import java.io.Serializable;
import java.util.Locale;
import java.util.Objects;

/**
 * An artifact the Java side can run, by its name in manifest.json and on the command line.
 * Which runtime runs it is found at run time ({@link io.github.modelparity.runtime.ModelRuntime}):
 * ONNX Runtime, inside this library, runs {@link #ONNX} and {@link #ONNX_INT8}; the
 * {@code modelparity-tensorflow} module runs {@link #SAVEDMODEL}. A runtime module may run
 * artifacts of other names: {@link #of(String)} takes any name. Compare formats with
 * {@code equals}; a format is serializable (a Spark job ships it to its executors).
 *
 * @param key the artifact's name in manifest.json, such as {@code onnx}
 */
public record ArtifactFormat(String key) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** TensorFlow SavedModel, run by TensorFlow Java's SavedModelBundle (modelparity-tensorflow). */
    public static final ArtifactFormat SAVEDMODEL = new ArtifactFormat("savedmodel");
    /** Float ONNX model, run by ONNX Runtime. */
    public static final ArtifactFormat ONNX = new ArtifactFormat("onnx");
    /** Quantized (int8) ONNX model, run by ONNX Runtime. */
    public static final ArtifactFormat ONNX_INT8 = new ArtifactFormat("onnx_int8");

    /**
     * @param key the artifact's name in manifest.json: lowercase letters, digits and underscores
     * @throws IllegalArgumentException if the name is empty or has other characters
     */
    public ArtifactFormat {
        Objects.requireNonNull(key, "key");
        if (!key.matches("[a-z0-9_]+")) {
            throw new IllegalArgumentException("'" + key + "' is not an artifact name (lowercase letters, digits, _)");
        }
    }

    /**
     * The format named name, as on the command line (savedmodel, onnx, onnx_int8): case and
     * surrounding spaces do not matter.
     *
     * @param name an artifact's name
     * @return the format of that name
     * @throws IllegalArgumentException if the name cannot be an artifact's
     */
    public static ArtifactFormat of(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        try {
            return new ArtifactFormat(n);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "unknown format '" + name + "' (expected savedmodel, onnx or onnx_int8)", e);
        }
    }

    @Override
    public String toString() {
        return key;
    }
}
