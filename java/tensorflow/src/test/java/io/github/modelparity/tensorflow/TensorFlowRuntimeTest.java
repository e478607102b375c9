package io.github.modelparity.tensorflow;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.github.modelparity.runtime.Runtimes;
import java.util.Set;
import org.junit.Test;

/** With this module on the class path, the library finds both runtimes. */
public class TensorFlowRuntimeTest {
    @Test
    public void theLibraryFindsTheSavedModelRuntimeBesideOnnxRuntime() {
        assertEquals(Set.of("onnx", "onnx_int8", "savedmodel"), Runtimes.artifacts());
        assertTrue(Runtimes.byArtifact().get("savedmodel") instanceof TensorFlowRuntime);
    }

    @Test
    public void theCallFloorRunsOnAGraphOfOneOp() {
        double p50 = SessionFloor.p50Ms(8, 8, 1, 1, 50);
        assertTrue("p50 " + p50, p50 > 0 && p50 < 1000);
    }
}
