package selfie.classify;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;

import java.util.Map;
import org.junit.Test;

public class ClassificationTest {
    /** Expected strings are Python's f"{p:.6f}" of the same float32 values. */
    @Test
    public void sixDecimalsRoundsLikePython() {
        assertEquals("0.007812", Classification.sixDecimals(0.0078125f)); // exact tie: to even
        assertEquals("0.500000", Classification.sixDecimals(0.5f));
        assertEquals("1.000000", Classification.sixDecimals(1f));
        assertEquals("0.000000", Classification.sixDecimals(0f));
        assertEquals("0.123457", Classification.sixDecimals(0.1234567f));
        assertEquals("0.000000", Classification.sixDecimals(5e-7f)); // float32 5e-7 is just below
    }

    @Test
    public void lineAndJson() {
        Classification c = new Classification("a\tb \"c\".png", "selfie", 0.75f);
        assertEquals("a\tb \"c\".png\tselfie\t0.750000", c.toLine());
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) Json.parse(c.toJson());
        assertEquals("a\tb \"c\".png", m.get("path"));
        assertEquals("selfie", m.get("label"));
        assertEquals(0.75, (Double) m.get("probability"), 0);
        assertEquals(c, new Classification("a\tb \"c\".png", "selfie", 0.75f));
        assertNotEquals(c, new Classification("x", "selfie", 0.75f));
    }

    /** Python's json.dumps writes NaN and Infinity (manifest.json parity entries can hold them). */
    @Test
    public void jsonReadsPythonNonFiniteNumbers() {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) Json.parse("{\"a\": Infinity, \"b\": -Infinity, \"c\": NaN, \"d\": [1, -2.5e3]}");
        assertEquals(Double.POSITIVE_INFINITY, (Double) m.get("a"), 0);
        assertEquals(Double.NEGATIVE_INFINITY, (Double) m.get("b"), 0);
        assertEquals(true, Double.isNaN((Double) m.get("c")));
        assertEquals(java.util.List.of(1.0, -2500.0), m.get("d"));
    }
}
