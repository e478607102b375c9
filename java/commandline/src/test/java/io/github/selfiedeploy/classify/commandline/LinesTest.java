package io.github.selfiedeploy.classify.commandline;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.selfiedeploy.classify.Classification;
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

    @Test
    public void lineAndJson() throws Exception {
        Classification c = new Classification("a\tb \"c\".png", "selfie", 0.75f);
        assertEquals("a\tb \"c\".png\tselfie\t0.750000", Lines.tabSeparated(c));
        JsonNode m = new ObjectMapper().readTree(Lines.json(c));
        assertEquals("a\tb \"c\".png", m.get("path").asText());
        assertEquals("selfie", m.get("label").asText());
        assertEquals(0.75, m.get("probability").doubleValue(), 0);
        assertEquals(c, new Classification("a\tb \"c\".png", "selfie", 0.75f));
        assertNotEquals(c, new Classification("x", "selfie", 0.75f));
    }

    /** The JSON number is the float's exact value: read back as a float, it is the same float. */
    @Test
    public void jsonProbabilityRoundTripsAndNonFiniteIsNull() throws Exception {
        float p = 0.1f;
        JsonNode m = new ObjectMapper().readTree(Lines.json(new Classification(null, "x", p)));
        assertEquals(p, (float) m.get("probability").doubleValue(), 0f);
        assertTrue(m.get("path").isNull());
        assertTrue(new ObjectMapper().readTree(Lines.json(new Classification("p", "x", Float.NaN)))
                .get("probability").isNull());
    }
}
