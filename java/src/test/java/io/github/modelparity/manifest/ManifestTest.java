package io.github.modelparity.manifest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.github.modelparity.ArtifactException;
import io.github.modelparity.ArtifactFormat;
import io.github.modelparity.TinyArtifacts;
import io.github.modelparity.UnsupportedModelException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** manifest.json as Python writes it: NaN and Infinity, keys this version does not know. */
public class ManifestTest {
    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    @Test
    public void readsPythonsJsonWithNonFiniteNumbersAndUnknownKeys() throws IOException {
        Path folder = TinyArtifacts.write(temp.newFolder("a").toPath());
        Manifest m = Manifest.read(folder);
        assertEquals(TinyArtifacts.SIZE, m.height());
        assertEquals(TinyArtifacts.SIZE * TinyArtifacts.SIZE, m.pictureSize());
        assertEquals(List.of("not_selfie", "selfie"), m.labels());
        assertEquals(0.5, m.threshold(), 0);
        assertEquals(1_000_000L, m.maxPixels());
        assertEquals(3, m.preprocessingVersion());
        assertEquals(new Manifest.Signature("serve", "serving_default", "picture", "output_0", "picture",
                "probability"), m.signature());
        assertEquals("model.onnx", m.artifacts().get("onnx").path());
        assertEquals(1, m.classes());
        assertEquals(folder.resolve("model.onnx"), m.checkedArtifact(ArtifactFormat.ONNX));
    }

    @Test
    public void olderManifestsWithoutSignatureOrPixelLimitGetTheDefaults() throws IOException {
        Path folder = TinyArtifacts.write(temp.newFolder("a").toPath());
        Path file = folder.resolve(Manifest.FILE_NAME);
        String text = Files.readString(file)
                .replaceAll("(?s)\"signature\": \\{.*?},", "")
                .replace("\"max_pixels\": 1000000, ", "");
        Files.writeString(file, text);
        Manifest m = Manifest.read(folder);
        assertEquals(Manifest.Signature.DEFAULT, m.signature());
        assertNull(m.signature().onnxInput());
        assertEquals(Manifest.DEFAULT_MAX_PIXELS, m.maxPixels());
    }

    private void assertRefused(Path folder, String... words) {
        try {
            Manifest m = Manifest.read(folder);
            m.checkedArtifact(ArtifactFormat.ONNX);
            fail("accepted");
        } catch (ArtifactException e) {
            for (String w : words) {
                assertTrue(e.getMessage() + " should mention " + w, e.getMessage().contains(w));
            }
        }
    }

    /** Refused as "FILE: PROBLEM", the versions included. */
    @Test
    public void clearErrorsNamingTheFile() throws IOException {
        Path folder = TinyArtifacts.write(temp.newFolder("a").toPath());
        Path file = folder.resolve(Manifest.FILE_NAME);
        String good = Files.readString(file);
        Files.writeString(file, good.replace("\"threshold\": 0.5", "\"threshold\": \"half\""));
        assertRefused(folder, file.toString(), "threshold");
        Files.writeString(file, good.replace("\"height\": 8", "\"height\": 8.5"));
        assertRefused(folder, "'height'", "whole number");
        Files.writeString(file, good.replace("\"version\": 3", "\"version\": 5"));
        assertRefused(folder, file + ": written by a newer exporter (preprocessing version 5, this library reads"
                + " 3 to 4): update the library");
        Files.writeString(file, good.replace("\"schema_version\": 3", "\"schema_version\": 2"));
        assertRefused(folder, file + ": schema_version 2 is older than this library reads (3): export again");
        Files.writeString(file, good.replace("\"schema_version\": 3,", ""));
        assertRefused(folder, file + ": schema_version null is not a whole number: export again");
        Files.writeString(file, "[1, 2]");
        assertRefused(folder, file + ": not a manifest (no schema_version and preprocessing): export again");
        Files.writeString(file, good.replace("model.onnx", "model_renamed.onnx"));
        assertRefused(folder, "model_renamed.onnx", "missing");
        Files.writeString(file, "{not json");
        assertRefused(folder, file.toString(), "not a valid manifest");
        Files.delete(file);
        assertRefused(folder, file.toString(), "no manifest");
    }

