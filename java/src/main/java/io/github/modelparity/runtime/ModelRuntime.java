package io.github.modelparity.runtime;

import io.github.modelparity.manifest.Manifest;
import java.nio.file.Path;
import java.util.Set;

/**
 * A runtime that runs some of the manifest's artifacts: ONNX Runtime (in this library) or
 * TensorFlow Java (the {@code modelparity-tensorflow} module). Found at run time by
 * {@link java.util.ServiceLoader}: a runtime module lists its implementation in
 * {@code META-INF/services/io.github.modelparity.runtime.ModelRuntime}, as DJL's
 * engines list theirs, so adding a runtime edits nothing here.
 *
 * <p>Implementations need a public no-argument constructor and hold no model themselves.
 */
public interface ModelRuntime {
    /**
     * @return the runtime's name for messages, such as "ONNX Runtime"
     */
    String name();

    /**
     * @return the manifest's artifact names this runtime runs, such as onnx and onnx_int8
     */
    Set<String> artifacts();

    /**
     * Loads one artifact whose sha256 the caller has checked against the manifest.
     *
     * @param artifact the artifact's file or folder
     * @param manifest the manifest that lists it: the input's size and the model's names
     * @param threads the runtime's intra-op threads (at least 1)
     * @return the loaded model, which the caller closes
     * @throws io.github.modelparity.ArtifactException if the runtime cannot load it,
     *         or its input differs from the manifest's
     */
    LoadedModel load(Path artifact, Manifest manifest, int threads);
}
