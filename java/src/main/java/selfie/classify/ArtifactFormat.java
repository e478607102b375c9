package selfie.classify;

import java.util.Locale;

/** The exported artifacts the Java side can run: the manifest's artifact names. */
public enum ArtifactFormat {
    /** TensorFlow SavedModel, run by TensorFlow Java's SavedModelBundle. */
    SAVEDMODEL("savedmodel"),
    /** Float ONNX model, run by ONNX Runtime. */
    ONNX("onnx"),
    /** Quantized (int8) ONNX model, run by ONNX Runtime. */
    ONNX_INT8("onnx_int8");

    private final String key;

    ArtifactFormat(String key) {
        this.key = key;
    }

    /** The artifact's name in manifest.json and on the command line. */
    public String key() {
        return key;
    }

    /** The format named name (as on the command line: savedmodel, onnx, onnx_int8). */
    public static ArtifactFormat of(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (ArtifactFormat f : values()) {
            if (f.key.equals(n)) {
                return f;
            }
        }
        throw new IllegalArgumentException(
                "unknown format '" + name + "' (expected savedmodel, onnx or onnx_int8)");
    }

    @Override
    public String toString() {
        return key;
    }
}
