package io.github.modelparity;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.github.modelparity.manifest.Manifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The library over the exported artifacts, compared with Python's runtimes. */
public class ClassifierTest {
    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    /**
     * The formats the export published: an int8 file that did not hold parity is left out
     * (the manifest's "missing" says why), and then has nothing to be compared with.
     */
    private static final ArtifactFormat[] FORMATS = java.util.stream.Stream.of(ArtifactFormat.SAVEDMODEL, ArtifactFormat.ONNX, ArtifactFormat.ONNX_INT8)
            .filter(f -> Manifest.read(TestData.artifacts()).artifacts().containsKey(f.key()))
            .toArray(ArtifactFormat[]::new);
    /** Floats in one picture, from the manifest: the tests hold for any --image-size. */
    private static final int PX = Manifest.read(TestData.artifacts()).pictureSize();

    @Test
    public void manifestShapesAndLabels() {
        try (Classifier c = Classifier.open(TestData.artifacts(), ArtifactFormat.ONNX)) {
            Manifest m = c.manifest();
            assertEquals(m.height(), m.width());
            assertEquals(PX, m.height() * m.width());
            assertEquals(1, m.channels());
            assertEquals(2, c.labels().size());
            float[] p = c.predict(new float[3 * PX], 3);
            assertEquals(3, p.length);
            for (float v : p) {
                assertTrue(v >= 0 && v <= 1);
            }
        }
    }

    @Test
    public void wrongSizedInputIsIllegalArgument() {
        try (Classifier c = Classifier.open(TestData.artifacts(), ArtifactFormat.ONNX)) {
            for (int[] bad : new int[][] {{PX - 1, 1}, {PX, 2}, {0, 0}, {2 * PX, 1}}) {
                try {
                    c.predict(new float[bad[0]], bad[1]);
                    fail("accepted " + bad[0] + " floats for batch " + bad[1]);
                } catch (IllegalArgumentException expected) {
                    assertTrue(expected.getMessage().contains("floats"));
                }
            }
        }
    }

    @Test
    public void closedClassifierRefusesWork() {
        Classifier c = Classifier.open(TestData.artifacts(), ArtifactFormat.ONNX);
        c.close();
        c.close();
        try {
            c.predict(new float[PX], 1);
            fail("closed classifier ran");
        } catch (IllegalStateException expected) {
            assertTrue(expected.getMessage().contains("closed"));
        }
    }

    /** Identical tensors: Java's runtimes against Python's, every reference picture. */
    @Test
    public void sameTensorsSameProbabilities() throws IOException {
        Npy x = TestData.referenceInputs();
        int n = x.shape[0];
        for (ArtifactFormat f : FORMATS) {
            Npy ref = TestData.referenceProbabilities(f);
            double worst = 0;
            try (Classifier c = Classifier.open(TestData.artifacts(), f)) {
                for (int s = 0; s < n; s += 64) {
                    int b = Math.min(64, n - s);
                    float[] p = c.predict(Arrays.copyOfRange(x.data, s * PX, (s + b) * PX), b);
                    for (int i = 0; i < b; i++) {
                        worst = Math.max(worst, Math.abs(p[i] - ref.data[s + i]));
                    }
                }
            }
            System.out.println("parity " + f + " (same tensors, " + n + " pictures): max |java - python| = " + worst);
            assertTrue(f + ": max difference " + worst + " > 1e-5", worst <= 1e-5);
        }
    }

    /** End to end from files: same labels as Python, probabilities within 1e-3. */
    @Test
    public void sameFilesSameLabels() throws IOException, PictureException {
        List<String> lines = TestData.referencePaths();
        List<Path> files = new ArrayList<>();
        for (String l : lines) {
            files.add(TestData.picture(l));
        }
        for (ArtifactFormat f : FORMATS) {
            Npy ref = TestData.referenceProbabilities(f);
            try (Classifier c = Classifier.open(TestData.artifacts(), f)) {
                List<Classification> got = c.classifyAll(files);
                double worst = 0;
                int seedTest = 0;
                for (int i = 0; i < got.size(); i++) {
                    String pyLabel = Outputs.classification(c.manifest(), "python", ref.data, i).label();
                    assertEquals(f + " " + lines.get(i), pyLabel, got.get(i).label());
                    worst = Math.max(worst, Math.abs(got.get(i).probability() - ref.data[i]));
                    if (TestData.isSeed(lines.get(i)) && lines.get(i).contains("/test/")) {
                        seedTest++;
                    }
                }
                System.out.println("parity " + f + " (from files, " + got.size() + " pictures, "
                        + seedTest + " of them the seed test split): labels equal, max |java - python| = " + worst);
                assertTrue(f + ": " + worst + " > 1e-3", worst <= 1e-3);
            }
        }
    }

    @Test
    public void seedTestSplitIsInTheReference() throws IOException {
        Path seed = TestData.seedData();
        long inTest;
        try (Stream<Path> w = Files.walk(seed.resolve("test"))) {
            inTest = w.filter(Files::isRegularFile).count();
        }
        long referenced = TestData.referencePaths().stream()
                .filter(l -> TestData.isSeed(l) && l.contains("/test/")).count();
        assertTrue("seed test split has pictures", inTest > 0);
        assertEquals(inTest, referenced);
    }