    private static String problem(String json) throws IOException {
        return Manifest.versionProblem(new com.fasterxml.jackson.databind.ObjectMapper().readTree(json));
    }

    /**
     * The version gate without Python: Python's rule and words (python.artifacts.manifest's
     * version_problem). The integration test holds Java to tests.versiongate's fixtures too.
     */
    @Test
    public void versionGateSaysNewerOrOlderInPythonsWords() throws IOException {
        assertNull(problem("{\"schema_version\": 3, \"preprocessing\": {\"version\": 4}}"));
        assertNull(problem("{\"schema_version\": 3, \"preprocessing\": {\"version\": 3}}"));
        assertEquals("written by a newer exporter (schema_version 4, this library reads 3): update the library",
                problem("{\"schema_version\": 4, \"preprocessing\": {\"version\": 4}}"));
        assertEquals("written by a newer exporter (preprocessing version 5, this library reads 3 to 4):"
                + " update the library", problem("{\"schema_version\": 3, \"preprocessing\": {\"version\": 5}}"));
        assertEquals("schema_version 2 is older than this library reads (3): export again",
                problem("{\"schema_version\": 2, \"preprocessing\": {\"version\": 4}}"));
        assertEquals("preprocessing version 2 is older than this library reads (3 to 4): export again",
                problem("{\"schema_version\": 3, \"preprocessing\": {\"version\": 2}}"));
        // schema_version first, whatever the preprocessing says
        assertEquals("written by a newer exporter (schema_version 99, this library reads 3): update the library",
                problem("{\"schema_version\": 99, \"preprocessing\": {\"version\": 1}}"));
        assertEquals("schema_version -123456789012345678901234567890 is older than this library reads (3):"
                + " export again",
                problem("{\"schema_version\": -123456789012345678901234567890, \"preprocessing\": {\"version\": 4}}"));
        assertEquals("written by a newer exporter (schema_version 123456789012345678901234567890, this library"
                + " reads 3): update the library",
                problem("{\"schema_version\": 123456789012345678901234567890, \"preprocessing\": {\"version\": 4}}"));
        // not a whole number: the value as Python's json.dumps writes it
        String[][] notWhole = {
            {"", "schema_version null"},
            {"\"schema_version\": null,", "schema_version null"},
            {"\"schema_version\": \"3\",", "schema_version \"3\""},
            {"\"schema_version\": 3.0,", "schema_version 3.0"},
            {"\"schema_version\": true,", "schema_version true"},
            {"\"schema_version\": 1e-05,", "schema_version 1e-05"},
            {"\"schema_version\": 1E16,", "schema_version 1e+16"},
            {"\"schema_version\": [3, 4],", "schema_version [3, 4]"},
            {"\"schema_version\": {\"v\": \"\u00e9\\n\"},", "schema_version {\"v\": \"\\u00e9\\n\"}"},
        };
        for (String[] c : notWhole) {
            assertEquals(c[0], c[1] + " is not a whole number: export again",
                    problem("{" + c[0] + " \"preprocessing\": {\"version\": 4}}"));
        }
        assertEquals("preprocessing version \"4\" is not a whole number: export again",
                problem("{\"schema_version\": 3, \"preprocessing\": {\"version\": \"4\"}}"));
        assertEquals("preprocessing version null is not a whole number: export again",
                problem("{\"schema_version\": 3, \"preprocessing\": {}}"));
        for (String notManifest : new String[] {"[]", "3", "{\"schema_version\": 3}",
            "{\"schema_version\": 3, \"preprocessing\": [4]}"}) {
            assertEquals(notManifest, "not a manifest (no schema_version and preprocessing): export again",
                    problem(notManifest));
        }
    }

