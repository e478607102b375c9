package io.github.modelparity.commandline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.modelparity.Classification;
import io.github.modelparity.LabelProbability;
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
        return sixDecimals((double) p);
    }

    /**
     * The probability with six decimals, rounded as Python's {@code f"{p:.6f}"} rounds a float.
     *
     * @param p a probability
     * @return six decimals, or nan, inf, -inf
     */
    public static String sixDecimals(double p) {
        if (Double.isNaN(p)) {
            return "nan";
        }
        if (Double.isInfinite(p)) {
            return p > 0 ? "inf" : "-inf";
        }
        // Python formats the exact binary value, correctly rounded (ties to even).
        String s = new BigDecimal(p).setScale(6, RoundingMode.HALF_EVEN).toPlainString();
        return (p < 0 || (p == 0 && 1 / p < 0)) && !s.startsWith("-") ? "-" + s : s;
    }

    /**
     * Python's {@code f"{path}\t{label}\t{p:.6f}"} (python/predict/command.py format_line).
     *
     * @param c a picture's classification
     * @return the line, without its newline
     */
    public static String tabSeparated(Classification c) {
        return tabSeparated(c, 0);
    }

    /**
     * python -m python.predict --top K's line: the three columns, then the K most probable
     * {@code label:probability} pairs (python/predict/command.py format_line).
     *
     * @param c a picture's classification
     * @param top how many pairs, 0 for none
     * @return the line, without its newline
     */
    public static String tabSeparated(Classification c, int top) {
        StringBuilder line = new StringBuilder().append(c.path()).append('\t').append(c.label()).append('\t')
                .append(sixDecimals(c.probability()));
        if (top > 0) {
            for (LabelProbability p : c.top(top)) {
                line.append('\t').append(p.label()).append(':').append(sixDecimals(p.probability()));
            }
        }
        return line.toString();
    }

    /**
     * One JSON object on one line: {"path", "label", "probability", "probabilities": {label:
     * probability, ...} in the model's output order, and with top &gt; 0 "top": [{"label",
     * "probability"}, ...]}. Each probability is the exact value as a double (so a reader
     * gets the model's float back); NaN and infinities, which strict JSON lacks, are null.
     *
     * @param c a picture's classification
     * @return the JSON line, without its newline
     */
    public static String json(Classification c) {
        return json(c, 0);
    }

    /**
     * @param c a picture's classification
     * @param top how many of the most probable labels to list under "top", 0 for none
     * @return the JSON line, without its newline
     * @see #json(Classification)
     */
    public static String json(Classification c, int top) {
        ObjectNode o = jsonObject(c, top);
        try {
            return Json.LINE.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON for " + c, e); // a tree of strings and numbers
        }
    }

    /**
     * The object {@link #json(Classification, int)} writes, for callers that add to it (the
     * HTTP service adds the model's sha256).
     *
     * @param c a picture's classification
     * @param top how many of the most probable labels to list under "top", 0 for none
     * @return a new JSON object
     */
    public static ObjectNode jsonObject(Classification c, int top) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("path", c.path());
        o.put("label", c.label());
        number(o, "probability", c.probability());
        ObjectNode all = o.putObject("probabilities");
        for (LabelProbability p : c.probabilities()) {
            number(all, p.label(), p.probability());
        }
        if (top > 0) {
            ArrayNode list = o.putArray("top");
            for (LabelProbability p : c.top(top)) {
                number(list.addObject().put("label", p.label()), "probability", p.probability());
            }
        }
        return o;
    }

    private static void number(ObjectNode o, String key, double value) {
        if (Double.isFinite(value)) {
            o.put(key, value);
        } else {
            o.putNull(key);
        }
    }
}
