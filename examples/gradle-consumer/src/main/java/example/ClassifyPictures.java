package example;

import io.github.modelparity.ArtifactException;
import io.github.modelparity.ArtifactFormat;
import io.github.modelparity.Classification;
import io.github.modelparity.Classifier;
import io.github.modelparity.LabelProbability;
import io.github.modelparity.PictureException;
import io.github.modelparity.PreparedPicture;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A user's own service-style program, built against io.github.modelparity:modelparity
 * (and, for the SavedModel, modelparity-tensorflow) by their coordinates alone. Where the
 * Maven example hands the library file paths, this one reads each picture's bytes itself, as a
 * service gets them from a request or a store, prepares them one by one and classifies them
 * in one batch: ClassifyPictures FORMAT ARTIFACTS PICTURE... prints path, label and
 * probability a picture, then the three most probable labels with their probabilities, as
 * python -m python.predict --top 3 prints them, for any exported model (grey or RGB, one
 * sigmoid unit or a softmax over N labels).
 */
public final class ClassifyPictures {
    public static void main(String[] args) {
        ArtifactFormat format = ArtifactFormat.of(args[0]);
        Path artifacts = Path.of(args[1]);
        try (Classifier classifier = Classifier.open(artifacts, format)) {
            List<PreparedPicture> prepared = new ArrayList<>();
            for (int i = 2; i < args.length; i++) {
                try {
                    prepared.add(classifier.prepare(args[i], Files.readAllBytes(Path.of(args[i]))));
                } catch (PictureException e) { // its message names the picture
                    System.err.println(e.getMessage());
                } catch (IOException e) {
                    System.err.println(args[i] + ": cannot read (" + e.getMessage() + ")");
                }
            }
            for (Classification c : classifier.classifyPrepared(prepared)) {
                StringBuilder line = new StringBuilder(c.path() + "\t" + c.label() + "\t" + sixDecimals(c.probability()));
                for (LabelProbability p : c.top(3)) {
                    line.append('\t').append(p.label()).append(':').append(sixDecimals(p.probability()));
                }
                System.out.println(line);
            }
        } catch (ArtifactException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
        }
    }

    /** Python's f"{p:.6f}": the float's exact value, rounded half to even. */
    private static String sixDecimals(double p) {
        return new BigDecimal(p).setScale(6, RoundingMode.HALF_EVEN).toPlainString();
    }
}
