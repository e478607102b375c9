package io.github.modelparity;

import java.util.Objects;

/**
 * One label with the probability the model gave it.
 *
 * @param label the label, as the manifest names it
 * @param probability its probability: the model's float32 output widened to double, or for a
 *                    one-unit (sigmoid) model's negative label {@code 1 - p} computed in double,
 *                    as Python's python.model.outputs.class_probabilities computes it
 */
public record LabelProbability(String label, double probability) {
    /**
     * @throws NullPointerException if label is null
     */
    public LabelProbability {
        Objects.requireNonNull(label, "label");
    }
}
