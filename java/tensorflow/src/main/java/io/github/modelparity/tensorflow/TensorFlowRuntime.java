package io.github.modelparity.tensorflow;

import io.github.modelparity.ArtifactFormat;
import io.github.modelparity.manifest.Manifest;
import io.github.modelparity.runtime.LoadedModel;
import io.github.modelparity.runtime.ModelRuntime;
import java.nio.file.Path;
import java.util.Set;

/**
 * TensorFlow Java as a {@link ModelRuntime}: runs the SavedModel folder with SavedModelBundle.
 * Listed in this module's META-INF/services; the library finds it when this jar is on the
 * class path, and names this module's coordinates when it is not.
 */
public final class TensorFlowRuntime implements ModelRuntime {
    /** For ServiceLoader. */
    public TensorFlowRuntime() {
    }

    @Override
    public String name() {
        return "TensorFlow Java";
    }

    @Override
    public Set<String> artifacts() {
        return Set.of(ArtifactFormat.SAVEDMODEL.key());
    }

    @Override
    public LoadedModel load(Path artifact, Manifest manifest, int threads) {
        return new SavedModel(artifact, manifest, threads);
    }
}
