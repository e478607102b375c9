package io.github.modelparity;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import io.github.modelparity.manifest.Manifest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.Test;

/** python.model.outputs' rule in Java: the label, the shown probability, every label's, the top K. */
public class OutputsTest {
    private static Manifest manifest(List<String> labels, int classes, double threshold) {
        return new Manifest(Path.of("a"), 8, 8, 1, labels, classes, threshold, 3, 1000, null,
                Manifest.Signature.DEFAULT, Map.of());
    }

    @Test
    public void oneSigmoidUnitIsLabelledByTheThresholdAndShowsThePositiveProbability() {
        Manifest m = manifest(List.of("no", "yes"), 1, 0.3);
        Classification low = Outputs.classification(m, "p", new float[] {0.9f, 0.2f}, 1);
        assertEquals("no", low.label());
        assertEquals(0.2f, low.probability(), 0);
        assertEquals(List.of(new LabelProbability("no", 1.0 - 0.2f), new LabelProbability("yes", 0.2f)),
                low.probabilities());
        assertEquals("yes", Outputs.classification(m, "p", new float[] {0.3f}, 0).label());
        assertEquals(List.of(new LabelProbability("no", 1.0 - 0.2f)), low.top(1));
    }

    @Test
    public void aSoftmaxTakesTheFirstOfTheMostProbable() {
        Manifest m = manifest(List.of("a", "b", "c", "d"), 4, Double.NaN);
        float[] out = {0.1f, 0.4f, 0.1f, 0.4f, /* second picture */ 0.7f, 0.1f, 0.1f, 0.1f};
        Classification c = Outputs.classification(m, "x", out, 0);
        assertEquals("b", c.label());
        assertEquals(0.4f, c.probability(), 0);
        assertEquals(List.of("b", "d", "a"), c.top(3).stream().map(LabelProbability::label).toList());
        assertEquals(4, c.top(10).size());
        assertEquals("a", Outputs.classification(m, "y", out, 1).label());
        assertThrows(IllegalArgumentException.class, () -> c.top(0));
    }

    @Test
    public void nanIsTheMaximumForTheLabelAndLastInTheTop() { // numpy's argmax and argsort
        Manifest m = manifest(List.of("a", "b", "c"), 3, Double.NaN);
        Classification c = Outputs.classification(m, "x", new float[] {0.2f, Float.NaN, 0.5f}, 0);
        assertEquals("b", c.label());
        assertEquals(List.of("c", "a", "b"), c.top(3).stream().map(LabelProbability::label).toList());
    }
}
