package io.github.modelparity;

import io.github.modelparity.manifest.Manifest;
import java.util.ArrayList;
import java.util.List;

/**
 * The model's output to a {@link Classification}: python.model.outputs' rule (label_indices,
 * shown_probability, class_probabilities), which every command and runtime follows.
 */
final class Outputs {
    private Outputs() {
    }

    /**
     * @param manifest gives the labels, the output units and the threshold
     * @param path names the picture
     * @param output the model's output for a batch, {@code manifest.classes()} values a picture
     * @param picture which picture of the batch
     * @return its classification
     */
    static Classification classification(Manifest manifest, String path, float[] output, int picture) {
        List<String> labels = manifest.labels();
        int classes = manifest.classes();
        int at = picture * classes;
        List<LabelProbability> all = new ArrayList<>(labels.size());
        if (classes == 1) {
            float p = output[at];
            all.add(new LabelProbability(labels.get(0), 1.0 - p)); // in double, as numpy's float64
            all.add(new LabelProbability(labels.get(1), p));
            return new Classification(path, labels.get(p >= manifest.threshold() ? 1 : 0), p, all);
        }
        int best = 0;
        for (int i = 0; i < classes; i++) {
            float p = output[at + i];
            all.add(new LabelProbability(labels.get(i), p));
            // numpy's argmax: the first of equals, and the first NaN over any number
            if (!Float.isNaN(output[at + best]) && (Float.isNaN(p) || p > output[at + best])) {
                best = i;
            }
        }
        return new Classification(path, labels.get(best), output[at + best], all);
    }
}
