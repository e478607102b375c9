package io.github.modelparity.onnx;

import io.github.modelparity.ArtifactFormat;
import io.github.modelparity.manifest.Manifest;
import io.github.modelparity.runtime.LoadedModel;
import io.github.modelparity.runtime.ModelRuntime;
import java.nio.file.Path;
import java.util.Set;

/**
 * ONNX Runtime as a {@link ModelRuntime}: runs model.onnx and model_int8.onnx. Listed in this
 * library's META-INF/services, so it is found as any runtime module is.
 */
public final class OnnxRuntime implements ModelRuntime {
    /** For ServiceLoader. */
    public OnnxRuntime() {
    }

    @Override
    public String name() {
        return "ONNX Runtime";
    }

    @Override
    public Set<String> artifacts() {
        return Set.of(ArtifactFormat.ONNX.key(), ArtifactFormat.ONNX_INT8.key());
    }

    @Override
    public LoadedModel load(Path artifact, Manifest manifest, int threads) {
        return new OnnxModel(artifact, manifest, threads);
    }
}
