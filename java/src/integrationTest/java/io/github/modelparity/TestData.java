package io.github.modelparity;

import static org.junit.Assert.fail;
import static org.junit.Assume.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

/**
 * Where the tests find their data: the artifacts folder (system property
 * modelparity.artifacts, default ROOT/artifacts), Python's reference outputs (modelparity.reference,
 * default ROOT/build/reference, written by gradle's pythonReference task) and the shared
 * seed data (ROOT/../shared/datasets/selfie-or-not/thumbnails-40, or $MODELPARITY_SEED_DATA; "none"
 * hides it, as on a user's fresh clone).
 */
public final class TestData {
    public static final String SEED_RELATIVE = "../shared/datasets/selfie-or-not/thumbnails-40";

    private TestData() {
    }

    public static Path root() {
        return Paths.get(System.getProperty("modelparity.root", ".")).toAbsolutePath().normalize();
    }

    public static Path artifacts() {
        String p = System.getProperty("modelparity.artifacts");
        return p != null ? Paths.get(p) : root().resolve("artifacts");
    }

    public static Path reference() {
        String p = System.getProperty("modelparity.reference");
        return p != null ? Paths.get(p) : root().resolve("build/reference");
    }

    /** A picture path from paths.txt: relative ones are relative to the repository root. */
    public static Path picture(String line) {
        Path p = Paths.get(line);
        return p.isAbsolute() ? p : root().resolve(p);
    }

    public static List<String> referencePaths() throws IOException {
        return Files.readAllLines(reference().resolve("paths.txt"), StandardCharsets.UTF_8);
    }

    public static Npy referenceInputs() throws IOException {
        return Npy.read(reference().resolve("inputs.npy"));
    }

    public static Npy referenceProbabilities(ArtifactFormat format) throws IOException {
        return Npy.read(reference().resolve("probability_" + format.key() + ".npy"));
    }

    /**
     * The seed data folder. Absent: the test is skipped with the reason, unless
     * MODELPARITY_REQUIRE_SEED_DATA=1, when it fails.
     */
    public static Path seedData() {
        String chosen = System.getenv("MODELPARITY_SEED_DATA");
        if ("none".equals(chosen)) {
            skipOrFail("MODELPARITY_SEED_DATA=none hides the shared seed data set");
        }
        Path seed = chosen == null || chosen.isEmpty()
                ? root().resolve(SEED_RELATIVE).normalize() : Paths.get(chosen);
        if (!Files.isDirectory(seed)) {
            skipOrFail("shared seed data set not found at " + seed);
        }
        return seed;
    }

    private static void skipOrFail(String why) {
        if ("1".equals(System.getenv("MODELPARITY_REQUIRE_SEED_DATA"))) {
            fail(why + " and MODELPARITY_REQUIRE_SEED_DATA=1");
        }
        assumeTrue(why + "; skipping (set MODELPARITY_REQUIRE_SEED_DATA=1 to fail instead)", false);
    }

    /** Whether a paths.txt line is one of the seed data's pictures. */
    public static boolean isSeed(String line) {
        return line.replace('\\', '/').contains("selfie-or-not/thumbnails-40/");
    }
}
