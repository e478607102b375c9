package io.github.modelparity;

import java.util.Objects;

/**
 * A picture prepared as the model's input ({@link Classifier#prepare}), not yet classified.
 * What the input holds is the manifest's business; {@link #pixels()} copies it out.
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

    /**
     * @return a copy of the model input: height * width * channels floats, row-major (to
     *         show a person the picture as the model sees it)
     */
    public float[] pixels() {
        return input.clone();
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
