package io.github.selfiedeploy.classify;

import java.util.Objects;

/**
 * A picture prepared as the model's input ({@link Classifier#prepare}), not yet classified.
 * Opaque: what the input holds is the manifest's business.
 */
public final class PreparedPicture {
    private final String name;
    private final float[] input;

    PreparedPicture(String name, float[] input) {
        this.name = Objects.requireNonNull(name, "name");
        this.input = Objects.requireNonNull(input, "input");
    }

    /**
     * @return the name the picture was prepared under
     */
    public String name() {
        return name;
    }

    /** The model input, not copied: the Classifier only reads it. */
    float[] input() {
        return input;
    }

    @Override
    public String toString() {
        return "PreparedPicture[" + name + ", " + input.length + " floats]";
    }
}
