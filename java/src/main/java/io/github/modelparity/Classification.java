package io.github.modelparity;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * One picture's result: its path, the chosen label, the probability shown beside it, and
 * every label's probability. The rule is python.model.outputs', stated once there and
 * followed here:
 * <ul>
 * <li>a one-unit (sigmoid) model: the positive label (labels[1]) when its probability is at
 * least the manifest's threshold, else labels[0]; {@code probability} is always the positive
 * class's, whatever the label, as the selfie model has always printed it;
 * <li>a softmax over k labels: the most probable label (the first of equals), and its
 * probability.
 * </ul>
 *
 * @param path the picture's path or name as given, or null for an in-memory image
 * @param label the chosen label
 * @param probability the positive class's probability (one unit) or the chosen label's (softmax)
 * @param probabilities every label with its probability, in the model's output order (a
 *                      one-unit model: [labels[0] with 1 - p, labels[1] with p])
 */
public record Classification(String path, String label, float probability, List<LabelProbability> probabilities) {
    /** Most probable first; equals keep the output order (numpy's stable argsort of -p). */
    private static final Comparator<LabelProbability> MOST_PROBABLE_FIRST =
            Comparator.comparingDouble(p -> -p.probability()); // NaN last, as numpy sorts it

    /**
     * @throws NullPointerException if label or probabilities is null
     * @throws IllegalArgumentException if probabilities has fewer than two labels
     */
    public Classification {
        Objects.requireNonNull(label, "label");
        probabilities = List.copyOf(probabilities);
        if (probabilities.size() < 2) {
            throw new IllegalArgumentException("a classification needs at least two labels, has "
                    + probabilities.size());
        }
    }

    /**
     * The k most probable labels (python -m python.predict --top K).
     *
     * @param k how many, at least 1; more than there are labels gives them all
     * @return most probable first, equals in output order
     * @throws IllegalArgumentException if k is less than 1
     */
    public List<LabelProbability> top(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, not " + k);
        }
        List<LabelProbability> sorted = new ArrayList<>(probabilities);
        sorted.sort(MOST_PROBABLE_FIRST); // List.sort is stable
        return List.copyOf(sorted.subList(0, Math.min(k, sorted.size())));
    }

    /**
     * @param otherPath the path or name to show instead
     * @return this classification under another path (the same label and probabilities)
     */
    public Classification withPath(String otherPath) {
        return new Classification(otherPath, label, probability, probabilities);
    }
}