    /** Python's repr of a float, which the gate's words quote. */
    @Test
    public void floatsAreWrittenAsPythonsRepr() {
        String[][] cases = {
            {"3.0", "3.0"}, {"0.1", "0.1"}, {"1e-05", "1.0E-5"}, {"0.0001", "1.0E-4"}, {"1e+16", "1.0E16"},
            {"1000000000000000.0", "1.0E15"}, {"-0.0", "-0.0"}, {"1.5e+300", "1.5E300"}, {"2.5e-07", "2.5E-7"},
            {"0.30000000000000004", "0.30000000000000004"}, {"123.456", "123.456"}, {"NaN", "NaN"},
            {"-Infinity", "-Infinity"}, {"5e-324", "4.9E-324"}, {"1.7976931348623157e+308", "1.7976931348623157E308"},
        };
        for (String[] c : cases) {
            assertEquals(c[1], c[0], PythonJson.repr(Double.parseDouble(c[1])));
        }
    }

    private static final String V3 = """
            "output": {"classes": 1, "activation": "sigmoid"},
            "preprocessing": {"version": 3, "color": "grey", "do_resize": true,
              "size": {"height": 8, "width": 8, "shortest_edge": null}, "resample": 2,
              "do_center_crop": false, "crop_size": null, "do_rescale": true,
              "rescale_factor": 0.5, "do_normalize": false, "image_mean": [], "image_std": [],""";

    /** Version 3's structured recipe: read whatever it asks that this library implements, else refused by field. */
    @Test
    public void versionThreeRecipesAreReadOrRefusedNamingTheField() throws IOException {
        Path folder = TinyArtifacts.write(temp.newFolder("a").toPath());
        Path file = folder.resolve(Manifest.FILE_NAME);
        String v3 = Files.readString(file).replace(TinyArtifacts.GREY_PREPROCESSING, V3);
        Files.writeString(file, v3);
        Manifest m = Manifest.read(folder);
        assertEquals(3, m.preprocessingVersion());
        assertEquals(0.5, m.recipe().rescaleFactor(), 0);
        // RGB, bicubic, a shortest edge then a crop, mean and std: all implemented
        Files.writeString(file, v3.replace("\"channels\": 1", "\"channels\": 3").replace("\"grey\"", "\"rgb\"")
                .replace("\"resample\": 2", "\"resample\": 3")
                .replace("\"height\": 8, \"width\": 8, \"shortest_edge\": null", "\"shortest_edge\": 10")
                .replace("\"do_center_crop\": false, \"crop_size\": null",
                        "\"do_center_crop\": true, \"crop_size\": {\"height\": 8, \"width\": 8}")
                .replace("\"do_normalize\": false, \"image_mean\": [], \"image_std\": []",
                        "\"do_normalize\": true, \"image_mean\": [0.5, 0.4, 0.3], \"image_std\": [0.2, 0.2, 0.25]"));
        Recipe rgb = Manifest.read(folder).recipe();
        assertEquals(3, rgb.channels());
        assertEquals(3, rgb.resample());
        assertEquals(10, rgb.size().shortestEdge());
        assertEquals(0.4f, rgb.mean()[1], 0);
        String[][] refused = {
            {"\"color\": \"grey\"", "\"color\": \"hsv\"", "preprocessing.color"},
            {"\"resample\": 2", "\"resample\": 1", "preprocessing.resample"},
            {"\"channels\": 1", "\"channels\": 4", "input.channels"},
        };
        for (String[] r : refused) {
            Files.writeString(file, v3.replace(r[0], r[1]));
            try {
                Manifest.read(folder);
                fail("accepted " + r[1]);
            } catch (UnsupportedModelException e) {
                assertTrue(e.getMessage(), e.getMessage().contains(r[2]) && e.getMessage().contains("not supported"));
                assertTrue(e.getMessage(), e.getMessage().startsWith(file.toString()));
                assertEquals(e.getMessage(), 1, e.getMessage().lines().count());
            }
        }
        String[][] wrong = {
            {"\"classes\": 1", "\"classes\": 5", "output.classes 5 does not fit 2 labels"},
            {"\"channels\": 1", "\"channels\": 3", "preprocessing.color makes 1 channels"},
            {"\"height\": 8, \"width\": 8, \"shortest_edge\": null", "\"height\": 8, \"width\": 9",
                "preprocessing makes 9 x 8"},
            {"\"do_normalize\": false", "\"do_normalize\": true", "preprocessing.image_mean"},
        };
        for (String[] r : wrong) {
            Files.writeString(file, v3.replace(r[0], r[1]));
            assertRefused(folder, file.toString(), r[2]);
        }
        Files.writeString(file, v3.replace("\"do_rescale\": true", "\"do_rescale\": false"));
        assertFalse(Manifest.read(folder).recipe().doRescale());
    }

