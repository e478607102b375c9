package selfie.classify;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

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
        assertEquals(1, m.preprocessingVersion()); // still read: artifacts exported before version 2
        assertEquals(new Manifest.Signature("serve", "serving_default", "picture", "output_0", "picture",
                "probability"), m.signature());
        assertEquals("model.onnx", m.artifacts().get("onnx").path());
        assertEquals("selfie", m.labelFor(0.5f));
        assertEquals("not_selfie", m.labelFor(0.49f));
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

    @Test
    public void clearErrorsNamingTheFile() throws IOException {
        Path folder = TinyArtifacts.write(temp.newFolder("a").toPath());
        Path file = folder.resolve(Manifest.FILE_NAME);
        String good = Files.readString(file);
        Files.writeString(file, good.replace("\"threshold\": 0.5", "\"threshold\": \"half\""));
        assertRefused(folder, file.toString(), "threshold");
        Files.writeString(file, good.replace("\"height\": 8", "\"height\": 8.5"));
        assertRefused(folder, "'height'", "whole number");
        Files.writeString(file, good.replace("\"version\": 1", "\"version\": 3"));
        assertRefused(folder, "preprocessing version 3");
        Files.writeString(file, good.replace("model.onnx", "model_renamed.onnx"));
        assertRefused(folder, "model_renamed.onnx", "missing");
        Files.writeString(file, "{not json");
        assertRefused(folder, file.toString(), "not a valid manifest");
        Files.delete(file);
        assertRefused(folder, file.toString(), "no manifest");
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
