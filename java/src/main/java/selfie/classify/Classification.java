package selfie.classify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Objects;

/**
 * One picture's result: its path (null for an in-memory image), the label chosen by the
 * manifest's threshold, and the probability of the positive class (labels[1]).
 *
 * @param path the picture's path as given, or null for an in-memory image
 * @param label labels[1] when probability is at least the manifest's threshold, else labels[0]
 * @param probability probability of the positive class, labels[1]
 */
public record Classification(String path, String label, float probability) {
    public Classification {
        Objects.requireNonNull(label, "label");
    }

    /** The probability with six decimals, rounded as Python's {@code f"{p:.6f}"} rounds it. */
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

    /** Python's {@code f"{path}\t{label}\t{p:.6f}"} (python/predict.py format_line). */
    public String toLine() {
        return path + "\t" + label + "\t" + sixDecimals(probability);
    }

    /**
     * One JSON object on one line: {"path": ..., "label": ..., "probability": ...}. The
     * probability is the float's exact value as a double (so a reader gets the same float
     * back); NaN and infinities, which strict JSON lacks, are null.
     */
    public String toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("path", path);
        o.put("label", label);
        if (Float.isFinite(probability)) {
            o.put("probability", (double) probability);
        } else {
            o.putNull("probability");
        }
        try {
            return JsonMappers.LINE.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON for " + this, e); // a tree of strings and a number
        }
    }
}
