package io.github.selfiedeploy.classify.commandline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.selfiedeploy.classify.Classification;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * How the commands print a {@link Classification}: python -m python.predict's tab-separated
 * line, or one JSON object a line. The command line's formatting, kept out of the library.
 */
public final class Lines {
    private Lines() {
    }

    /**
     * The probability with six decimals, rounded as Python's {@code f"{p:.6f}"} rounds it.
     *
     * @param p a probability
     * @return six decimals, or nan, inf, -inf
     */
    public static String sixDecimals(float p) {
        if (Float.isNaN(p)) {
            return "nan";
        }
        if (Float.isInfinite(p)) {
            return p > 0 ? "inf" : "-inf";
        }
        // Python formats the exact binary value, correctly rounded (ties to even).
        String s = new BigDecimal((double) p).setScale(6, RoundingMode.HALF_EVEN).toPlainString();
        return (p < 0 || (p == 0 && 1 / p < 0)) && !s.startsWith("-") ? "-" + s : s;
    }

    /**
     * Python's {@code f"{path}\t{label}\t{p:.6f}"} (python/predict.py format_line).
     *
     * @param c a picture's classification
     * @return the line, without its newline
     */
    public static String tabSeparated(Classification c) {
        return c.path() + "\t" + c.label() + "\t" + sixDecimals(c.probability());
    }

    /**
     * One JSON object on one line: {"path": ..., "label": ..., "probability": ...}. The
     * probability is the float's exact value as a double (so a reader gets the same float
     * back); NaN and infinities, which strict JSON lacks, are null.
     *
     * @param c a picture's classification
     * @return the JSON line, without its newline
     */
    public static String json(Classification c) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("path", c.path());
        o.put("label", c.label());
        if (Float.isFinite(c.probability())) {
            o.put("probability", (double) c.probability());
        } else {
            o.putNull("probability");
        }
        try {
            return Json.LINE.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON for " + c, e); // a tree of strings and a number
        }
    }
}
