package example;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import selfie.classify.ArtifactFormat;
import selfie.classify.Classification;
import selfie.classify.Classifier;

/**
 * A user's own program, built against io.github.selfiedeploy:selfie-classify alone:
 * ClassifyPictures FORMAT ARTIFACTS PICTURE... prints path, label and probability a picture,
 * as python -m python.predict prints them.
 */
public final class ClassifyPictures {
    public static void main(String[] args) {
        ArtifactFormat format = ArtifactFormat.of(args[0]);
        Path artifacts = Path.of(args[1]);
        List<Path> pictures = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            pictures.add(Path.of(args[i]));
        }
        try (Classifier classifier = Classifier.open(artifacts, format)) {
            List<Classification> results = classifier.classify(pictures, e -> System.err.println(e.getMessage()));
            for (Classification c : results) {
                System.out.println(c.path() + "\t" + c.label() + "\t" + Classification.sixDecimals(c.probability()));
            }
        }
    }
}