    /**
     * Version 4's route: reducing_gap null is the faithful route (no draft), 2.0 the fast one
     * with or without draft; version 3, which has neither field, the fast one with draft.
     * Anything else is refused naming the field.
     */
    @Test
    public void versionFourReadsTheRoute() throws IOException {
        Path folder = TinyArtifacts.write(temp.newFolder("a").toPath());
        Path file = folder.resolve(Manifest.FILE_NAME);
        String v3 = Files.readString(file).replace(TinyArtifacts.GREY_PREPROCESSING, V3);
        Files.writeString(file, v3);
        Recipe three = Manifest.read(folder).recipe();
        assertFalse(three.faithful());
        assertTrue(three.draft());
        String v4 = v3.replace("\"version\": 3,", "\"version\": 4, \"reducing_gap\": null, \"draft\": false,");
        Files.writeString(file, v4);
        Manifest m = Manifest.read(folder);
        assertEquals(4, m.preprocessingVersion());
        assertTrue(m.recipe().faithful());
        assertFalse(m.recipe().draft());
        Files.writeString(file, v4.replace("\"reducing_gap\": null", "\"reducing_gap\": 2.0"));
        assertFalse(Manifest.read(folder).recipe().faithful());
        assertFalse(Manifest.read(folder).recipe().draft());
        Files.writeString(file, v4.replace("\"reducing_gap\": null, \"draft\": false",
                "\"reducing_gap\": 2.0, \"draft\": true"));
        assertFalse(Manifest.read(folder).recipe().faithful());
        assertTrue(Manifest.read(folder).recipe().draft());
        Files.writeString(file, v4.replace("\"reducing_gap\": null", "\"reducing_gap\": 3.0"));
        try {
            Manifest.read(folder);
            fail("accepted reducing_gap 3.0");
        } catch (UnsupportedModelException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("preprocessing.reducing_gap 3.0 is not supported"));
        }
        Files.writeString(file, v4.replace("\"draft\": false", "\"draft\": \"no\""));
        assertRefused(folder, "preprocessing.draft");
        Files.writeString(file, v4.replace("\"draft\": false", "\"draft\": true"));
        assertRefused(folder, "preprocessing.draft true needs reducing_gap 2.0");
    }

    /**
     * draft_scales: some of 8, 4 and 2, largest first; absent (version 3, and version 4 before
     * it) [jpeg_dc_scale], which is [8]. Anything else is refused naming the field.
     */
    @Test
    public void draftScalesAreSomeOfEightFourTwoLargestFirst() throws IOException {
        Path folder = TinyArtifacts.write(temp.newFolder("a").toPath());
        Path file = folder.resolve(Manifest.FILE_NAME);
        String v3 = Files.readString(file).replace(TinyArtifacts.GREY_PREPROCESSING, V3);
        Files.writeString(file, v3);
        assertEquals(List.of(8), Manifest.read(folder).recipe().draftScales());
        Files.writeString(file, v3.replace("\"version\": 3,", "\"version\": 3, \"jpeg_dc_scale\": 8,"));
        assertEquals(List.of(8), Manifest.read(folder).recipe().draftScales());
        String v4 = v3.replace("\"version\": 3,", "\"version\": 4, \"reducing_gap\": 2.0, \"draft\": true,"
                + " \"draft_scales\": [8, 4, 2],");
        Files.writeString(file, v4);
        assertEquals(List.of(8, 4, 2), Manifest.read(folder).recipe().draftScales());
        Files.writeString(file, v4.replace("[8, 4, 2]", "[4, 2]"));
        assertEquals(List.of(4, 2), Manifest.read(folder).recipe().draftScales());
        Files.writeString(file, v4.replace("[8, 4, 2]", "[8.0, 2]")); // Python's `in (8, 4, 2)` takes 8.0
        assertEquals(List.of(8, 2), Manifest.read(folder).recipe().draftScales());
        for (String bad : new String[] {"[]", "[4, 8]", "[8, 8]", "[8, 4, 1]", "[16, 8]", "[3]", "8", "null",
                "[\"8\"]", "[true]", "[8.5]", "{\"8\": 1}"}) {
            Files.writeString(file, v4.replace("[8, 4, 2]", bad));
            assertRefused(folder, "preprocessing.draft_scales");
        }
        Files.writeString(file, v3.replace("\"version\": 3,", "\"version\": 3, \"jpeg_dc_scale\": 16,"));
        assertRefused(folder, "preprocessing.draft_scales", "jpeg_dc_scale");
    }

    /** A softmax over k labels: k labels, no threshold needed; a sigmoid needs two labels and one. */
    @Test
    public void softmaxManifestsTakeTheirLabelsAndNoThreshold() throws IOException {
        Path folder = TinyArtifacts.write(temp.newFolder("a").toPath());
        Path file = folder.resolve(Manifest.FILE_NAME);
        String v3 = Files.readString(file).replace(TinyArtifacts.GREY_PREPROCESSING, V3);
        String softmax = v3.replace("\"classes\": 1, \"activation\": \"sigmoid\"", "\"classes\": 3, \"activation\": \"softmax\"")
                .replace("\"labels\": [\"not_selfie\", \"selfie\"]", "\"labels\": [\"cat\", \"dog\", \"fox\"]")
                .replace("\"threshold\": 0.5", "\"threshold\": null");
        Files.writeString(file, softmax);
        Manifest m = Manifest.read(folder);
        assertEquals(3, m.classes());
        assertEquals(List.of("cat", "dog", "fox"), m.labels());
        assertTrue(Double.isNaN(m.threshold()));
        Files.writeString(file, softmax.replace("\"classes\": 3", "\"classes\": 1"));
        assertRefused(folder, "output.classes 1 does not fit 3 labels");
        Files.writeString(file, v3.replace("\"threshold\": 0.5", "\"threshold\": null"));
        assertRefused(folder, "threshold missing");
        Files.writeString(file, softmax.replace("\"dog\"", "7"));
        assertRefused(folder, "labels must be names");
    }

    /** An altered manifest may not point outside its folder, even at a file whose digest it knows. */
    @Test
    public void artifactPathsStayInsideTheFolder() throws IOException {
        Path root = temp.newFolder("root").toPath();
        Path folder = TinyArtifacts.write(Files.createDirectory(root.resolve("artifacts")));
        Path outside = Files.createDirectory(root.resolve("outside"));
        Files.copy(folder.resolve("model.onnx"), outside.resolve("model.onnx"));
        Path file = folder.resolve(Manifest.FILE_NAME);
        String good = Files.readString(file);
        Files.writeString(file, good.replace("\"path\": \"model.onnx\"", "\"path\": \"../outside/model.onnx\""));
        assertRefused(folder, "leaves the artifacts folder", "../outside/model.onnx");
        Files.writeString(file, good.replace("\"path\": \"model.onnx\"",
                "\"path\": \"" + outside.resolve("model.onnx") + "\""));
        assertRefused(folder, "leaves the artifacts folder");
        Files.writeString(file, good);
        Files.delete(folder.resolve("model.onnx"));
        Files.createSymbolicLink(folder.resolve("model.onnx"), outside.resolve("model.onnx"));
        assertRefused(folder, "leaves the artifacts folder");
    }
}
