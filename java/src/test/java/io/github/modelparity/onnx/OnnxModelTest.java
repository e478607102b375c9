package io.github.modelparity.onnx;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import ai.onnxruntime.OrtSession;
import io.github.modelparity.ArtifactException;
import io.github.modelparity.TinyArtifacts;
import io.github.modelparity.manifest.Manifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** ONNX Runtime's SessionOptions must stay open until every session made with them is closed. */
public class OnnxModelTest {
    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    /** Session options that remember being closed. */
    private static final class TrackedOptions extends OrtSession.SessionOptions {
        volatile boolean closed;

        @Override
        public void close() {
            closed = true;
            super.close();
        }
    }

    @Test
    public void sessionOptionsStayOpenUntilTheSessionIsClosed() throws IOException {
        Path artifacts = TinyArtifacts.write(temp.newFolder("artifacts").toPath());
        Manifest manifest = Manifest.read(artifacts);
        TrackedOptions options = new TrackedOptions();
        OnnxModel runner = new OnnxModel(artifacts.resolve("model.onnx"), manifest, 1, options);
        try {
            assertFalse("the session's options were closed while the session is open", options.closed);
            float[] pixels = new float[manifest.pictureSize() * 2];
            Arrays.fill(pixels, 0, manifest.pictureSize(), 0.25f);
            Arrays.fill(pixels, manifest.pictureSize(), pixels.length, 0.75f);
            float[] out = new float[2];
            runner.predict(pixels, 2, out);
            assertEquals(0.25f, out[0], 1e-6f);
            assertEquals(0.75f, out[1], 1e-6f);
            assertFalse(options.closed);
        } finally {
            runner.close();
        }
        assertTrue("closing the runner left its session options open", options.closed);
    }

    @Test
    public void aFailedLoadClosesItsOptionsAndNamesTheInput() throws IOException {
        Path artifacts = TinyArtifacts.write(temp.newFolder("artifacts").toPath());
        Path manifestFile = artifacts.resolve(Manifest.FILE_NAME);
        Files.writeString(manifestFile, Files.readString(manifestFile)
                .replace("\"onnx_input\": \"picture\"", "\"onnx_input\": \"image\""));
        TrackedOptions options = new TrackedOptions();
        try {
            new OnnxModel(artifacts.resolve("model.onnx"), Manifest.read(artifacts), 1, options).close();
            fail("a model without the manifest's input name loaded");
        } catch (ArtifactException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("'image'") && e.getMessage().contains("[picture]"));
        }
        assertTrue("a failed load left its session options open", options.closed);
    }
}