    private Path copyOfArtifacts() throws IOException {
        Path src = TestData.artifacts();
        Path dst = temp.newFolder("artifacts").toPath();
        try (Stream<Path> walk = Files.walk(src)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path t = dst.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return dst;
    }

    private static void flipByte(Path file, int at) throws IOException {
        byte[] b = Files.readAllBytes(file);
        b[at % b.length] ^= 0x5a;
        Files.write(file, b);
    }

    private static void assertRefused(Path artifacts, ArtifactFormat f, String... words) {
        try (Classifier c = Classifier.open(artifacts, f)) {
            fail(f + " loaded from altered artifacts");
        } catch (ArtifactException e) {
            for (String w : words) {
                assertTrue(e.getMessage() + " should mention " + w, e.getMessage().contains(w));
            }
        }
    }

    @Test
    public void alteredOrMissingArtifactsAreClearErrors() throws IOException {
        Path a = copyOfArtifacts();
        flipByte(a.resolve("model.onnx"), 1000);
        assertRefused(a, ArtifactFormat.ONNX, "model.onnx", "altered");
        if (Files.exists(a.resolve("model_int8.onnx"))) {
            Files.delete(a.resolve("model_int8.onnx"));
            assertRefused(a, ArtifactFormat.ONNX_INT8, "model_int8.onnx", "missing");
        } else { // not published: the manifest does not list it
            assertRefused(a, ArtifactFormat.ONNX_INT8, "no artifact 'onnx_int8'");
        }
        flipByte(a.resolve("savedmodel").resolve("saved_model.pb"), 77);
        assertRefused(a, ArtifactFormat.SAVEDMODEL, "savedmodel", "altered");
        Files.write(a.resolve("manifest.json"), "{not json".getBytes());
        assertRefused(a, ArtifactFormat.ONNX, "manifest.json", "not a valid manifest");
        Files.delete(a.resolve("manifest.json"));
        assertRefused(a, ArtifactFormat.ONNX, "manifest.json", "no manifest");
    }

    /** Pictures i, i+1, ... of the reference, wrapping round: any reference size serves. */
    private static float[] pictures(Npy x, int from, int count) {
        int px = x.data.length / x.shape[0];
        float[] out = new float[count * px];
        for (int k = 0; k < count; k++) {
            int i = (from + k) % x.shape[0];
            System.arraycopy(x.data, i * px, out, k * px, px);
        }
        return out;
    }

    /** One thread sending batches of changing sizes: each answer is its own pictures'. */
    @Test
    public void batchSizesChangingOnOneThread() throws Exception {
        Npy x = TestData.referenceInputs();
        try (Classifier c = Classifier.open(TestData.artifacts(), ArtifactFormat.ONNX)) {
            float[] first = c.predict(pictures(x, 0, 1), 1);
            int start = 0;
            for (int batch : new int[] {64, 1, 7, 64, 3}) {
                float[] out = c.predict(pictures(x, start, batch), batch);
                assertEquals(batch, out.length);
                for (int i = 0; i < batch; i++) {
                    float alone = c.predict(pictures(x, start + i, 1), 1)[0];
                    assertEquals("batch " + batch + " picture " + i, alone, out[i], 1e-6f);
                }
                start += batch;
            }
            assertTrue("batch 1 after larger batches", Arrays.equals(first, c.predict(pictures(x, 0, 1), 1)));
        }
    }

    /** 8 threads classifying at once give exactly one thread's results. */
    @Test
    public void eightThreadsEqualOne() throws Exception {
        Npy x = TestData.referenceInputs();
        int n = Math.min(x.shape[0], 200);
        for (ArtifactFormat f : new ArtifactFormat[] {ArtifactFormat.ONNX, ArtifactFormat.SAVEDMODEL}) {
            try (Classifier c = Classifier.open(TestData.artifacts(), f)) {
                float[] single = new float[n];
                for (int i = 0; i < n; i++) {
                    single[i] = c.predict(pictures(x, i, 1), 1)[0];
                }
                ExecutorService pool = Executors.newFixedThreadPool(8);
                try {
                    List<Future<float[]>> jobs = new ArrayList<>();
                    for (int t = 0; t < 8; t++) {
                        final int offset = t;
                        jobs.add(pool.submit(() -> {
                            float[] out = new float[n];
                            for (int k = 0; k < n; k++) {
                                int i = (k + offset * 25) % n; // different orders per thread
                                out[i] = c.predict(pictures(x, i, 1), 1)[0];
                            }
                            return out;
                        }));
                    }
                    for (Future<float[]> j : jobs) {
                        assertTrue(f + ": a thread's results differ from one thread's",
                                Arrays.equals(single, j.get()));
                    }
                } finally {
                    pool.shutdownNow();
                }
            }
        }
    }

    private static long rssKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    /** A long run must not grow native memory: every tensor and result is closed. */
    @Test
    public void longRunDoesNotGrowNativeMemory() throws IOException {
        org.junit.Assume.assumeTrue("needs /proc/self/status", Files.exists(Path.of("/proc/self/status")));
        float[] one = new float[PX];
        Arrays.fill(one, 0.5f);
        float[] batch = new float[16 * PX];
        for (ArtifactFormat f : new ArtifactFormat[] {ArtifactFormat.ONNX, ArtifactFormat.SAVEDMODEL}) {
            try (Classifier c = Classifier.open(TestData.artifacts(), f)) {
                for (int i = 0; i < 3000; i++) {
                    c.predict(i % 10 == 0 ? batch : one, i % 10 == 0 ? 16 : 1);
                }
                System.gc();
                long before = rssKb();
                for (int i = 0; i < 30000; i++) {
                    c.predict(i % 10 == 0 ? batch : one, i % 10 == 0 ? 16 : 1);
                }
                System.gc();
                long grown = rssKb() - before;
                System.out.println("memory " + f + ": RSS grew " + grown + " kB over 30000 calls");
                // A leaked input tensor alone would be 6.4 kB a call: 190 MB here.
                assertTrue(f + ": RSS grew " + grown + " kB", grown < 64 * 1024);
            }
        }
    }
}
