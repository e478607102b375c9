package io.github.modelparity.preprocess;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.github.modelparity.Npy;
import io.github.modelparity.PictureException;
import io.github.modelparity.TestData;
import io.github.modelparity.manifest.Manifest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Java preprocessing against python.data.pictures.load_image: every reference picture, the bad ones refused. */
public class PreprocessorParityTest {
    private static final Preprocessor PRE = new Preprocessor(40, 40, 50_000_000L);

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private static double maxDiff(float[] a, float[] b, int offset) {
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[offset + i]));
        }
        return worst;
    }

    /** Every reference picture (Python's odd pictures and, when present, the seed data). */
    @Test
    public void inputsEqualPythonLoadImage() throws IOException {
        List<String> paths = TestData.referencePaths();
        Npy x = TestData.referenceInputs();
        assertEquals(paths.size(), x.shape[0]);
        Preprocessor fromManifest = Preprocessor.of(Manifest.read(TestData.artifacts()));
        double worst = 0;
        String worstPath = null;
        for (int i = 0; i < paths.size(); i++) {
            float[] f = fromManifest.load(TestData.picture(paths.get(i)));
            double d = maxDiff(f, x.data, i * f.length);
            if (d > worst) {
                worst = d;
                worstPath = paths.get(i);
            }
            assertTrue(paths.get(i) + ": differs from Python by " + d + " (> 1/255)", d <= 1.0 / 255);
        }
        System.out.println("preprocessing: " + paths.size() + " pictures, max |java - python| = "
                + worst + (worstPath == null ? "" : " (" + worstPath + ")"));
        assertTrue("max difference " + worst + " at " + worstPath + " exceeds 1e-6", worst <= 1e-6);
    }

    /** The reference covers every picture of the seed data set, so the test above proves it over all. */
    @Test
    public void referenceCoversEverySeedPicture() throws IOException {
        Path seed = TestData.seedData();
        long files;
        try (Stream<Path> walk = Files.walk(seed)) {
            files = walk.filter(p -> p.toString().toLowerCase().endsWith(".png")).count();
        }
        long covered = TestData.referencePaths().stream().filter(TestData::isSeed).count();
        assertEquals("seed pictures in build/reference/paths.txt", files, covered);
        assertTrue("expected the 1613-picture seed set, found " + files, files >= 1600);
    }

    @Test
    public void oddPicturesFromPythonArePresent() throws IOException {
        List<String> names = TestData.referencePaths().stream()
                .map(s -> TestData.picture(s).getFileName().toString()).collect(Collectors.toList());
        for (String odd : new String[] {"grey16.png", "palette_transparent.png", "rgba.png",
                "grey_alpha.png", "cmyk.jpg", "exif_rotated.jpg", "lossless.webp", "large_rgb.png",
                // tests/photos.py: phone-size photos, decoded at 1/8 from their DC coefficients
                "phone_4000x3000.jpg", "phone_progressive.jpg", "phone_exif_rotated.jpg",
                "phone_restarts_444.jpg", "phone_grey.jpg", "phone_corrupt_data.jpg", "screen_1920x1080.png"}) {
            assertTrue(odd + " missing from the reference", names.contains(odd));
        }
    }

    @Test
    public void badPicturesAreRefusedWithTheirPath() throws IOException {
        List<String> bad = Files.readAllLines(TestData.reference().resolve("bad.txt"), StandardCharsets.UTF_8);
        assertTrue(bad.size() >= 4);
        for (String b : bad) {
            Path p = TestData.picture(b);
            try {
                PRE.load(p);
                fail(b + " was accepted");
            } catch (PictureException e) {
                assertTrue(e.getMessage(), e.getMessage().startsWith(p.toString() + ": "));
            }
        }
        try {
            PRE.load(temp.getRoot().toPath().resolve("no-such.png"));
            fail("missing file accepted");
        } catch (PictureException e) {
            assertTrue(e.getMessage(), e.getMessage().endsWith("no such file"));
        }
    }

}
