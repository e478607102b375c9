package io.github.modelparity.runtime;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.github.modelparity.ArtifactException;
import io.github.modelparity.ArtifactFormat;
import io.github.modelparity.Classifier;
import io.github.modelparity.TinyArtifacts;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The library's own class path, as an ONNX-only user has it: ONNX Runtime is found through
 * META-INF/services, TensorFlow Java is not there, and asking for the SavedModel says which
 * dependency to add, in one line.
 */
public class RuntimesTest {
    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    @Test
    public void onnxRuntimeIsFoundAndTheSavedModelRuntimeIsNot() {
        assertEquals(Set.of("onnx", "onnx_int8"), Runtimes.artifacts());
        assertEquals("ONNX Runtime", Runtimes.byArtifact().get("onnx").name());
    }

    @Test
    public void aSavedModelWithoutTheTensorFlowModuleNamesTheDependency() throws IOException {
        Path artifacts = TinyArtifacts.write(temp.newFolder("artifacts").toPath());
        try (Classifier c = Classifier.open(artifacts, ArtifactFormat.SAVEDMODEL)) {
            fail("a SavedModel opened without a runtime for it: " + c);
        } catch (ArtifactException e) {
            String m = e.getMessage();
            assertFalse(m, m.contains("\n"));
            assertTrue(m, m.contains("'savedmodel'"));
            assertTrue(m, m.contains("add the dependency io.github.modelparity:modelparity-tensorflow:"));
        }
    }

    @Test
    public void anArtifactNoRuntimeRunsListsWhatTheRuntimesRun() throws IOException {
        Path artifacts = TinyArtifacts.write(temp.newFolder("artifacts").toPath());
        try (Classifier c = Classifier.open(artifacts, ArtifactFormat.of("tflite"))) {
            fail("a tflite artifact opened: " + c);
        } catch (ArtifactException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("the runtimes here run onnx, onnx_int8"));
        }
    }
}
