package selfie.classify;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Objects;

/**
 * One picture's result: its path (null for an in-memory image), the label chosen by the
 * manifest's threshold, and the probability of the positive class (labels[1]).
 * Immutable.
 */
public final class Classification {
    private final String path;
    private final String label;
    private final float probability;

    public Classification(String path, String label, float probability) {
        this.path = path;
        this.label = Objects.requireNonNull(label, "label");
        this.probability = probability;
    }

    /** The picture's path as given, or null for an in-memory image. */
    public String path() {
        return path;
    }

    public String label() {
        return label;
    }

    /** Probability of the positive class, labels[1]. */
    public float probability() {
        return probability;
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

    /** One JSON object: {"path": ..., "label": ..., "probability": ...}. */
    public String toJson() {
        String p;
        if (Float.isNaN(probability) || Float.isInfinite(probability)) {
            p = "null";
        } else {
            p = new BigDecimal(Double.toString(probability)).toPlainString();
        }
        return "{\"path\": " + (path == null ? "null" : Json.quote(path)) + ", \"label\": "
                + Json.quote(label) + ", \"probability\": " + p + "}";
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Classification)) {
            return false;
        }
        Classification c = (Classification) o;
        return Objects.equals(path, c.path) && label.equals(c.label)
                && Float.floatToIntBits(probability) == Float.floatToIntBits(c.probability);
    }

    @Override
    public int hashCode() {
        return Objects.hash(path, label, Float.floatToIntBits(probability));
    }

    @Override
    public String toString() {
        return "Classification[path=" + path + ", label=" + label + ", probability=" + probability + "]";
    }
}
