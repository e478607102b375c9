package io.github.modelparity.commandline;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.modelparity.Classification;
import io.github.modelparity.LabelProbability;
import java.util.List;
import org.junit.Test;

/** The commands' lines and JSON for a classification. */
public class LinesTest {
    /** Expected strings are Python's f"{p:.6f}" of the same float32 values. */
    @Test
    public void sixDecimalsRoundsLikePython() {
        assertEquals("0.007812", Lines.sixDecimals(0.0078125f)); // exact tie: to even
        assertEquals("0.500000", Lines.sixDecimals(0.5f));
        assertEquals("1.000000", Lines.sixDecimals(1f));
        assertEquals("0.000000", Lines.sixDecimals(0f));
        assertEquals("0.123457", Lines.sixDecimals(0.1234567f));
        assertEquals("0.000000", Lines.sixDecimals(5e-7f)); // float32 5e-7 is just below
        assertEquals("nan", Lines.sixDecimals(Float.NaN));
    }

    /** A one-unit classification as the library makes it: [1 - p, p] in double. */
    private static Classification sigmoid(String path, float p) {
        return new Classification(path, p >= 0.5 ? "selfie" : "not_selfie", p,
                List.of(new LabelProbability("not_selfie", 1.0 - p), new LabelProbability("selfie", p)));
    }

    @Test
    public void topPairsAndEveryProbabilityInJson() throws Exception {
        Classification c = new Classification("x.png", "dog", 0.5f, List.of(new LabelProbability("cat", 0.25f),
                new LabelProbability("dog", 0.5f), new LabelProbability("fox", 0.25f)));
        assertEquals("x.png\tdog\t0.500000\tdog:0.500000\tcat:0.250000", Lines.tabSeparated(c, 2));
        JsonNode m = new ObjectMapper().readTree(Lines.json(c, 2));
        assertEquals(List.of("cat", "dog", "fox"), List.copyOf(iterable(m.get("probabilities").fieldNames())));
        assertEquals(0.25, m.get("probabilities").get("fox").doubleValue(), 0);
        assertEquals("cat", m.get("top").get(1).get("label").asText());
        assertEquals(2, m.get("top").size());
        assertTrue(new ObjectMapper().readTree(Lines.json(c)).get("top") == null);
        // Python prints 1 - p computed in double: 1 - 0.1f is 0.8999999985..., not float32's 0.9000000358
        assertEquals("p\tnot_selfie\t0.100000\tnot_selfie:0.900000\tselfie:0.100000",
                Lines.tabSeparated(sigmoid("p", 0.1f), 5));
    }

    private static <T> List<T> iterable(java.util.Iterator<T> it) {
        List<T> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    @Test
    public void lineAndJson() throws Exception {
        Classification c = sigmoid("a\tb \"c\".png", 0.75f);
        assertEquals("a\tb \"c\".png\tselfie\t0.750000", Lines.tabSeparated(c));
        JsonNode m = new ObjectMapper().readTree(Lines.json(c));
        assertEquals("a\tb \"c\".png", m.get("path").asText());
        assertEquals("selfie", m.get("label").asText());
        assertEquals(0.75, m.get("probability").doubleValue(), 0);
        assertEquals(c, sigmoid("a\tb \"c\".png", 0.75f));
        assertNotEquals(c, sigmoid("x", 0.75f));
    }

    /** The JSON number is the float's exact value: read back as a float, it is the same float. */
    @Test
    public void jsonProbabilityRoundTripsAndNonFiniteIsNull() throws Exception {
        float p = 0.1f;
        JsonNode m = new ObjectMapper().readTree(Lines.json(sigmoid(null, p)));
        assertEquals(p, (float) m.get("probability").doubleValue(), 0f);
        assertTrue(m.get("path").isNull());
        assertTrue(new ObjectMapper().readTree(Lines.json(sigmoid("p", Float.NaN)))
                .get("probability").isNull());
    }
}
