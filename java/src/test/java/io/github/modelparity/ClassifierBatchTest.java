package io.github.modelparity;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The library on tiny artifacts: batches in order, unreadable pictures, raw predict, close. */
public class ClassifierBatchTest {
    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    /** An RGB softmax over three labels: every label's probability, the top K, batches in order. */
    @Test
    public void rgbModelOfThreeClassesGivesEveryLabelsProbability() throws IOException, PictureException {
        Path artifacts = TinyArtifacts.writeRgb(temp.newFolder("rgb").toPath());
        Path root = temp.getRoot().toPath();
        List<Path> pictures = new ArrayList<>();
        int[][] colours = {{200, 10, 10}, {10, 200, 10}, {10, 10, 200}, {120, 120, 10}};
        for (int i = 0; i < Classifier.BATCH + 3; i++) {
            int[] c = colours[i % colours.length];
            pictures.add(TinyArtifacts.rgbPicture(root.resolve("c" + i + ".png"), c[0], c[1], c[2], 11, 7));
        }
        try (Classifier c = Classifier.open(artifacts)) {
            assertEquals(TinyArtifacts.COLOURS, c.labels());
            List<Classification> results = c.classifyAll(pictures);
            for (int i = 0; i < pictures.size(); i++) {
                Classification r = results.get(i);
                int[] rgb = colours[i % colours.length];
                double[] e = {Math.exp(rgb[0] / 255.0), Math.exp(rgb[1] / 255.0), Math.exp(rgb[2] / 255.0)};
                double sum = e[0] + e[1] + e[2];
                for (int k = 0; k < 3; k++) {
                    assertEquals(TinyArtifacts.COLOURS.get(k), r.probabilities().get(k).label());
                    assertEquals(e[k] / sum, r.probabilities().get(k).probability(), 1e-6);
                }
                if (i % colours.length == 3) { // red and green equal: the first of equals, as numpy's argmax
                    assertEquals("red", r.label());
                    assertEquals(List.of("red", "green"), r.top(2).stream().map(LabelProbability::label).toList());
                } else {
                    assertEquals(TinyArtifacts.COLOURS.get(i % colours.length), r.label());
                }
                assertEquals((float) r.top(1).get(0).probability(), r.probability(), 0);
            }
            Classification one = c.classify(pictures.get(2)); // alone: ONNX Runtime may round otherwise
            assertEquals(results.get(2).label(), one.label());
            assertEquals(results.get(2).probability(), one.probability(), 1e-6f);
        }
    }

    @Test
    public void batchKeepsOrderAcrossModelCallsAndReportsUnreadablePictures() throws IOException {
        Path artifacts = TinyArtifacts.write(temp.newFolder("a").toPath());
        List<Path> pictures = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        // More than two model calls' worth, grey levels in a known order, a missing file among them.
        for (int i = 0; i < Classifier.BATCH * 2 + 5; i++) {
            if (i == 70) {
                Path absent = temp.getRoot().toPath().resolve("absent.png");
                pictures.add(absent);
                missing.add(absent.toString());
                continue;
            }
            pictures.add(TinyArtifacts.greyPicture(temp.getRoot().toPath().resolve(i + ".png"), i, 8, 8));
        }
        try (Classifier c = Classifier.open(artifacts, ArtifactFormat.ONNX)) {
            List<String> refused = new ArrayList<>();
            List<Classification> results = c.classify(pictures, e -> refused.add(e.path()));
            assertEquals(missing, refused);
            assertEquals(pictures.size() - 1, results.size());
            int k = 0;
            for (int i = 0; i < pictures.size(); i++) {
                if (i == 70) {
                    continue;
                }
                Classification r = results.get(k++);
                assertEquals(pictures.get(i).toString(), r.path());
                assertEquals(i / 255f, r.probability(), 1e-6f);
                assertEquals(i >= 128 ? "selfie" : "not_selfie", r.label()); // 128 / 255 >= 0.5
            }
            try {
                c.classifyAll(pictures);
                fail("classifyAll accepted a missing picture");
            } catch (PictureException e) {
                assertTrue(e.getMessage(), e.getMessage().startsWith(missing.get(0)));
            }
            pictures.remove(70);
            assertEquals(results, c.classifyAll(pictures));
        }
    }

    /** A large input goes fewer pictures to a model call: the call's input within CALL_FLOATS. */
    @Test
    public void picturesPerCallShrinkWithTheInput() throws IOException {
        assertEquals(Classifier.BATCH, Classifier.picturesPerCall(40 * 40));
        assertEquals(2, Classifier.picturesPerCall(128 * 128 * 3));
        assertEquals(1, Classifier.picturesPerCall(148 * 148 * 3));
        assertEquals(1, Classifier.picturesPerCall(224 * 224 * 3));
        assertEquals(1, Classifier.picturesPerCall(Integer.MAX_VALUE));
        try (Classifier c = Classifier.open(TinyArtifacts.write(temp.newFolder("a").toPath()))) {
            assertEquals(Classifier.BATCH, c.picturesPerCall());
        }
    }

    @Test
    public void wrongSizedInputAndClosedClassifier() throws IOException {
        Path artifacts = TinyArtifacts.write(temp.newFolder("a").toPath());
        Classifier c = Classifier.open(artifacts, ArtifactFormat.ONNX);
        try {
            c.predict(new float[5], 1);
            fail("wrong size accepted");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("64"));
        }
        assertEquals(1, c.predict(new float[64], 1).length);
        c.close();
        c.close(); // idempotent
        try {
            c.predict(new float[64], 1);
            fail("closed classifier ran");
        } catch (IllegalStateException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("closed"));
        }
    }

    @Test
    public void loadsOnTheLargeStackThreadAndKeepsTheCallersInterrupt() throws IOException {
        Path artifacts = TinyArtifacts.write(temp.newFolder("a").toPath());
        Thread.currentThread().interrupt();
        try (Classifier c = Classifier.open(artifacts, ArtifactFormat.ONNX)) {
            assertTrue("the interrupt was lost", Thread.interrupted());
            assertEquals(1, c.predict(new float[64], 1).length);
        }
    }
}
